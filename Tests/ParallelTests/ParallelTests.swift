import Foundation
import Parallel
import Synchronization
import Testing

@Suite("Work split across cores")
struct ParallelTests {
    @Test("parts cover every index once, in order, whatever the split")
    func ordered() {
        for count in [0, 1, 7, 64, 1000, 4097] {
            let parts = Parallel.map(count: count, parts: 8) { range in Array(range) }
            #expect(parts.flatMap { $0 } == Array(0..<count))
            #expect(parts.count <= 8)
        }
    }

    @Test("below the minimum the work stays in one part")
    func small() {
        #expect(Parallel.map(count: 100, parts: 8, minimumCount: 1000) { $0 } == [0..<100])
        #expect(Parallel.map(count: 2000, parts: 4, minimumCount: 1000) { $0 }.count == 4)
    }

    @Test("two pieces of work run at the same time, and each result comes back in its place")
    func both() {
        // Each waits (up to 10 s) for the other to have started: run one after the other, neither would see the other.
        let started = Mutex(0)
        @Sendable func meet() -> Bool {
            started.withLock { $0 += 1 }
            let deadline = ContinuousClock.now + .seconds(10)
            while started.withLock({ $0 }) < 2 {
                if ContinuousClock.now > deadline { return false }
                usleep(1000)
            }
            return true
        }
        let (number, text) = Parallel.both({ (meet(), 42) }, { (meet(), "kept") })
        #expect(number.1 == 42 && text.1 == "kept")
        if Parallel.cores > 1 { #expect(number.0 && text.0, "both were running at once") }
    }

    @Test("items are mapped in their order")
    func items() {
        #expect(Parallel.map(Array(1...50)) { $0 * $0 } == (1...50).map { $0 * $0 })
    }
}
