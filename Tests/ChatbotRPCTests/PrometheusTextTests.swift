import Testing

@testable import ChatbotRPC

@Suite struct PrometheusTextTests {
    @Test func writesHelpAndTypeBeforeTheSamples() {
        var text = PrometheusText()
        text.family("chatbot_things_total", .counter, help: "Things.")
        text.sample("chatbot_things_total", [("kind", "a"), ("code", "OK")], 3)
        text.sample("chatbot_things_total", [], 0)
        text.family("chatbot_level", .gauge, help: "A level.")
        text.sample("chatbot_level", [], 1.5)
        #expect(
            text.text == """
                # HELP chatbot_things_total Things.
                # TYPE chatbot_things_total counter
                chatbot_things_total{kind="a",code="OK"} 3
                chatbot_things_total 0
                # HELP chatbot_level A level.
                # TYPE chatbot_level gauge
                chatbot_level 1.5

                """
        )
    }

    @Test(arguments: [
        ("plain", "plain"),
        ("", ""),
        (#"back\slash"#, #"back\\slash"#),
        (#"say "hi""#, #"say \"hi\""#),
        ("two\nlines", #"two\nlines"#),
        ("机器人 \"一\"\\\n", #"机器人 \"一\"\\\n"#),
    ])
    func escapesLabelValues(value: String, escaped: String) {
        #expect(PrometheusText.escape(labelValue: value) == escaped)
        var text = PrometheusText()
        text.sample("m", [("bot", value)], 1)
        #expect(text.text == "m{bot=\"\(escaped)\"} 1\n")
    }

    @Test func escapesHelpButNotItsQuotes() {
        #expect(PrometheusText.escape(help: "a \"b\" c\\d\ne") == #"a "b" c\\d\ne"#)
        var text = PrometheusText()
        text.family("m", .gauge, help: "one\ntwo")
        #expect(text.text == "# HELP m one\\ntwo\n# TYPE m gauge\n")
    }

    @Test func spellsSpecialValuesThePrometheusWay() {
        #expect(PrometheusText.format(.nan) == "NaN")
        #expect(PrometheusText.format(.infinity) == "+Inf")
        #expect(PrometheusText.format(-.infinity) == "-Inf")
        #expect(PrometheusText.format(0.25) == "0.25")
    }

    @Test func readsCPUTimeAndResidentMemoryFromProcStat() throws {
        // The command name may hold spaces and parentheses: fields are counted after the last ')'.
        let stat =
            "4242 (a) b (c)) S 1 4242 4242 0 -1 4194560 900 0 0 0 150 50 0 0 20 0 3 0 1234 "
            + "123456789 2560 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 0 0 0 0 0 0"
        let parsed = try #require(ProcessMetrics.parse(stat: stat, ticksPerSecond: 100, pageSize: 4096))
        #expect(parsed.cpuSeconds == 2.0)
        #expect(parsed.residentBytes == 2560 * 4096)
        #expect(ProcessMetrics.parse(stat: "garbage", ticksPerSecond: 100, pageSize: 4096) == nil)
    }
}
