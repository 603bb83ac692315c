internal import Glibc

/// Finds a method by its `:path`, comparing bytes, so that routing creates no `String`.
package struct RPCRouter: Sendable {
    private let methods: [(path: [UInt8], method: RPCMethod)]

    package init(services: [any RPCService]) {
        methods = services.flatMap(\.methods).map { (Array($0.path.utf8), $0) }
    }

    package func method(path: UnsafeRawBufferPointer) -> RPCMethod? {
        for entry in methods where entry.path.count == path.count {
            let same = entry.path.withUnsafeBytes { memcmp($0.baseAddress!, path.baseAddress!, path.count) == 0 }
            if same { return entry.method }
        }
        return nil
    }

    /// The fully qualified names of the services that have methods here.
    package var serviceNames: [String] {
        var names: [String] = []
        for entry in methods {
            let name = String(entry.method.path.dropFirst().prefix { $0 != "/" })
            if !names.contains(name) { names.append(name) }
        }
        return names
    }
}
