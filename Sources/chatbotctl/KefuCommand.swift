import ArgumentParser
import ChatbotCrypto
import ChatbotProto
import ChatbotService
import ChatbotStore

/// `chatbotctl kefu get|set`: a user's handoff state, through a running chatbotd (GetKefuState,
/// ChangeKefuState), as a customer-service system changes it.
struct KefuCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kefu",
        abstract: "Read or change a user's handoff state (kefustate) on a running chatbotd.",
        discussion: """
            Both call the server over gRPC with a management credential (--managerid, --encoding-aes-key) \
            and print {"token","openid","state","expires_at","kefuname","updated_at"}; expires_at and \
            updated_at are milliseconds since the epoch (0: never).
            """,
        subcommands: [Get.self, Set.self]
    )

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a user's handoff state.")

        @Option(help: "The bot's TOKEN.") var token: String
        @Option(help: "The user: aibot's userid, message's username, sendmsg's openid.") var openid: String
        @OptionGroup var credential: ManagementCredentialOptions
        @OptionGroup var connection: ServerOptions

        func run() async throws {
            let request = ChatbotV1.KefuStateRequest(token: token, openid: openid)
            let response = try await connection.unary(
                "kefu get",
                "/chatbot.v1.Chatbot/GetKefuState",
                request,
                as: ChatbotV1.KefuStateResponse.self,
                metadata: try credential.metadata("kefu get")
            )
            writeLine(response.json(token: token, openid: openid))
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a user's handoff state; print the new one once committed."
        )

        @Option(help: "The bot's TOKEN.") var token: String
        @Option(help: "The user: aibot's userid, message's username, sendmsg's openid.") var openid: String
        @Option(help: "asking, needperson, personserving (the bot is silent) or complete.") var state: KefuState
        @Option(help: "Seconds until needperson or personserving returns the user to the bot (default 1800).")
        var expires: Int64 = 0
        @Option(help: "The agent's name, for personserving.") var kefuname = ""
        @OptionGroup var credential: ManagementCredentialOptions
        @OptionGroup var connection: ServerOptions

        func validate() throws {
            if expires < 0 { throw ValidationError("--expires must not be negative") }
        }

        func run() async throws {
            let request = ChatbotV1.ChangeKefuStateRequest(
                token: token,
                openid: openid,
                state: ChatbotV1.KefuState(state),
                expires: expires,
                kefuname: kefuname
            )
            let response = try await connection.unary(
                "kefu set",
                "/chatbot.v1.Chatbot/ChangeKefuState",
                request,
                as: ChatbotV1.KefuStateResponse.self,
                metadata: try credential.metadata("kefu set")
            )
            writeLine(response.json(token: token, openid: openid))
        }
    }
}

extension KefuState: ExpressibleByArgument {}

extension ChatbotV1.KefuStateResponse {
    func json(token: String, openid: String) -> JSONValue {
        let name = (try? KefuState(state))?.rawValue ?? "\(state.rawValue)"
        return .object([
            ("token", .string(token)),
            ("openid", .string(openid)),
            ("state", .string(name)),
            ("expires_at", .integer(expiresAt)),
            ("kefuname", .string(kefuname)),
            ("updated_at", .integer(updatedAt)),
        ])
    }
}
