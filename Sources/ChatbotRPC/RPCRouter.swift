internal import Glibc

/// Finds a method by its `:path`, comparing bytes, so that routing creates no `String`.
package struct RPCRouter: Sendable {
    private let methods: [(path: [UInt8], method: RPCMethod)]

    package init(services: [any RPCService]) {
        methods = services.flatMap(\.methods).map { (Array($0.path.utf8), $0) }
    }

    private init(methods: [(path: [UInt8], method: RPCMethod)]) {
        self.methods = methods
    }

    /// These methods, the ones whose path `served` lacks answering every call with `refusal(path)`
    /// instead: the same table, in the same order, so that each method keeps its metrics slot.
    ///
    /// A refused method decodes no request message and runs none of its handler.
    func serving(only served: Set<String>, refusal: (String) -> RPCError) -> RPCRouter {
        RPCRouter(
            methods: methods.map { entry in
                served.contains(entry.method.path)
                    ? entry : (entry.path, entry.method.refusing(refusal(entry.method.path)))
            }
        )
    }

    package func method(path: UnsafeRawBufferPointer) -> RPCMethod? {
        find(path: path)?.method
    }

    /// The method at `path` and its position among ``methodPaths`` (its metrics slot).
    func find(path: UnsafeRawBufferPointer) -> (slot: Int, method: RPCMethod)? {
        for (slot, entry) in methods.enumerated() where entry.path.count == path.count {
            let same = entry.path.withUnsafeBytes { memcmp($0.baseAddress!, path.baseAddress!, path.count) == 0 }
            if same { return (slot, entry.method) }
        }
        return nil
    }

    /// Every method's path, in lookup order.
    var methodPaths: [String] { methods.map(\.method.path) }

    /// Every method's kind, in the order of ``methodPaths``.
    var methodKinds: [RPCMethod.Kind] { methods.map(\.method.kind) }

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
