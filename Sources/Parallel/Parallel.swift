import Foundation
import Synchronization

/// Work split across cores: the one place SpotCheck fans a loop out (ticket hashing, candidate
/// ranking, CSV parsing, row validation) and gathers the parts back in order.
public enum Parallel {
    /// Splits `0..<count` into about `parts` contiguous ranges (one when `count` is below
    /// `minimumCount`), runs `body` on each on all cores, and returns the results in range order.
    public static func map<Part: Sendable>(
        count: Int, parts: Int = defaultParts, minimumCount: Int = 0,
        _ body: @Sendable (Range<Int>) -> Part
    ) -> [Part] {
        guard count > 0 else { return [] }
        let partCount = count >= minimumCount ? max(1, min(parts, count)) : 1
        let size = (count + partCount - 1) / partCount
        let ranges = stride(from: 0, to: count, by: size).map { $0..<min(count, $0 + size) }
        return map(ranges, body)
    }

    /// Runs `body` on each of `items` on all cores and returns the results in the same order.
    public static func map<Item: Sendable, Part: Sendable>(_ items: [Item], _ body: @Sendable (Item) -> Part) -> [Part] {
        guard items.count > 1 else { return items.map(body) }
        let results = Mutex<[Int: Part]>([:])
        DispatchQueue.concurrentPerform(iterations: items.count) { index in
            let part = body(items[index])
            results.withLock { $0[index] = part }
        }
        return results.withLock { results in items.indices.map { results[$0]! } }
    }

    /// Runs two independent pieces of work at once, on two cores when there are, and returns
    /// both results.
    public static func both<First: Sendable, Second: Sendable>(_ first: @Sendable () -> First, _ second: @Sendable () -> Second) -> (First, Second) {
        let firstResult = Mutex<First?>(nil), secondResult = Mutex<Second?>(nil)
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            if index == 0 {
                let value = first()
                firstResult.withLock { $0 = value }
            } else {
                let value = second()
                secondResult.withLock { $0 = value }
            }
        }
        return (firstResult.withLock { $0! }, secondResult.withLock { $0! })
    }

    /// Four parts a core: enough for uneven parts to even out.
    public static var defaultParts: Int { cores * 4 }

    /// The cores this process may use.
    public static var cores: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }
}
