// chatbot-matcher-bench: FAQ matching quality and single-core speed on faq-bench.
//
//     chatbot-matcher-bench [--data DIR] [--kb FILE] [--threshold T] [--seconds S] [--no-eval] [--digest]
//
// `--digest` prints one hash over every dev query's candidates (keys, matched questions, and the
// exact bits of scores and confidences), so that a change meant to be faster can show it changed
// no result at all, not only the rounded figures. Run it with SWIFT_DETERMINISTIC_HASHING=1: the
// index breaks ties between equally strong associations in set order, which is seeded per process.
//
// Reads the benchmark's files at run time (they are evaluation data and never copied into the
// repository), builds the index, prints the evaluation per source at the threshold, then runs the
// dev queries one at a time on one thread and reports queries per CPU-second.
import ChatbotEngine
import Foundation

#if canImport(Glibc)
import Glibc
#endif

struct Options {
    var data = "../shared/data/faq-bench"
    var kb: String?
    var threshold = BotSettings.defaultThreshold
    var seconds = 3.0
    var evaluate = true
    var digest = false

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--data": data = iterator.next()!
            case "--kb": kb = iterator.next()!
            case "--threshold": threshold = Double(iterator.next()!)!
            case "--seconds": seconds = Double(iterator.next()!)!
            case "--no-eval": evaluate = false
            case "--digest": digest = true
            default: fatalError("unknown argument \(argument)")
            }
        }
    }
}

func lines(_ path: String) -> [[String: Any]] {
    guard let data = FileManager.default.contents(atPath: path) else { fatalError("cannot read \(path)") }
    return data.split(separator: UInt8(ascii: "\n")).map {
        try! JSONSerialization.jsonObject(with: Data($0)) as! [String: Any]
    }
}

func cpuSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

func residentMegabytes() -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return Double(line.split(separator: " ")[1])! / 1024
    }
    return 0
}

let options = Options(CommandLine.arguments)
let kbPath = options.kb ?? options.data + "/kb.jsonl"
var entries: [FAQEntry] = []
for (index, line) in lines(kbPath).enumerated() {
    entries.append(
        FAQEntry(
            id: Int64(index + 1),
            key: line["id"] as! String,
            skill: line["skill"] as! String,
            question: line["question"] as! String,
            similar: line["similar"] as? [String] ?? [],
            answers: [line["answer"] as? String ?? ""]
        )
    )
}
let queries = lines(options.data + "/queries-dev.jsonl")

let rssBefore = residentMegabytes()
let buildStart = cpuSeconds()
let kb = KnowledgeBase(entries: entries)
let buildSeconds = cpuSeconds() - buildStart
let rssAfter = residentMegabytes()
print(
    String(
        format: "index: %d entries, built in %.3f s CPU, RSS %.0f MB -> %.0f MB (+%.0f MB)",
        entries.count,
        buildSeconds,
        rssBefore,
        rssAfter,
        rssAfter - rssBefore
    )
)

if options.evaluate {
    var evaluation = Evaluation(threshold: options.threshold)
    for query in queries {
        let candidates = kb.match(query["query"] as! String)
        evaluation.add(
            gold: query["gold"] as? String,
            ranked: candidates.map(\.entry.key),
            confidence: candidates.first?.confidence ?? 0,
            source: query["source"] as? String
        )
    }
    print(
        String(
            format: "\nthreshold %.2f, recommend band %.2f <= c < %.2f",
            options.threshold,
            options.threshold * 0.75,
            options.threshold
        )
    )
    print("source        in   oo  acc@1    R@3  MRR10 answered hitP    FH   recIn")
    func row(_ name: String, _ f: Evaluation.Figures) {
        print(
            String(
                format: "%@ %4d %4d %6.1f %6.1f %6.1f %6.1f %6.1f %6.1f %6.1f",
                name.padding(toLength: 12, withPad: " ", startingAt: 0) as NSString,
                f.inKB,
                f.outOfKB,
                100 * f.accuracyAt1,
                100 * f.recallAt3,
                100 * f.mrrAt10,
                100 * f.answeredRate,
                100 * f.hitPrecision,
                100 * f.falseHitRate,
                100 * f.recommendRate
            )
        )
    }
    row("ALL", evaluation.all)
    for (source, figures) in evaluation.bySource.sorted(by: { $0.key < $1.key }) { row(source, figures) }
}

if options.digest {
    // FNV-1a over everything a match returns.
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    func mix(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        hash = (hash ^ 0xFF) &* 0x100_0000_01b3
    }
    for query in queries {
        for candidate in kb.match(query["query"] as! String) {
            mix(candidate.entry.key.utf8)
            mix(candidate.matchedQuestion.utf8)
            withUnsafeBytes(of: candidate.confidence.bitPattern) { mix($0) }
            withUnsafeBytes(of: candidate.score.bitPattern) { mix($0) }
        }
        mix([0])
    }
    print(String(format: "\ndigest: %016llx", hash))
}

// Throughput: the dev queries one at a time, repeated, on this thread.
let texts = queries.map { $0["query"] as! String }
var done = 0
var sink = 0
let start = cpuSeconds()
while cpuSeconds() - start < options.seconds {
    for text in texts {
        sink &+= kb.match(text).count
    }
    done += texts.count
}
let elapsed = cpuSeconds() - start
print(
    String(
        format: "\nthroughput: %.0f queries per CPU-second (%d queries, %.2f s CPU, one thread)",
        Double(done) / elapsed,
        done,
        elapsed
    )
)
if sink == 42 { print("") }
