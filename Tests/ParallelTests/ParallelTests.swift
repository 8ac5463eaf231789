import Parallel
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

    @Test("items are mapped in their order")
    func items() {
        #expect(Parallel.map(Array(1...50)) { $0 * $0 } == (1...50).map { $0 * $0 })
    }
}
