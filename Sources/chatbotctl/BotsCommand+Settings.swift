import ArgumentParser
import ChatbotCrypto
import ChatbotEngine
import ChatbotService
import ChatbotStore

extension BotsCommand {
    /// `chatbotctl bots set`: a bot's thresholds, recommendations, fallback answers and callback URL.
    struct SetSettings: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Change a bot's answering settings; print all of them as one JSON line.",
            discussion: """
                Settings that are not given keep their values; with none given, the settings are only printed. \
                Prints {"threshold","recommend_ratio","max_options","fallback_answers","recommend_prompt", \
                "general_skill","general_answers","webhooks","callback_url"} once the change is committed to disk. Settings apply to the draft and the \
                published knowledge base alike, without a publish. chatbotd POSTs the bot's customer-service \
                notices to the callback URL as the platform does ({"encrypted": "<envelope>"}): the messages of \
                users a person serves, requests for a person and handoff state changes; "" stops them (those \
                already queued are still delivered).

                The general skill answers greetings, thanks, goodbyes and questions about the bot (status \
                GENERAL_FAQ) when the knowledge base has no hit; it is on by default. --general-answer \
                INTENT=TEXT gives an intent the bot's own answer, INTENT= restores the built-in one; the \
                intents are \(GeneralSkill.intentKeys.joined(separator: ", ")).

                --webhook SKILL=URL takes the answers of the skill's entries from an http:// service (the \
                platform's third-party service): chatbotd POSTs {RequestId, SessionId, Query, SkillName, \
                IntentName, Slots, Timestamp, UserId, Signature} and answers with the first data_list[].reply of \
                {"err_code": 0, "data_list": [{"reply": "..."}]}, or with the entry's own answer when the service \
                fails or is late (chatbotd --webhook-timeout). SKILL= removes the skill's webhook.
                """
        )

        @Option(help: "The bot's TOKEN.") var token: String
        @Option(help: "The confidence (0 to 1) from which a query gets the best entry's answer.")
        var threshold: Double?
        @Option(help: "Below the threshold, recommend entries from threshold × ratio (0 to 1) up.")
        var recommendRatio: Double?
        @Option(help: "How many entries to recommend at most (1 to 5).") var maxOptions: Int?
        @Option(
            name: .customLong("fallback"),
            parsing: .upToNextOption,
            help: "The answers when nothing matches, one of them chosen per query (replaces them all)."
        )
        var fallbackAnswers: [String] = []
        @Option(help: "The text before recommended questions.") var recommendPrompt: String?
        @Option(help: "Whether the built-in general skill answers: on or off.") var generalSkill: Switch?
        @Option(help: "INTENT=TEXT: the bot's own answer to a general-skill intent; INTENT= restores it.")
        var generalAnswer: [String] = []
        @Option(help: "SKILL=URL: the skill's answers come from this http:// webhook; SKILL= removes it.")
        var webhook: [String] = []
        @Option(help: "Where the customer-service notices go: an http:// URL, or \"\" for none.")
        var callbackURL: String?
        @OptionGroup var database: DatabaseOptions

        enum Switch: String, ExpressibleByArgument, CaseIterable {
            case on
            case off
        }

        func validate() throws {
            for answer in generalAnswer {
                guard let equals = answer.firstIndex(of: "="),
                    GeneralSkill.intentKeys.contains(String(answer[..<equals]))
                else {
                    throw ValidationError(
                        "--general-answer takes INTENT=TEXT, INTENT one of \(GeneralSkill.intentKeys.joined(separator: ", "))"
                    )
                }
            }
            for hook in webhook {
                guard let equals = hook.firstIndex(of: "="), equals != hook.startIndex else {
                    throw ValidationError("--webhook takes SKILL=URL (SKILL= to remove it)")
                }
                let url = String(hook[hook.index(after: equals)...])
                guard !url.isEmpty else { continue }
                do throws(CallbackURL.Invalid) {
                    _ = try CallbackURL(url)
                } catch {
                    throw ValidationError("--webhook \(hook[..<equals]): \(error.message)")
                }
            }
            guard let callbackURL, !callbackURL.isEmpty else { return }
            do throws(CallbackURL.Invalid) {
                _ = try CallbackURL(callbackURL)
            } catch {
                throw ValidationError(error.message)
            }
        }

        func run() throws {
            let (store, bot) = try database.openStore(botToken: token, step: "bots set")
            var settings = bot.settings
            if let threshold { settings.threshold = threshold }
            if let recommendRatio { settings.recommendRatio = recommendRatio }
            if let maxOptions { settings.maxOptions = maxOptions }
            if !fallbackAnswers.isEmpty { settings.fallbackAnswers = fallbackAnswers }
            if let recommendPrompt { settings.recommendPrompt = recommendPrompt }
            if let generalSkill { settings.generalSkill = generalSkill == .on }
            for answer in generalAnswer {
                let equals = answer.firstIndex(of: "=")!
                let text = String(answer[answer.index(after: equals)...])
                settings.generalAnswers[String(answer[..<equals])] = text.isEmpty ? nil : text
            }
            for hook in webhook {
                let equals = hook.firstIndex(of: "=")!
                let url = String(hook[hook.index(after: equals)...])
                settings.webhooks[String(hook[..<equals])] = url.isEmpty ? nil : url
            }
            let changed = settings != bot.settings
            let url = try reportingStoreFailure("bots set") { () throws(StoreError) -> String in
                if changed { try store.updateSettings(botID: bot.id, settings) }
                if let callbackURL { try store.setCallbackURL(botID: bot.id, callbackURL) }
                return try store.callbackURL(botID: bot.id)
            }
            writeLine(
                .object([
                    ("threshold", .number(String(settings.threshold))),
                    ("recommend_ratio", .number(String(settings.recommendRatio))),
                    ("max_options", .integer(Int64(settings.maxOptions))),
                    ("fallback_answers", .array(settings.fallbackAnswers.map(JSONValue.string))),
                    ("recommend_prompt", .string(settings.recommendPrompt)),
                    ("general_skill", .string(settings.generalSkill ? "on" : "off")),
                    (
                        "general_answers",
                        .object(settings.generalAnswers.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
                    ),
                    (
                        "webhooks",
                        .object(settings.webhooks.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
                    ),
                    ("callback_url", .string(url)),
                ])
            )
            withExtendedLifetime(store) {}
        }
    }
}
