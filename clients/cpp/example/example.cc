// Calls a running chatbotd as one bot: Sign, Query with a locally signed JWT, a short QueryStream
// batch, and (when CHATBOT_MANAGERID is set) SetAutoReply with an envelope made here.
//
//   CHATBOT_ADDRESS=127.0.0.1:8080 CHATBOT_TOKEN=... CHATBOT_AES_KEY=... CHATBOT_APPID=... \
//   [CHATBOT_MANAGERID=...] build/chatbot_example [question]
#include <cstdlib>
#include <iostream>
#include <string>

#include "chatbot/client/client.h"
#include "chatbot/client/crypto.h"

namespace cc = chatbot::client;

static std::string env(const char* name) {
    const char* value = std::getenv(name);
    if (!value || !*value) {
        std::cerr << "chatbot_example: set " << name << "\n";
        std::exit(2);
    }
    return value;
}

int main(int argc, char** argv) {
    const std::string address = env("CHATBOT_ADDRESS"), token = env("CHATBOT_TOKEN"), key = env("CHATBOT_AES_KEY"),
                      appid = env("CHATBOT_APPID");
    const char* manager = std::getenv("CHATBOT_MANAGERID");
    const std::string question = argc > 1 ? argv[1] : "怎么申请退款";

    auto bot = cc::Client::connect(address, token);
    try {
        // 1. The server signs a JWT for a user (/openapi/sign) ...
        auto signed_by_server = bot.sign("example-user", "Example");
        std::cout << "sign: expires_in=" << signed_by_server.expires_in() << "\n";

        // 2. ... or we sign it ourselves with the EncodingAESKey, and ask a question.
        auto answer = bot.query(cc::sign_user("example-user", key), question);
        std::cout << "query: status=" << chatbot::v1::MatchStatus_Name(answer.status()) << " title=" << answer.title()
                  << " answer=" << answer.answer() << "\n";

        // 3. A batch over QueryStream with at most 8 queries in flight.
        const std::string signature = signed_by_server.signature();
        int hits = 0;
        auto stats = bot.query_batch(
            20,
            [&](std::size_t i) {
                chatbot::v1::QueryRequest r;
                r.set_signature(signature);
                r.set_query(question);
                r.set_request_id("q" + std::to_string(i));
                return r;
            },
            [&](chatbot::v1::QueryResult&& r) { hits += r.has_response() ? 1 : 0; }, {8, std::chrono::seconds(30)});
        std::cout << "stream: sent=" << stats.sent << " received=" << stats.received << " answered=" << hits
                  << " peak_in_flight=" << stats.peak_in_flight << "\n";

        // 4. A management call: upsert an FAQ entry in the draft knowledge base, then find it.
        if (manager && *manager) {
            cc::MsgCrypt crypt(token, key, appid);
            std::string xml = cc::autoreply_xml(manager, "example", "Where is the example entry",
                                                "It was added by chatbot_example.", {"example entry location"});
            auto added = bot.set_auto_reply(crypt.encrypt(xml));
            auto found = bot.query(signature, "example entry location", chatbot::v1::ENV_DEBUG);
            std::cout << "setautoreply: ans_node_id=" << added.ans_node_id() << " found="
                      << (found.ans_node_id() == added.ans_node_id() ? "yes" : "no") << "\n";
        }

        // 5. Failures carry the platform errcode.
        try {
            cc::Client::connect(address, "no-such-token").query(signature, question);
        } catch (const cc::ChatbotError& e) {
            std::cout << "wrong token: code=" << e.code() << " errcode=" << e.errcode() << "\n";
        }
    } catch (const cc::ChatbotError& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
    return 0;
}
