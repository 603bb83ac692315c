internal import CChatbotShims.Malloc

/// Gives back to the system what glibc's allocator keeps free after a spike.
///
/// glibc keeps freed chunks in its arenas (one per thread that allocated, up to eight per core)
/// and returns an arena's memory only from its top: after a spike of connections, the resident
/// size stays up though the program holds little (`bench/memory/spike.py` measured 130 MiB
/// resident with 5 MiB in use and 104 MiB free-held, and 39 MiB resident after `malloc_trim(0)`).
/// `malloc_trim(0)` walks every arena and releases its free pages (`madvise`), taking each arena's
/// lock in turn (0.3 to 90 ms measured after those spikes, while event loops allocating in an
/// arena wait for it): call it off the event loops, and not often. `fordblks` still counts the
/// chunks it released, so the free figure does not fall; the resident size does.
package enum HeapTrim {
    /// Calls `malloc_trim(0)` when glibc holds more than `threshold` bytes free; the bytes it held
    /// free, or nil when it held no more than that and nothing was done.
    package static func trim(ifFreeOver threshold: Int) -> Int? {
        let free = ProcessMetrics.heap().free
        guard free > threshold else { return nil }
        malloc_trim(0)
        return free
    }
}
