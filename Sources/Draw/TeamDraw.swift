import Foundation
import Parallel

/// Computes many tickets on all cores: `fill` writes the bytes after the seed for item `index`
/// into a reused buffer.
enum ParallelTickets {
    static func compute(count: Int, hasher: TicketHasher, fill: @Sendable (Int, inout [UInt8]) -> Void) -> [Ticket] {
        Parallel.map(count: count, minimumCount: 4096) { range in
            var tickets: [Ticket] = []
            tickets.reserveCapacity(range.count)
            var buffer: [UInt8] = []
            buffer.reserveCapacity(128)
            for index in range {
                buffer.removeAll(keepingCapacity: true)
                fill(index, &buffer)
                tickets.append(hasher.ticket(tail: buffer))
            }
            return tickets
        }.flatMap { $0 }
    }
}

/// DRAW.md §5–6: teams for the selected institutions, in order, from the available inspectors
/// ordered by (local before fallback, ticket("inspector/" + institution, inspector), id).
struct TeamDraw: Sendable {
    struct Candidate: Sendable {
        /// Index into `inspectors`.
        var inspector: Int
        var local: Bool
        var ticket: Ticket
    }

    let teamSize: Int
    let cap: Int?
    let institutions: [String]
    /// The available inspectors, in manifest order.
    let inspectors: [(id: String, local: Bool)]
    /// "inspector\0institution".
    let conflicts: Set<String>
    /// How many recusal pairs each institution has: its walk may skip that many more.
    let conflictCounts: [String: Int]
    let hasher: TicketHasher
    /// Every available inspector's id bytes, back to back, and where each starts and ends: the
    /// ticket loop copies bytes, it touches no String.
    let idBytes: [UInt8]
    let idBounds: [Range<Int>]
    let longestID: Int
    let locals: [Bool]

    init(manifest: DrawManifest, hasher: TicketHasher, institutions: [String]) {
        teamSize = manifest.teamSize
        cap = manifest.maxAssignmentsPerInspector
        self.institutions = institutions
        inspectors = manifest.inspectors.filter(\.available).map { ($0.id, $0.pool == "local") }
        conflicts = Set(manifest.conflicts.map { "\($0.inspector)\u{0}\($0.institution)" })
        conflictCounts = manifest.conflicts.reduce(into: [:]) { $0[$1.institution, default: 0] += 1 }
        self.hasher = hasher
        var bytes: [UInt8] = []
        var bounds: [Range<Int>] = []
        for inspector in inspectors {
            let start = bytes.count
            bytes += inspector.id.utf8
            bounds.append(start..<bytes.count)
        }
        idBytes = bytes
        idBounds = bounds
        longestID = bounds.map(\.count).max() ?? 0
        locals = inspectors.map(\.local)
    }

    @inline(__always)
    func precedes(_ a: Candidate, _ b: Candidate) -> Bool {
        if a.local != b.local { return a.local }
        if a.ticket != b.ticket { return a.ticket < b.ticket }
        return DrawAlgorithm.bytesPrecede(inspectors[a.inspector].id, inspectors[b.inspector].id)
    }

    /// The first `limit` candidates for `institution` in walking order (all when `nil`).
    func order(for institution: String, limit: Int?, buffer: inout [UInt8]) -> [Candidate] {
        // "\ninspector/<institution>\n" then each inspector's id, written into one buffer.
        let prefix = Array("\ninspector/".utf8) + Array(institution.utf8) + [10]
        let longest = longestID
        buffer = prefix + [UInt8](repeating: 0, count: longest)
        var best: [Candidate] = []
        let keep = limit ?? inspectors.count
        best.reserveCapacity(min(keep, inspectors.count) + 1)
        let count = inspectors.count
        buffer.withUnsafeMutableBytes { tail in
            idBytes.withUnsafeBytes { ids in
                for index in 0..<count {
                    let bounds = idBounds[index]
                    let length = bounds.count
                    (tail.baseAddress! + prefix.count).copyMemory(from: ids.baseAddress! + bounds.lowerBound, byteCount: length)
                    let ticket = hasher.ticket(tail: UnsafeRawBufferPointer(rebasing: tail[0..<(prefix.count + length)]))
                    let candidate = Candidate(inspector: index, local: locals[index], ticket: ticket)
                    if limit == nil { best.append(candidate); continue }
                    if best.count == keep, let last = best.last, !precedes(candidate, last) { continue }
                    let position = best.firstIndex { precedes(candidate, $0) } ?? best.count
                    best.insert(candidate, at: position)
                    if best.count > keep { best.removeLast() }
                }
            }
        }
        if limit == nil { best.sort(by: precedes) }
        return best
    }

    /// How many candidates to rank ahead of the walk: enough for the team and the usual skips.
    var lookahead: Int { teamSize + 8 }

    /// The teams, and how many assignments each inspector holds.
    func drawTeams() -> ([DrawOutcome.Team], [String: Int]) {
        // Rank the first candidates of every institution on all cores; the walk itself is
        // sequential, since capacity depends on the teams before.
        let orders = Parallel.map(count: institutions.count, minimumCount: 64) { range in
            var buffer: [UInt8] = []
            buffer.reserveCapacity(128)
            return range.map { index in
                let institution = institutions[index]
                let limit = min(lookahead + (conflictCounts[institution] ?? 0), inspectors.count)
                return order(for: institution, limit: limit, buffer: &buffer)
            }
        }.flatMap { $0 }

        var assignments = [Int](repeating: 0, count: inspectors.count)
        var teams: [DrawOutcome.Team] = []
        teams.reserveCapacity(institutions.count)
        var buffer: [UInt8] = []
        for (position, institution) in institutions.enumerated() {
            var members: [DrawOutcome.Pick] = []
            var skipped: [DrawOutcome.Skip] = []
            var candidates = orders[position]
            var walked = 0
            while members.count < teamSize {
                if walked == candidates.count {
                    // Ran past the ranked candidates: rank them all (rare: many skips).
                    guard candidates.count < inspectors.count else { break }
                    candidates = order(for: institution, limit: nil, buffer: &buffer)
                    continue
                }
                let candidate = candidates[walked]
                walked += 1
                let id = inspectors[candidate.inspector].id
                if conflicts.contains("\(id)\u{0}\(institution)") {
                    skipped.append(DrawOutcome.Skip(inspector: id, reason: "conflict"))
                } else if let cap, assignments[candidate.inspector] >= cap {
                    skipped.append(DrawOutcome.Skip(inspector: id, reason: "at-capacity"))
                } else {
                    members.append(DrawOutcome.Pick(id: id, ticket: candidate.ticket))
                    assignments[candidate.inspector] += 1
                }
            }
            teams.append(DrawOutcome.Team(institution: institution, members: members, skipped: skipped, shortfall: teamSize - members.count))
        }
        var byID: [String: Int] = [:]
        for (index, count) in assignments.enumerated() where count > 0 { byID[inspectors[index].id] = count }
        return (teams, byID)
    }

    /// DRAW.md §6: the first candidate from the start of the institution's order who is not on
    /// the team, was not substituted out of it, and is not skipped by §5 (capacity as the teams
    /// stand now).
    func replacement(for institution: String, team: [String], excluded: Set<String>, assignments: [String: Int]) -> String? {
        var buffer: [UInt8] = []
        for candidate in order(for: institution, limit: nil, buffer: &buffer) {
            let id = inspectors[candidate.inspector].id
            if team.contains(id) || excluded.contains(id) || conflicts.contains("\(id)\u{0}\(institution)") { continue }
            if let cap, assignments[id, default: 0] >= cap { continue }
            return id
        }
        return nil
    }
}
