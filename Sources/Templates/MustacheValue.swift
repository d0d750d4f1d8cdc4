import Foundation

/// A value a template renders: JSON-like.
///
/// In a section, `null`, `false`, the empty string and the empty array are falsey; every other
/// value, including `0`, is truthy. Interpolated arrays and objects render as nothing.
public indirect enum MustacheValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([MustacheValue])
    case object([String: MustacheValue])

    /// From what JSONSerialization produces (NSNumber bools vs numbers told apart correctly).
    ///
    /// Native Swift values (`Bool`, integers, `Double`, `String`, arrays, dictionaries,
    /// optionals) are accepted too; anything else becomes `null`.
    public init(json: Any) {
        switch json {
        case let value as MustacheValue:
            self = value
        case let value as String:
            self = .string(value)
        case let value as [Any]:
            self = .array(value.map(MustacheValue.init(json:)))
        case let value as [String: Any]:
            self = .object(value.mapValues(MustacheValue.init(json:)))
        default:
            self = MustacheValue(scalar: json)
        }
    }

    private init(scalar: Any) {
        // Native Swift scalars first: `as? Bool` would also accept the NSNumber 1.
        switch scalar {
        case let value as Bool where type(of: scalar) == Bool.self:
            self = .bool(value)
        case let value as Int where type(of: scalar) == Int.self:
            self = .int(Int64(value))
        case let value as Int64 where type(of: scalar) == Int64.self:
            self = .int(value)
        case let value as Double where type(of: scalar) == Double.self:
            self = .double(value)
        case let number as NSNumber:
            self = MustacheValue(number: number)
        default:
            self = MustacheValue(optional: scalar)
        }
    }

    private init(number: NSNumber) {
        // JSONSerialization makes booleans NSNumbers of ObjC type "c" (char); JSON never
        // yields a char-sized number otherwise.
        switch String(cString: number.objCType) {
        case "c", "B":
            self = .bool(number.boolValue)
        case "f", "d":
            self = .double(number.doubleValue)
        default:
            self = .int(number.int64Value)
        }
    }

    private init(optional: Any) {
        let mirror = Mirror(reflecting: optional)
        guard mirror.displayStyle == .optional, let wrapped = mirror.children.first?.value else {
            self = .null
            return
        }
        self = MustacheValue(json: wrapped)
    }
}

extension MustacheValue {
    /// Whether a section renders its content for this value (an inverted section: the opposite).
    var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let value): value
        case .string(let value): !value.isEmpty
        case .array(let items): !items.isEmpty
        case .int, .double, .object: true
        }
    }

    /// The text an interpolation tag writes for this value, before escaping.
    var interpolatedText: String {
        switch self {
        case .null, .array, .object: ""
        case .bool(let value): value ? "true" : "false"
        case .int(let value): String(value)
        case .string(let value): value
        case .double(let value):
            // Whole numbers read as integers: 2.0 renders as "2".
            value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        }
    }

    /// The member `key` of an object; `null` for anything else or a missing key.
    func member(_ key: String) -> MustacheValue? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }
}
