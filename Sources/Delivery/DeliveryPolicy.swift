public import Foundation

/// What a receiver's answer means for the row: the rules of issue 11, pure.
public enum DeliveryVerdict: Sendable, Hashable {
    /// Accepted.
    case delivered
    /// Try again: after the receiver's `Retry-After` when it gave one, else after the backoff.
    case retry(after: TimeInterval?, error: String)
    /// Refused for good (the row is dead at once).
    case permanent(error: String)
    /// A robot's rate limit: held for `after` seconds, the attempt not counted.
    case hold(after: TimeInterval, error: String)
}

/// Reads a receiver's answer.
public enum DeliveryPolicy {
    /// An HTTP status (Standard Webhooks): 2xx delivered; 429 and 503 retried after
    /// `Retry-After`; 408, 409, 425 and every other 5xx retried; any other status permanent
    /// (redirects are not followed: a moved endpoint is configured anew).
    public static func verdict(status: Int, retryAfter: String?, now: Date) -> DeliveryVerdict {
        switch status {
        case 200..<300: return .delivered
        case 429, 503: return .retry(after: retryAfter.flatMap { parseRetryAfter($0, now: now) }, error: "HTTP \(status)")
        case 408, 409, 425, 500..<600: return .retry(after: nil, error: "HTTP \(status)")
        default: return .permanent(error: "HTTP \(status) (not retried)")
        }
    }

    /// A DingTalk or WeCom robot answers 200 with `{"errcode":…}`: 0 is delivered; their "too
    /// many messages" codes (DingTalk 130101, WeCom 45009) hold the row a minute; a busy
    /// system (-1) is retried; anything else (a bad key, a bad signature, a malformed
    /// message) is permanent.
    public static func robotVerdict(status: Int, body: [UInt8], retryAfter: String?, now: Date) -> DeliveryVerdict {
        guard (200..<300).contains(status) else { return verdict(status: status, retryAfter: retryAfter, now: now) }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any], let code = (object["errcode"] as? NSNumber)?.intValue else {
            return .retry(after: nil, error: "HTTP \(status) without an errcode")
        }
        let message = (object["errmsg"] as? String).map { ": \($0)" } ?? ""
        switch code {
        case 0: return .delivered
        case 130101, 45009: return .hold(after: 60, error: "errcode \(code)\(message) (rate limit; held)")
        case -1: return .retry(after: nil, error: "errcode -1\(message)")
        default: return .permanent(error: "errcode \(code)\(message)")
        }
    }

    /// `Retry-After` as seconds or an HTTP date (RFC 9110 §10.2.3); at most a day.
    public static func parseRetryAfter(_ text: String, now: Date) -> TimeInterval? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed), seconds >= 0 { return min(Double(seconds), 86_400) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        return min(max(date.timeIntervalSince(now), 0), 86_400)
    }

    /// The delay before attempt `attempt + 1`: `initial` doubled per attempt made, capped at
    /// `maximum`, with jitter (a random point in its upper half) so that receivers coming back
    /// are not hit by every row at once.
    public static func backoff(afterAttempt attempt: Int, initial: TimeInterval, maximum: TimeInterval,
                               random: Double = Double.random(in: 0...1)) -> TimeInterval {
        let exponent = Double(min(max(attempt - 1, 0), 40))
        let delay = min(initial * pow(2, exponent), maximum)
        return delay / 2 + delay / 2 * random
    }
}
