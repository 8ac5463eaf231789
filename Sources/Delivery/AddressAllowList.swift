public import Foundation
#if canImport(Glibc)
import Glibc
#endif
public import Supervision

/// The unit denies every IP address but loopback (`IPAddressDeny=any`); this writes the
/// drop-in that lets spotcheckd reach the hosts its configuration names, and the DNS servers it
/// resolves them with. systemd takes addresses, not names, so the drop-in is made again when
/// the configuration or a receiver's address changes.
public enum AddressAllowList {
    /// The addresses of every configured receiver's host, and the nameservers of `resolvConf`.
    public static func addresses(for settings: NotifySettings, resolvConf: String = "/etc/resolv.conf") -> (addresses: [String], unresolved: [String]) {
        var addresses: Set<String> = []
        var unresolved: [String] = []
        let hosts = Set(settings.webhooks.compactMap { $0.url.host } + (settings.smtp.map { [$0.host] } ?? []))
        for host in hosts.sorted() {
            let resolved = resolve(host)
            if resolved.isEmpty { unresolved.append(host) }
            addresses.formUnion(resolved)
        }
        let nameservers = ((try? String(contentsOfFile: resolvConf, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { line -> String? in
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            return words.count >= 2 && words[0] == "nameserver" ? String(words[1]) : nil
        }
        addresses.formUnion(nameservers)
        return (addresses.sorted(), unresolved)
    }

    /// The drop-in's text (`/etc/systemd/system/spotcheckd.service.d/address-allow.conf`).
    public static func dropIn(for settings: NotifySettings, generatedAt: Date = Date()) -> String {
        let (addresses, unresolved) = addresses(for: settings)
        var lines = [
            "# Made by spotcheckd --address-allow on \(ShanghaiTime.iso8601(generatedAt)): the receivers notify.* names and the DNS servers.",
            "# Make it again after changing notify.* or when a receiver moves: systemd allows addresses, not names.",
        ]
        for host in unresolved { lines.append("# \(host): not resolved; it stays unreachable until this is made again") }
        lines += ["[Service]", "IPAddressAllow=localhost" + (addresses.isEmpty ? "" : " " + addresses.joined(separator: " "))]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The IPv4 and IPv6 addresses of `host` (getaddrinfo: the resolver the daemon itself uses).
    static func resolve(_ host: String) -> Set<String> {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0 else { return [] }
        defer { freeaddrinfo(list) }
        var result: Set<String> = []
        var next = list
        while let info = next {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(info.pointee.ai_addr, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                result.insert(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            next = info.pointee.ai_next
        }
        return result
    }
}
