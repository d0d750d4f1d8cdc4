import CMariaDB
import Foundation

/// Conversions between `Date` and libmariadb's broken-down time, always in UTC (the session
/// time zone is `+00:00`), to the microsecond. Uses the proleptic Gregorian calendar, as the
/// server does, without Foundation's Calendar.
extension MYSQL_TIME {
    private static let microsecondsPerSecond: Int64 = 1_000_000
    private static let secondsPerDay: Int64 = 86_400

    /// Year 1 through 9999: what DATETIME can hold.
    private static let representableSeconds: ClosedRange<Double> = -62_135_596_800...253_402_300_799

    init(utc date: Date) throws {
        let interval = date.timeIntervalSince1970
        var wholeSeconds = interval.rounded(.down)
        var microseconds = ((interval - wholeSeconds) * 1e6).rounded()
        if microseconds >= 1e6 {
            wholeSeconds += 1
            microseconds = 0
        }
        guard Self.representableSeconds.contains(wholeSeconds) else {
            throw DatabaseError(kind: .usage, message: "a date parameter lies outside the years 1 to 9999")
        }

        let seconds = Int64(wholeSeconds)
        let days = Self.floorDivide(seconds, Self.secondsPerDay)
        let secondOfDay = seconds - days * Self.secondsPerDay
        let (year, month, day) = Self.civilDate(daysSinceEpoch: days)

        self.init()
        self.year = UInt32(year)
        self.month = UInt32(month)
        self.day = UInt32(day)
        self.hour = UInt32(secondOfDay / 3600)
        self.minute = UInt32(secondOfDay % 3600 / 60)
        self.second = UInt32(secondOfDay % 60)
        self.second_part = UInt(microseconds)
        self.time_type = MYSQL_TIMESTAMP_DATETIME
    }

    /// The server's "zero date" (0000-00-00), which no `Date` can stand for.
    var isZeroDate: Bool {
        year == 0 && month == 0 && day == 0
    }

    var utcDate: Date {
        let days = Self.daysSinceEpoch(year: Int64(year), month: Int64(month), day: Int64(day))
        let seconds = days * Self.secondsPerDay + Int64(hour) * 3600 + Int64(minute) * 60 + Int64(second)
        let total = seconds * Self.microsecondsPerSecond + Int64(second_part)

        // Within 2^53 microseconds (years 1685 to 2255), one correctly rounded division gives
        // the same Double as the decimal literal would; beyond, whole seconds stay exact.
        if total.magnitude < 1 << 53 {
            return Date(timeIntervalSince1970: Double(total) / 1e6)
        }
        return Date(timeIntervalSince1970: Double(seconds) + Double(second_part) / 1e6)
    }

    /// The text the server shows for this value, for zero dates.
    var text: String {
        func padded(_ value: UInt32, _ width: Int) -> String {
            String(repeating: "0", count: max(0, width - String(value).count)) + String(value)
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2)) "
            + "\(padded(hour, 2)):\(padded(minute, 2)):\(padded(second, 2))"
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }

    /// Days since 1970-01-01 of a Gregorian date (era arithmetic over 400-year cycles).
    private static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = floorDivide(shiftedYear, 400)
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The Gregorian date of a day counted from 1970-01-01; the inverse of `daysSinceEpoch`.
    private static func civilDate(daysSinceEpoch days: Int64) -> (Int64, Int64, Int64) {
        let shifted = days + 719_468
        let era = floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
