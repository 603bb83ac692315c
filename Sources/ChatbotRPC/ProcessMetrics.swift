internal import CChatbotShims.Malloc
internal import Glibc
internal import Prometheus
internal import Synchronization

/// The process's CPU time and resident memory, read from `/proc/self/stat` at each scrape, under
/// the names Prometheus client libraries use (`process_cpu_seconds_total`,
/// `process_resident_memory_bytes`), and glibc's heap figures from `mallinfo2()`.
///
/// The heap figures tell allocator retention from a leak: `chatbot_process_heap_in_use_bytes`
/// (`uordblks + hblkhd`, what the program holds, mmapped chunks included) falls back when memory
/// is freed, while `chatbot_process_heap_free_bytes` (`fordblks`, free chunks glibc keeps in its
/// arenas) and the resident size may stay high.
///
/// The `/proc` families appear once `/proc/self/stat` has been read; where it cannot be, they do
/// not.
final class ProcessMetrics: Sendable {
    private struct ProcHandles {
        let cpuSeconds: Counter
        let residentBytes: Gauge
        /// The CPU time the counter holds: it only goes up, by what `/proc` added since.
        var counted = 0.0
    }

    private let registry: PrometheusCollectorRegistry
    private let proc = Mutex<ProcHandles?>(nil)
    private let heapInUse: Gauge
    private let heapFree: Gauge

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        heapInUse = registry.makeGauge(descriptor: MetricFamily.heapInUse.descriptor)
        heapFree = registry.makeGauge(descriptor: MetricFamily.heapFree.descriptor)
    }

    /// Reads the figures into the handles; call it before rendering.
    func update() {
        if let stat = Self.readStat() {
            proc.withLock { handles in
                if handles == nil {
                    handles = ProcHandles(
                        cpuSeconds: registry.makeCounter(descriptor: MetricFamily.processCPUSeconds.descriptor),
                        residentBytes: registry.makeGauge(descriptor: MetricFamily.processResidentBytes.descriptor)
                    )
                }
                guard var current = handles else { return }
                if stat.cpuSeconds > current.counted {
                    current.cpuSeconds.increment(by: stat.cpuSeconds - current.counted)
                    current.counted = stat.cpuSeconds
                }
                current.residentBytes.set(to: Double(stat.residentBytes))
                handles = current
            }
        }
        let heap = Self.heap()
        heapInUse.set(to: Double(heap.inUse))
        heapFree.set(to: Double(heap.free))
    }

    /// glibc's heap in use (`uordblks + hblkhd`) and free in its arenas (`fordblks`), in bytes.
    ///
    /// `mallinfo2()` visits every arena under its lock: cheap, but not for the request path.
    static func heap() -> (inUse: Int, free: Int) {
        let info = mallinfo2()
        return (Int(info.uordblks + info.hblkhd), Int(info.fordblks))
    }

    /// The fields of `/proc/self/stat` after the command name (which may hold spaces and
    /// parentheses, so the text is split after its last `)`): utime and stime are the 14th and
    /// 15th fields in clock ticks, rss the 24th in pages.
    static func parse(stat: String, ticksPerSecond: Int, pageSize: Int) -> (cpuSeconds: Double, residentBytes: Int)? {
        guard let close = stat.utf8.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = stat[stat.utf8.index(after: close)...].split(separator: " ")
        // fields[0] is the 3rd field (state).
        guard fields.count >= 22, let utime = Int(fields[11]), let stime = Int(fields[12]), let rss = Int(fields[21])
        else { return nil }
        return (Double(utime + stime) / Double(ticksPerSecond), rss * pageSize)
    }

    private static func readStat() -> (cpuSeconds: Double, residentBytes: Int)? {
        let fd = open("/proc/self/stat", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        let stat = String(decoding: bytes[..<count], as: UTF8.self)
        return parse(stat: stat, ticksPerSecond: sysconf(Int32(_SC_CLK_TCK)), pageSize: sysconf(Int32(_SC_PAGESIZE)))
    }
}
