import Foundation

/// Durations written the way operators write them: `500ms`, `30s`, `2m`, `1h`, or plain
/// seconds (`45`).
public enum DurationText {
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [(suffix: String, milliseconds: Int64)] = [
            ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
        ]
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            let number = trimmed.dropLast(unit.suffix.count)
            // "5ms" also ends in "s": only accept a suffix whose remainder is a plain number.
            guard let value = Int64(number), value >= 0 else { continue }
            return .milliseconds(value * unit.milliseconds)
        }
        if let seconds = Int64(trimmed), seconds >= 0 { return .seconds(seconds) }
        return nil
    }

    /// The shortest form that `parse` reads back, e.g. `30s`, `2m`, `1500ms`.
    public static func format(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds % 3_600_000 == 0, milliseconds > 0 { return "\(milliseconds / 3_600_000)h" }
        if milliseconds % 60_000 == 0, milliseconds > 0 { return "\(milliseconds / 60_000)m" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        return "\(milliseconds)ms"
    }
}
