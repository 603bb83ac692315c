import ChatbotService
import Testing

@Suite struct CallbackURLTests {
    @Test func takesHostPortAndTarget() throws {
        let plain = try CallbackURL("http://cs.example/hook?a=1#frag")
        #expect((plain.host, plain.port, plain.target) == ("cs.example", 80, "/hook?a=1"))
        let bare = try CallbackURL("HTTP://127.0.0.1:8081")
        #expect((bare.host, bare.port, bare.target) == ("127.0.0.1", 8081, "/"))
        let query = try CallbackURL("http://h?x")
        #expect(query.target == "/?x")
        let six = try CallbackURL("http://[::1]:9/p")
        #expect((six.host, six.port, six.target) == ("::1", 9, "/p"))
    }

    @Test(arguments: [
        ("https://cs.example/", "http://"),
        ("ftp://x", "http://"),
        ("http://", "no host"),
        ("http://:80/", "no host"),
        ("http://h:0/", "out of range"),
        ("http://h:70000/", "out of range"),
        ("http://h:x/", "port is malformed"),
        ("http://[::1/", "host is malformed"),
        ("http://[::1]x/", "port is malformed"),
        ("http://user:pw@h/", "credentials"),
        ("http://h/a b", "spaces"),
        ("http://h/\u{7F}", "control"),
    ])
    func refusesWhatItCannotPostTo(url: String, cause: String) {
        #expect {
            _ = try CallbackURL(url)
        } throws: { error in
            (error as? CallbackURL.Invalid)?.message.contains(cause) == true
        }
    }

    @Test func backoffDoublesUpToFiveMinutesWithJitter() {
        func seconds(_ attempts: Int, _ random: Double) -> Double {
            let (whole, atto) = CallbackDelivery.Settings.backoff(attempts: attempts, random: random).components
            return Double(whole) + Double(atto) / 1e18
        }
        #expect(seconds(1, 0.5) == 1)
        #expect(seconds(2, 0.5) == 2)
        #expect(seconds(5, 0.5) == 16)
        #expect(seconds(9, 0.5) == 256)
        #expect(seconds(10, 0.5) == 300)
        #expect(seconds(1_000, 0.5) == 300)
        #expect(seconds(3, 0) == 2)
        #expect(seconds(3, 0.999_9) < 6.001)
    }
}
