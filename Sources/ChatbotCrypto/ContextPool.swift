import Synchronization

/// A free list of reusable OpenSSL context wrappers.
///
/// OpenSSL contexts are not thread-safe, and creating them costs far more than using them. A
/// caller leases one context for the length of a closure and nobody else touches it meanwhile.
/// The pool grows to the number of concurrent callers and keeps at most `maxIdle` contexts, so
/// steady traffic allocates no OpenSSL object at all. A lease costs two uncontended lock round
/// trips.
final class ContextPool<Element: Sendable>: Sendable {
    private let idle: Mutex<[Element]>
    private let make: @Sendable () throws(CryptoError) -> Element
    private let maxIdle: Int

    init(maxIdle: Int = 64, make: @escaping @Sendable () throws(CryptoError) -> Element) {
        self.idle = Mutex([])
        self.make = make
        self.maxIdle = maxIdle
    }

    /// Runs `body` with a context that no other caller uses until `body` returns.
    func with<R>(_ body: (Element) throws(CryptoError) -> R) throws(CryptoError) -> R {
        let element: Element
        if let reused = idle.withLock({ $0.popLast() }) {
            element = reused
        } else {
            element = try make()
        }
        defer {
            idle.withLock { idle in
                if idle.count < maxIdle { idle.append(element) }
            }
        }
        return try body(element)
    }
}
