import Templates
import Testing

struct DurationTextTests {
    @Test func operatorsDurationsParse() {
        #expect(DurationText.parse("500ms") == .milliseconds(500))
        #expect(DurationText.parse("30s") == .seconds(30))
        #expect(DurationText.parse("2m") == .seconds(120))
        #expect(DurationText.parse("1h") == .seconds(3600))
        #expect(DurationText.parse("45") == .seconds(45))
        #expect(DurationText.parse("soon") == nil)
        #expect(DurationText.parse("-5s") == nil)
    }

    @Test func formattingReadsBack() {
        for duration in [
            Duration.seconds(1), .seconds(5), .seconds(30), .seconds(120), .seconds(600), .milliseconds(1500),
        ] {
            #expect(DurationText.parse(DurationText.format(duration)) == duration)
        }
        #expect(DurationText.format(.seconds(120)) == "2m")
    }
}
