internal import Glibc

/// The process's CPU time and resident memory, read from `/proc/self/stat` at each scrape, under
/// the names Prometheus client libraries use (`process_cpu_seconds_total`,
/// `process_resident_memory_bytes`). Nothing is written where `/proc` cannot be read.
enum ProcessMetrics {
    static func render(into text: inout PrometheusText) {
        guard let stat = readStat() else { return }
        text.family("process_cpu_seconds_total", .counter, help: "Total user and system CPU time spent in seconds.")
        text.sample("process_cpu_seconds_total", [], stat.cpuSeconds)
        text.family("process_resident_memory_bytes", .gauge, help: "Resident memory size in bytes.")
        text.sample("process_resident_memory_bytes", [], stat.residentBytes)
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
