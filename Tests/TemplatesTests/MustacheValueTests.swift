import Foundation
import Testing

@testable import Templates

@Suite struct MustacheValueTests {
    @Test func jsonBooleansAndNumbersAreToldApart() throws {
        let json = try JSONSerialization.jsonObject(
            with: Data(
                #"{"t": true, "f": false, "one": 1, "zero": 0, "half": 0.5, "big": 12345678901234, "n": null}"#.utf8))

        let value = MustacheValue(json: json)
        let expected: MustacheValue = [
            "t": true, "f": false, "one": 1, "zero": 0, "half": 0.5, "big": 12_345_678_901_234, "n": nil,
        ]
        #expect(value == expected)
    }

    @Test func nativeSwiftValuesAreAccepted() {
        let optional: String? = "x"
        let value = MustacheValue(json: ["b": true, "i": 3, "d": 2.5, "s": optional as Any, "a": [1, "two"]])

        #expect(value == ["b": true, "i": 3, "d": 2.5, "s": "x", "a": [1, "two"]])
    }

    @Test func truthinessFollowsTheDocumentedRules() throws {
        let template = try MustacheTemplate("{{#v}}yes{{/v}}{{^v}}no{{/v}}")
        let cases: [(MustacheValue, String)] = [
            (nil, "no"), (false, "no"), ("", "no"), ([], "no"),
            (true, "yes"), (0, "yes"), ("0", "yes"), ([:], "yes"),
        ]

        for (value, expected) in cases {
            #expect(template.render(["v": value]) == expected, "\(value)")
        }
    }

    @Test func numbersInterpolateWithoutNoise() throws {
        let template = try MustacheTemplate("{{a}} {{b}} {{c}} {{d}}")

        #expect(template.render(["a": 2.0, "b": 1.21, "c": -7, "d": true]) == "2 1.21 -7 true")
    }
}
