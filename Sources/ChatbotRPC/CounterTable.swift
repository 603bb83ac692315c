internal import Prometheus
internal import Synchronization

/// `size` counters of one family, each made the first time its slot counts and kept from then on,
/// so that counting builds its labels' strings once per slot, not once per count.
///
/// A slot is an atomic reference, empty until its counter is made: reading it is one atomic load,
/// and two threads making the same slot at once both get the registry's one counter for those
/// labels (it hands out the existing one), so whichever stores it first wins and nothing is lost.
final class CounterTable<let size: Int>: Sendable {
    /// Each slot holds a reference retained when stored (`passRetained`) and released in `deinit`;
    /// a slot once filled is never replaced.
    private let slots: InlineArray<size, Atomic<Unmanaged<Counter>?>> = InlineArray { _ in Atomic(nil) }
    private let make: @Sendable (Int) -> Counter

    /// - Parameter make: Makes the counter of a slot (called at most a few times per slot, when
    ///   threads race to fill it).
    init(make: @escaping @Sendable (Int) -> Counter) {
        self.make = make
    }

    deinit {
        for slot in 0..<size {
            slots[slot].load(ordering: .acquiring)?.release()
        }
    }

    /// The counter of `slot`, made now if it is the first time.
    func counter(_ slot: Int) -> Counter {
        if let counter = slots[slot].load(ordering: .acquiring) { return counter.takeUnretainedValue() }
        let made = Unmanaged.passRetained(make(slot))
        let (stored, existing) = slots[slot].compareExchange(
            expected: nil,
            desired: made,
            ordering: .acquiringAndReleasing
        )
        if stored { return made.takeUnretainedValue() }
        // Another thread stored its counter first: the same object, as the registry hands out one
        // per label set.
        made.release()
        guard let existing else { preconditionFailure("a failed exchange returns the slot's value") }
        return existing.takeUnretainedValue()
    }

    /// The counter of `slot` if it was ever made.
    func existing(_ slot: Int) -> Counter? {
        slots[slot].load(ordering: .acquiring)?.takeUnretainedValue()
    }
}
