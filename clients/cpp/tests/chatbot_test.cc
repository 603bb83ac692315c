// Tests of the C++ client: offline ones (JWT and envelope against the wechatpy/PyJWT reference
// vectors) and ones against a running chatbotd, driven by Tests/interop/test_client_cpp.py.
//
//   chatbot_test [--offline] [test-name ...]
//
// Environment: CHATBOT_VECTORS (the crypto-vectors.json path; default found from the working
// directory), and for the server tests CHATBOT_ADDRESS, CHATBOT_TOKEN, CHATBOT_AES_KEY,
// CHATBOT_APPID, CHATBOT_MANAGERID, CHATBOT_FAQ_QUESTION and CHATBOT_FAQ_TITLE (a question of the
// published knowledge base and the title of the entry it must hit). Server tests are skipped when
// CHATBOT_ADDRESS is unset or empty. Ends with "N passed, N failed[, N skipped]"; exits 1 on any failure.
#include <grpcpp/test/client_context_test_peer.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "chatbot/client/client.h"
#include "chatbot/client/crypto.h"

namespace cc = chatbot::client;
namespace v1 = chatbot::v1;

// MARK: a tiny harness

namespace {

struct Failure {
    std::string message;
};
struct Skip {
    std::string reason;
};

struct Test {
    const char* name;
    bool offline;
    void (*run)();
};
std::vector<Test>& registry() {
    static std::vector<Test> tests;
    return tests;
}
struct Register {
    Register(const char* name, bool offline, void (*run)()) { registry().push_back({name, offline, run}); }
};

#define TEST_CASE(name, offline)                           \
    static void name();                                    \
    static Register register_##name(#name, offline, name); \
    static void name()
#define OFFLINE_TEST(name) TEST_CASE(name, true)
#define SERVER_TEST(name) TEST_CASE(name, false)

[[noreturn]] void fail(const char* file, int line, const std::string& what) {
    throw Failure{std::string(file) + ":" + std::to_string(line) + ": " + what};
}
#define CHECK(cond) \
    do {            \
        if (!(cond)) fail(__FILE__, __LINE__, "CHECK(" #cond ")"); \
    } while (0)
#define CHECK_EQ(a, b)                                                                                      \
    do {                                                                                                    \
        const auto a_ = (a);                                                                                 \
        const auto b_ = (b);                                                                                 \
        if (!(a_ == b_)) {                                                                                  \
            std::ostringstream s_;                                                                          \
            s_ << "CHECK_EQ(" #a ", " #b "): " << a_ << " != " << b_;                                       \
            fail(__FILE__, __LINE__, s_.str());                                                             \
        }                                                                                                   \
    } while (0)
// Runs `expr`, which must throw ChatbotError with this gRPC code and platform errcode.
#define CHECK_CHATBOT_ERROR(expr, grpc_code, platform_errcode)                                               \
    do {                                                                                                     \
        try {                                                                                                \
            (void)(expr);                                                                                    \
        } catch (const cc::ChatbotError& e_) {                                                               \
            CHECK_EQ(static_cast<int>(e_.code()), static_cast<int>(grpc_code));                              \
            CHECK_EQ(e_.errcode(), platform_errcode);                                                        \
            CHECK(!e_.details().empty());                                                                    \
            break;                                                                                           \
        }                                                                                                    \
        fail(__FILE__, __LINE__, #expr " did not throw ChatbotError");                                       \
    } while (0)

std::string env(const char* name, bool required = true) {
    const char* value = std::getenv(name);
    if (value && *value) return value;
    if (required) throw Failure{std::string("environment variable ") + name + " is not set"};
    return "";
}

// MARK: just enough JSON to read the fixtures

struct Json {
    enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
    std::string text;  // a string's value, or a number's or literal's source text
    std::vector<Json> items;
    std::vector<std::pair<std::string, Json>> members;

    const Json& operator[](const std::string& key) const {
        for (const auto& m : members)
            if (m.first == key) return m.second;
        throw Failure{"fixture: no key " + key};
    }
    std::int64_t integer() const { return std::stoll(text); }
};

class JsonParser {
  public:
    explicit JsonParser(std::string s) : s_(std::move(s)) {}
    Json parse() {
        Json v = value();
        ws();
        if (i_ != s_.size()) error("trailing characters");
        return v;
    }

  private:
    [[noreturn]] void error(const std::string& what) { throw Failure{"fixture JSON: " + what + " at " + std::to_string(i_)}; }
    void ws() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
    }
    char peek() {
        ws();
        if (i_ >= s_.size()) error("unexpected end");
        return s_[i_];
    }
    void expect(char c) {
        if (peek() != c) error(std::string("expected ") + c);
        ++i_;
    }
    Json value() {
        Json v;
        char c = peek();
        if (c == '{') {
            v.kind = Json::Object;
            ++i_;
            if (peek() == '}') return ++i_, v;
            for (;;) {
                std::string key = string();
                expect(':');
                v.members.emplace_back(key, value());
                if (peek() == ',') { ++i_; continue; }
                expect('}');
                return v;
            }
        }
        if (c == '[') {
            v.kind = Json::Array;
            ++i_;
            if (peek() == ']') return ++i_, v;
            for (;;) {
                v.items.push_back(value());
                if (peek() == ',') { ++i_; continue; }
                expect(']');
                return v;
            }
        }
        if (c == '"') {
            v.kind = Json::String;
            v.text = string();
            return v;
        }
        size_t start = i_;
        while (i_ < s_.size() && std::string_view("+-.0123456789eEtruefalsn").find(s_[i_]) != std::string_view::npos) ++i_;
        v.text = s_.substr(start, i_ - start);
        if (v.text.empty()) error("unexpected character");
        v.kind = v.text == "null" ? Json::Null : (v.text == "true" || v.text == "false") ? Json::Bool : Json::Number;
        return v;
    }
    unsigned hex4() {
        if (i_ + 4 > s_.size()) error("short \\u escape");
        unsigned u = static_cast<unsigned>(std::stoul(s_.substr(i_, 4), nullptr, 16));
        i_ += 4;
        return u;
    }
    void put_utf8(std::string& out, std::uint32_t cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xc0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xe0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else {
            out += static_cast<char>(0xf0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        }
    }
    std::string string() {
        expect('"');
        std::string out;
        while (i_ < s_.size() && s_[i_] != '"') {
            char c = s_[i_++];
            if (c != '\\') {
                out += c;
                continue;
            }
            if (i_ >= s_.size()) error("bad escape");
            char e = s_[i_++];
            switch (e) {
                case 'n': out += '\n'; break;
                case 't': out += '\t'; break;
                case 'r': out += '\r'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'u': {
                    std::uint32_t cp = hex4();
                    if (cp >= 0xd800 && cp < 0xdc00 && s_.compare(i_, 2, "\\u") == 0) {
                        i_ += 2;
                        cp = 0x10000 + ((cp - 0xd800) << 10) + (hex4() - 0xdc00);
                    }
                    put_utf8(out, cp);
                    break;
                }
                default: out += e;  // " \ /
            }
        }
        expect('"');
        return out;
    }
    std::string s_;
    size_t i_ = 0;
};

const Json& vectors() {
    static const Json parsed = [] {
        std::string path = env("CHATBOT_VECTORS", false);
        std::vector<std::string> candidates = {path, "Tests/ChatbotCryptoTests/Fixtures/crypto-vectors.json",
                                               "../../Tests/ChatbotCryptoTests/Fixtures/crypto-vectors.json"};
        for (const auto& candidate : candidates) {
            if (candidate.empty()) continue;
            std::ifstream in(candidate, std::ios::binary);
            if (!in) continue;
            std::stringstream buffer;
            buffer << in.rdbuf();
            return JsonParser(buffer.str()).parse();
        }
        throw Failure{"crypto-vectors.json not found; set CHATBOT_VECTORS"};
    }();
    return parsed;
}

std::string unhex(const std::string& hex) {
    std::string out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    return out;
}

std::string hex(const std::string& bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 0xf];
    }
    return out;
}

}  // namespace

// MARK: offline: JWT and envelopes against the reference vectors

OFFLINE_TEST(base64_round_trips) {
    for (const std::string& s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar", std::string("\0\xff\xfe", 3)}) {
        CHECK_EQ(cc::base64_decode(cc::base64_encode(s)), s);
        CHECK_EQ(cc::base64url_decode(cc::base64url_encode(s)), s);
    }
    CHECK_EQ(cc::base64_encode("foobar"), std::string("Zm9vYmFy"));
    CHECK_EQ(cc::base64url_encode("\xfb\xff"), std::string("-_8"));
    bool threw = false;
    try {
        cc::base64_decode("!!!not base64!!!");
    } catch (const cc::CryptoError&) {
        threw = true;
    }
    CHECK(threw);
}

OFFLINE_TEST(jwt_matches_pyjwt_vectors) {
    const auto& jwts = vectors()["jwts"].items;
    CHECK(jwts.size() >= 5);
    for (const auto& v : jwts) {
        const auto& claims = v["claims"];
        cc::Claims c{claims["userid"].text, claims["username"].text, claims["avatar"].text, claims["iat"].integer(),
                     claims["exp"].integer()};
        // Our claims JSON is PyJWT's byte for byte (key order, separators, \u escapes) ...
        CHECK_EQ(cc::claims_json(c), v["claims_json_signed"].text);
        // ... so the tokens are too.
        CHECK_EQ(cc::sign_jwt(c, v["secret"].text), v["expected_token"].text);
        CHECK_EQ(cc::sign_jwt(v["claims_json_signed"].text, v["secret"].text), v["expected_token"].text);
        std::string payload;
        CHECK(cc::verify_jwt(v["expected_token"].text, v["secret"].text, &payload));
        CHECK_EQ(payload, v["claims_json_signed"].text);
        CHECK(!cc::verify_jwt(v["expected_token"].text, "another-key-another-key-another-key-abcdefg"));
    }
}

OFFLINE_TEST(envelopes_match_wechatpy_vectors) {
    const auto& envelopes = vectors()["envelopes"].items;
    CHECK(envelopes.size() >= 5);
    for (const auto& v : envelopes) {
        cc::MsgCrypt crypt(v["token"].text, v["encoding_aes_key"].text, v["appid"].text);
        const auto& key = crypt.aes_key();
        CHECK_EQ(hex(std::string(key.begin(), key.end())), v["aes_key_hex"].text);
        CHECK_EQ(v["payload"].text.size(), static_cast<size_t>(v["payload_utf8_len"].integer()));
        std::string encrypted = crypt.encrypt(v["payload"].text, unhex(v["random_prefix_hex"].text));
        CHECK_EQ(encrypted, v["expected_ciphertext_b64"].text);
        CHECK_EQ(crypt.signature(v["timestamp"].text, v["nonce"].text, encrypted), v["expected_msg_signature"].text);
        CHECK_EQ(crypt.decrypt(v["expected_ciphertext_b64"].text), v["payload"].text);
        // Fresh random bytes: another ciphertext, same message.
        std::string fresh = crypt.encrypt(v["payload"].text);
        CHECK(fresh != encrypted);
        CHECK_EQ(crypt.decrypt(fresh), v["payload"].text);
        // Made for another appid: refused.
        cc::MsgCrypt other(v["token"].text, v["encoding_aes_key"].text, "wx0000000000000000");
        bool refused = false;
        try {
            other.decrypt(encrypted);
        } catch (const cc::CryptoError&) {
            refused = true;
        }
        CHECK(refused);
    }
}

OFFLINE_TEST(autoreply_xml_keeps_values_in_cdata) {
    CHECK_EQ(cc::autoreply_xml("m", "s", "t", "a]]>b", {"q1", "q2"}),
             std::string("<xml><managerid><![CDATA[m]]></managerid><skillname><![CDATA[s]]></skillname>"
                         "<title><![CDATA[t]]></title><content><![CDATA[a]]]]><![CDATA[>b]]></content>"
                         "<list><question><![CDATA[q1]]></question><question><![CDATA[q2]]></question></list></xml>"));
}

OFFLINE_TEST(bad_keys_are_refused) {
    bool refused = false;
    try {
        cc::MsgCrypt("t", "too-short", "wx1");
    } catch (const cc::CryptoError&) {
        refused = true;
    }
    CHECK(refused);
}

// MARK: offline: the management call credential

namespace {

const std::string kCredentialKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

// The payload of a JWT that verifies with `key` under the header {"alg":"HS256","typ":"JWT"}.
std::string credential_payload(const std::string& token, const std::string& key) {
    CHECK_EQ(token.substr(0, token.find('.')), std::string("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"));
    std::string payload;
    CHECK(cc::verify_jwt(token, key, &payload));
    return payload;
}

}  // namespace

OFFLINE_TEST(management_credential_matches_pyjwt) {
    // PyJWT 2.15.1: jwt.encode({"managerid": m, "aud": "chatbotd", "iat": 1700000000, "exp": 1700000600},
    // kCredentialKey, algorithm="HS256"); clients/python/tests/test_crypto.py checks the first.
    const std::vector<std::pair<std::string, std::string>> known = {
        {"manager-1",
         "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJtYW5hZ2VyaWQiOiJtYW5hZ2VyLTEiLCJhdWQiOiJjaGF0Ym90ZCIsImlhdCI6MTcw"
         "MDAwMDAwMCwiZXhwIjoxNzAwMDAwNjAwfQ.5oVutmKXAjWBHYqAJZeAACneJBN7uKacaonSZbKIGr0"},
        {"经理-1",
         "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJtYW5hZ2VyaWQiOiJcdTdlY2ZcdTc0MDYtMSIsImF1ZCI6ImNoYXRib3RkIiwiaWF0"
         "IjoxNzAwMDAwMDAwLCJleHAiOjE3MDAwMDA2MDB9.moY5oYiX2K_4d9GDw9hwyORCpimQ2VpgNi4JPXliauI"},
    };
    for (const auto& [managerid, expected] : known) {
        std::string token = cc::management_credential(managerid, kCredentialKey, 600, 1700000000);
        CHECK_EQ(token, expected);
        CHECK_EQ(credential_payload(token, kCredentialKey),
                 "{\"managerid\":" + cc::json_quote(managerid) +
                     ",\"aud\":\"chatbotd\",\"iat\":1700000000,\"exp\":1700000600}");
        CHECK(!cc::verify_jwt(token, "another-key-another-key-another-key-abcdefg"));
    }
    // Made now: iat is the clock's, exp an hour later at most.
    auto before = static_cast<std::int64_t>(std::time(nullptr));
    std::string payload = credential_payload(cc::management_credential("m", kCredentialKey, 3600), kCredentialKey);
    auto iat = std::stoll(payload.substr(payload.find("\"iat\":") + 6));
    auto exp = std::stoll(payload.substr(payload.find("\"exp\":") + 6));
    CHECK(iat >= before && iat <= static_cast<std::int64_t>(std::time(nullptr)));
    CHECK_EQ(exp - iat, std::int64_t{3600});
}

OFFLINE_TEST(management_credential_refuses_what_the_server_would) {
    for (std::int64_t lifetime : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{3601}, std::int64_t{7200}}) {
        bool refused = false;
        try {
            cc::management_credential("m", kCredentialKey, lifetime);
        } catch (const std::invalid_argument&) {
            refused = true;
        }
        CHECK(refused);
    }
    bool refused = false;
    try {
        cc::management_credential("", kCredentialKey);
    } catch (const std::invalid_argument&) {
        refused = true;
    }
    CHECK(refused);
}

OFFLINE_TEST(add_management_credential_puts_a_bearer_on_the_context) {
    grpc::ClientContext context;
    cc::add_management_credential(context, "manager-1", kCredentialKey);
    auto metadata = grpc::testing::ClientContextTestPeer(&context).GetSendInitialMetadata();
    CHECK_EQ(metadata.size(), std::size_t{1});
    CHECK_EQ(metadata.begin()->first, std::string("authorization"));
    const std::string& value = metadata.begin()->second;
    CHECK_EQ(value.substr(0, 7), std::string("Bearer "));
    std::string payload = credential_payload(value.substr(7), kCredentialKey);
    CHECK(payload.find("\"managerid\":\"manager-1\",\"aud\":\"chatbotd\"") == 1);
}

// MARK: the batch helper against a scripted stream (no server)

namespace {

// A QueryStream that answers each write at once, echoing the request_id through `echo`, and ends
// OK (further writes fail, reads end) after `answers` results.
class ScriptedStream : public grpc::ClientReaderWriterInterface<v1::QueryRequest, v1::QueryResult> {
  public:
    ScriptedStream(std::size_t answers, std::function<std::string(const std::string&)> echo)
        : answers_(answers), echo_(std::move(echo)) {}
    void WaitForInitialMetadata() override {}
    bool NextMessageSize(uint32_t* size) override {
        *size = UINT32_MAX;
        return true;
    }
    bool Write(const v1::QueryRequest& request, grpc::WriteOptions) override {
        std::lock_guard<std::mutex> lock(mutex_);
        if (ended_) return false;
        v1::QueryResult result;
        result.set_request_id(echo_(request.request_id()));
        result.mutable_response()->set_answer("a");
        out_.push_back(std::move(result));
        ended_ = out_.size() + read_ == answers_;
        changed_.notify_all();
        return true;
    }
    bool WritesDone() override {
        std::lock_guard<std::mutex> lock(mutex_);
        ended_ = true;
        changed_.notify_all();
        return true;
    }
    bool Read(v1::QueryResult* result) override {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [&] { return !out_.empty() || ended_; });
        if (out_.empty()) return false;
        *result = std::move(out_.front());
        out_.pop_front();
        ++read_;
        return true;
    }
    grpc::Status Finish() override { return grpc::Status::OK; }

  private:
    std::size_t answers_, read_ = 0;
    std::function<std::string(const std::string&)> echo_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<v1::QueryResult> out_;
    bool ended_ = false;
};

// A stub whose QueryStream is a ScriptedStream; every other call aborts.
class ScriptedStub : public v1::Chatbot::StubInterface {
  public:
    ScriptedStub(std::size_t answers, std::function<std::string(const std::string&)> echo)
        : answers_(answers), echo_(std::move(echo)) {}

  private:
    grpc::ClientReaderWriterInterface<v1::QueryRequest, v1::QueryResult>* QueryStreamRaw(grpc::ClientContext*) override {
        return new ScriptedStream(answers_, echo_);
    }
    // StubInterface's other pure virtual functions.
    grpc::Status Sign(grpc::ClientContext*, const v1::SignRequest&, v1::SignResponse*) override { std::abort(); }
    grpc::Status Query(grpc::ClientContext*, const v1::QueryRequest&, v1::QueryResponse*) override { std::abort(); }
    grpc::Status Message(grpc::ClientContext*, const v1::MessageRequest&, v1::MessageResponse*) override { std::abort(); }
    grpc::Status DictMessage(grpc::ClientContext*, const v1::EncryptedRequest&, v1::MessageResponse*) override { std::abort(); }
    grpc::Status SetAutoReply(grpc::ClientContext*, const v1::EncryptedRequest&, v1::SetAutoReplyResponse*) override { std::abort(); }
    grpc::Status BatchImportSkill(grpc::ClientContext*, const v1::EncryptedRequest&, v1::BatchImportSkillResponse*) override { std::abort(); }
    grpc::Status Publish(grpc::ClientContext*, const v1::PublishRequest&, v1::PublishResponse*) override { std::abort(); }
    grpc::Status PublishProgress(grpc::ClientContext*, const v1::PublishProgressRequest&, v1::PublishProgressResponse*) override { std::abort(); }
    grpc::Status SendMessage(grpc::ClientContext*, const v1::EncryptedRequest&, v1::SendMessageResponse*) override { std::abort(); }
    grpc::Status GetKefuState(grpc::ClientContext*, const v1::KefuStateRequest&, v1::KefuStateResponse*) override { std::abort(); }
    grpc::Status ChangeKefuState(grpc::ClientContext*, const v1::ChangeKefuStateRequest&, v1::KefuStateResponse*) override { std::abort(); }
    grpc::Status ListUnanswered(grpc::ClientContext*, const v1::ListUnansweredRequest&, v1::ListUnansweredResponse*) override { std::abort(); }
    grpc::ClientAsyncResponseReaderInterface<v1::SignResponse>* AsyncSignRaw(grpc::ClientContext*, const v1::SignRequest&, grpc::CompletionQueue*) override { std::abort(); }
    grpc::ClientAsyncResponseReaderInterface<v1::SignResponse>* PrepareAsyncSignRaw(grpc::ClientContext*, const v1::SignRequest&, grpc::CompletionQueue*) override { std::abort(); }
    grpc::ClientAsyncResponseReaderInterface<v1::QueryResponse>* AsyncQueryRaw(grpc::ClientContext*, const v1::QueryRequest&, grpc::CompletionQueue*) override { std::abort(); }
    grpc::ClientAsyncResponseReaderInterface<v1::QueryResponse>* PrepareAsyncQueryRaw(grpc::ClientContext*, const v1::QueryRequest&, grpc::CompletionQueue*) override { std::abort(); }
    grpc::ClientAsyncReaderWriterInterface<v1::QueryRequest, v1::QueryResult>* AsyncQueryStreamRaw(grpc::ClientContext*, grpc::CompletionQueue*, void*) override { std::abort(); }
    grpc::ClientAsyncReaderWriterInterface<v1::QueryRequest, v1::QueryResult>* PrepareAsyncQueryStreamRaw(grpc::ClientContext*, grpc::CompletionQueue*) override { std::abort(); }
    grpc::ClientAsyncResponseReaderInterface<v1::MessageResponse>* AsyncMessageRaw(grpc::ClientContext*, const v1::MessageRequest&, grpc::CompletionQueue*) override { std::abort(); }
    grpc::ClientAsyncResponseReaderInterface<v1::MessageResponse>* PrepareAsyncMessageRaw(grpc::ClientContext*, const v1::MessageRequest&, grpc::CompletionQueue*) override { std::abort(); }
    grpc::ClientAsyncResponseReaderInterface<v1::MessageResponse>* AsyncDictMessageRaw(grpc::ClientContext*, const v1::EncryptedRequest&, grpc::CompletionQueue*) override { std::abort(); }
    grpc::ClientAsyncResponseReaderInterface<v1::MessageResponse>* PrepareAsyncDictMessageRaw(grpc::ClientContext*, const v1::EncryptedRequest&, grpc::CompletionQueue*) override { std::abort(); }
    grpc::ClientAsyncResponseReaderInterface<v1::SetAutoReplyResponse>* AsyncSetAutoReplyRaw(grpc::ClientContext*, const v1::EncryptedRequest&, grpc::CompletionQueue*) override { std::abort(); }
    grpc::ClientAsyncResponseReaderInterface<v1::SetAutoReplyResponse>* PrepareAsyncSetAutoReplyRaw(grpc::ClientContext*, const v1::EncryptedRequest&, grpc::CompletionQueue*) override { std::abort(); }
    grpc::ClientAsyncResponseReaderInterface<v1::BatchImportSkillResponse>* AsyncBatchImportSkillRaw(grpc::ClientContext*, const v1::EncryptedRequest&, grpc::CompletionQueue*) override { std::abort(); }
    grpc::ClientAsyncResponseReaderInterface<v1::BatchImportSkillResponse>* PrepareAsyncBatchImportSkillRaw(grpc::ClientContext*, const v1::EncryptedRequest&, grpc::CompletionQueue*) override { std::abort(); }
    grpc::ClientAsyncResponseReaderInterface<v1::PublishResponse>* AsyncPublishRaw(grpc::ClientContext*, const v1::PublishRequest&, grpc::CompletionQueue*) override { std::abort(); }
    grpc::ClientAsyncResponseReaderInterface<v1::PublishResponse>* PrepareAsyncPublishRaw(grpc::ClientContext*, const v1::PublishRequest&, grpc::CompletionQueue*) override { std::abort(); }
    grpc::ClientAsyncResponseReaderInterface<v1::PublishProgressResponse>* AsyncPublishProgressRaw(grpc::ClientContext*, const v1::PublishProgressRequest&, grpc::CompletionQueue*) override { std::abort(); }
    grpc::ClientAsyncResponseReaderInterface<v1::PublishProgressResponse>* PrepareAsyncPublishProgressRaw(grpc::ClientContext*, const v1::PublishProgressRequest&, grpc::CompletionQueue*) override { std::abort(); }
    grpc::ClientAsyncResponseReaderInterface<v1::SendMessageResponse>* AsyncSendMessageRaw(grpc::ClientContext*, const v1::EncryptedRequest&, grpc::CompletionQueue*) override { std::abort(); }
    grpc::ClientAsyncResponseReaderInterface<v1::SendMessageResponse>* PrepareAsyncSendMessageRaw(grpc::ClientContext*, const v1::EncryptedRequest&, grpc::CompletionQueue*) override { std::abort(); }
    grpc::ClientAsyncResponseReaderInterface<v1::KefuStateResponse>* AsyncGetKefuStateRaw(grpc::ClientContext*, const v1::KefuStateRequest&, grpc::CompletionQueue*) override { std::abort(); }
    grpc::ClientAsyncResponseReaderInterface<v1::KefuStateResponse>* PrepareAsyncGetKefuStateRaw(grpc::ClientContext*, const v1::KefuStateRequest&, grpc::CompletionQueue*) override { std::abort(); }
    grpc::ClientAsyncResponseReaderInterface<v1::KefuStateResponse>* AsyncChangeKefuStateRaw(grpc::ClientContext*, const v1::ChangeKefuStateRequest&, grpc::CompletionQueue*) override { std::abort(); }
    grpc::ClientAsyncResponseReaderInterface<v1::KefuStateResponse>* PrepareAsyncChangeKefuStateRaw(grpc::ClientContext*, const v1::ChangeKefuStateRequest&, grpc::CompletionQueue*) override { std::abort(); }
    grpc::ClientReaderInterface<v1::OutboxMessage>* SubscribeOutboxRaw(grpc::ClientContext*, const v1::SubscribeOutboxRequest&) override { std::abort(); }
    grpc::ClientAsyncReaderInterface<v1::OutboxMessage>* AsyncSubscribeOutboxRaw(grpc::ClientContext*, const v1::SubscribeOutboxRequest&, grpc::CompletionQueue*, void*) override { std::abort(); }
    grpc::ClientAsyncReaderInterface<v1::OutboxMessage>* PrepareAsyncSubscribeOutboxRaw(grpc::ClientContext*, const v1::SubscribeOutboxRequest&, grpc::CompletionQueue*) override { std::abort(); }
    grpc::ClientAsyncResponseReaderInterface<v1::ListUnansweredResponse>* AsyncListUnansweredRaw(grpc::ClientContext*, const v1::ListUnansweredRequest&, grpc::CompletionQueue*) override { std::abort(); }
    grpc::ClientAsyncResponseReaderInterface<v1::ListUnansweredResponse>* PrepareAsyncListUnansweredRaw(grpc::ClientContext*, const v1::ListUnansweredRequest&, grpc::CompletionQueue*) override { std::abort(); }

    std::size_t answers_;
    std::function<std::string(const std::string&)> echo_;
};

std::string same(const std::string& id) { return id; }

// query_batch over `stub` with `count` requests "r0", "r1", ...; returns the results' ids.
std::vector<std::string> scripted_batch(ScriptedStub& stub, std::size_t count, cc::BatchStats* stats = nullptr) {
    std::vector<v1::QueryRequest> requests(count);
    for (std::size_t i = 0; i < count; ++i) requests[i].set_request_id("r" + std::to_string(i));
    std::vector<std::string> ids;
    for (const auto& r : cc::query_batch(stub, requests, {4, std::chrono::seconds(10)}, stats)) ids.push_back(r.request_id());
    return ids;
}

}  // namespace

OFFLINE_TEST(query_batch_takes_a_complete_stream_in_order) {
    ScriptedStub stub(50, same);
    cc::BatchStats stats;
    auto ids = scripted_batch(stub, 50, &stats);
    CHECK_EQ(ids.size(), std::size_t{50});
    CHECK_EQ(ids.back(), std::string("r49"));
    CHECK_EQ(stats.sent, std::size_t{50});
    CHECK_EQ(stats.received, std::size_t{50});
    CHECK(stats.peak_in_flight >= 1 && stats.peak_in_flight <= 4);
}

// Runs a batch of 50 over `stub`, which must fail with ChatbotError INTERNAL naming `why`.
void check_batch_refused(ScriptedStub& stub, const std::string& why) {
    try {
        scripted_batch(stub, 50);
    } catch (const cc::ChatbotError& e) {
        CHECK_EQ(static_cast<int>(e.code()), static_cast<int>(grpc::StatusCode::INTERNAL));
        CHECK_EQ(e.errcode(), 0);
        if (e.details().find(why) == std::string::npos) fail(__FILE__, __LINE__, "unexpected error: " + e.details());
        return;
    }
    fail(__FILE__, __LINE__, "query_batch took a broken stream as success");
}

OFFLINE_TEST(query_batch_refuses_a_stream_that_ends_ok_early) {
    ScriptedStub stub(30, same);  // answers 30 of 50, then ends with status OK
    check_batch_refused(stub, "ended OK after 30 of 50 queries sent and 30 results received");
}

OFFLINE_TEST(query_batch_refuses_a_result_with_another_request_id) {
    // The 8th result echoes "r8" for "r7"; the stream then ends, as a cancelled one would.
    ScriptedStub stub(8, [](const std::string& id) { return id == "r7" ? std::string("r8") : id; });
    check_batch_refused(stub, "result 7 echoes request_id \"r8\", want \"r7\"");
}

// MARK: against a running chatbotd

namespace {

struct Bot {
    std::string address = env("CHATBOT_ADDRESS");
    std::string token = env("CHATBOT_TOKEN");
    std::string key = env("CHATBOT_AES_KEY");
    std::string appid = env("CHATBOT_APPID");
    cc::Client client = cc::Client::connect(address, token);
};

Bot& bot() {
    static Bot b;
    return b;
}

}  // namespace

SERVER_TEST(sign_rpc_issues_a_jwt_keyed_with_the_aes_key) {
    auto response = bot().client.sign("cpp-user", "C++ 用户", "https://example.com/a.png");
    CHECK_EQ(response.expires_in(), 7200);
    std::string payload;
    CHECK(cc::verify_jwt(response.signature(), bot().key, &payload));
    CHECK(payload.find("\"userid\":\"cpp-user\"") != std::string::npos);
    // And the server accepts its own signature.
    auto answer = bot().client.query(response.signature(), env("CHATBOT_FAQ_QUESTION"));
    CHECK_EQ(answer.status(), v1::MATCH_STATUS_FAQ);
    CHECK_EQ(answer.from_user_name(), std::string("cpp-user"));
}

SERVER_TEST(query_with_a_locally_signed_jwt) {
    auto answer = bot().client.query(cc::sign_user("local-signer", bot().key), env("CHATBOT_FAQ_QUESTION"));
    CHECK_EQ(answer.status(), v1::MATCH_STATUS_FAQ);
    CHECK_EQ(answer.title(), env("CHATBOT_FAQ_TITLE"));
    CHECK_EQ(answer.from_user_name(), std::string("local-signer"));
    CHECK_EQ(answer.to_user_name(), bot().appid);
    CHECK(answer.ans_node_id() > 0 && !answer.answer().empty());
    // The deprecated msg[] still mirrors the answer (older clients read msg[0].content).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    CHECK(answer.msg_size() == 1 && answer.msg(0).content() == answer.answer());
#pragma GCC diagnostic pop
    // Claims without exp/iat, with a username, are accepted too.
    auto plain = bot().client.query(cc::sign_jwt(cc::Claims{"u2", "名字", "", {}, {}}, bot().key), "今天天气怎么样");
    CHECK_EQ(plain.status(), v1::MATCH_STATUS_NOMATCH);
    CHECK(plain.is_default_answer());
}

SERVER_TEST(query_stream_10000_with_bounded_in_flight) {
    constexpr std::size_t count = 10000, limit = 64;
    const std::string good = cc::sign_user("stream-user", bot().key);
    const std::string question = env("CHATBOT_FAQ_QUESTION"), title = env("CHATBOT_FAQ_TITLE");
    std::size_t next = 0, answered = 0, errors = 0;
    auto start = std::chrono::steady_clock::now();
    auto stats = bot().client.query_batch(
        count,
        [&](std::size_t i) {
            v1::QueryRequest r;
            r.set_request_id("r" + std::to_string(i));
            r.set_signature(good);
            r.set_query(i % 2 == 0 ? question : "今天天气怎么样");
            if (i % 1000 == 999) r.set_token("no-such-token");
            if (i % 1000 == 500) r.set_signature("");
            return r;
        },
        [&](v1::QueryResult&& r) {
            std::size_t i = next++;
            CHECK_EQ(r.request_id(), "r" + std::to_string(i));
            if (i % 1000 == 999) {
                CHECK(r.has_error());
                CHECK_EQ(r.error().errcode(), 1001);
                ++errors;
            } else if (i % 1000 == 500) {
                CHECK(r.has_error());
                CHECK_EQ(r.error().errcode(), 1004);
                ++errors;
            } else {
                CHECK(r.has_response());
                if (i % 2 == 0) CHECK_EQ(r.response().title(), title);
                else CHECK_EQ(r.response().status(), v1::MATCH_STATUS_NOMATCH);
                ++answered;
            }
        },
        {limit, std::chrono::seconds(120)});
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "  stream: " << count << " queries in " << seconds << " s, peak in flight " << stats.peak_in_flight
              << " (limit " << limit << ")\n";
    CHECK_EQ(next, count);
    CHECK_EQ(stats.sent, count);
    CHECK_EQ(stats.received, count);
    CHECK_EQ(errors, std::size_t{20});
    CHECK_EQ(answered, count - 20);
    CHECK(stats.peak_in_flight >= 1 && stats.peak_in_flight <= limit);
}

SERVER_TEST(set_auto_reply_with_our_envelope_then_found_in_debug) {
    cc::MsgCrypt crypt(bot().token, bot().key, bot().appid);
    const std::string title = "C++ 客户端能添加问答吗 " + std::to_string(std::time(nullptr));
    const std::string answer = "能：MsgCrypt 加密 setautoreply 的 XML。";
    std::string xml = cc::autoreply_xml(env("CHATBOT_MANAGERID"), "cpp-client", title, answer,
                                        {"cpp client adds an faq entry"});
    auto added = bot().client.set_auto_reply(crypt.encrypt(xml));
    CHECK(added.ans_node_id() > 0);
    const std::string signature = cc::sign_user("admin-cpp", bot().key);
    for (const std::string& text : {title, std::string("cpp client adds an faq entry")}) {
        auto found = bot().client.query(signature, text, v1::ENV_DEBUG);
        CHECK_EQ(found.ans_node_id(), added.ans_node_id());
        CHECK_EQ(found.answer(), answer);
        CHECK_EQ(found.ans_node_name(), std::string("cpp-client"));
        CHECK_EQ(found.status(), v1::MATCH_STATUS_FAQ);
    }
    // A draft: not online until published.
    CHECK(bot().client.query(signature, title, v1::ENV_ONLINE).ans_node_id() != added.ans_node_id());
    // The same skill and title again: an update of the same entry.
    auto again = bot().client.set_auto_reply(
        crypt.encrypt(cc::autoreply_xml(env("CHATBOT_MANAGERID"), "cpp-client", title, "updated")));
    CHECK_EQ(again.ans_node_id(), added.ans_node_id());
    CHECK_EQ(bot().client.query(signature, title, v1::ENV_DEBUG).answer(), std::string("updated"));
}

SERVER_TEST(errors_carry_grpc_status_and_errcode_trailer) {
    const std::string question = env("CHATBOT_FAQ_QUESTION");
    auto good = cc::sign_user("u", bot().key);
    auto stranger = cc::Client::connect(bot().address, "no-such-token");
    CHECK_CHATBOT_ERROR(stranger.query(good, question), grpc::StatusCode::UNAUTHENTICATED, 1001);
    CHECK_CHATBOT_ERROR(bot().client.query("", question), grpc::StatusCode::INVALID_ARGUMENT, 1004);
    CHECK_CHATBOT_ERROR(bot().client.query(cc::sign_user("u", bot().key, -60), question),
                        grpc::StatusCode::UNAUTHENTICATED, 1005);
    CHECK_CHATBOT_ERROR(bot().client.query(cc::sign_user("u", "another-key-another-key-another-key-abcdefg"), question),
                        grpc::StatusCode::UNAUTHENTICATED, 1005);
    CHECK_CHATBOT_ERROR(bot().client.query(cc::sign_jwt(R"({"username":"x"})", bot().key), question),
                        grpc::StatusCode::INVALID_ARGUMENT, 1006);
    CHECK_CHATBOT_ERROR(bot().client.set_auto_reply("garbage"), grpc::StatusCode::INVALID_ARGUMENT, 1013);
    cc::MsgCrypt crypt(bot().token, bot().key, bot().appid);
    CHECK_CHATBOT_ERROR(bot().client.set_auto_reply(crypt.encrypt(cc::autoreply_xml("nobody", "s", "t", "c"))),
                        grpc::StatusCode::PERMISSION_DENIED, 1015);
    // The accessor on a raw stub call, without the Client wrapper.
    grpc::ClientContext context;
    v1::QueryRequest request;
    request.set_token("no-such-token");
    request.set_signature(good);
    request.set_query(question);
    v1::QueryResponse response;
    grpc::Status status = bot().client.stub().Query(&context, request, &response);
    CHECK_EQ(static_cast<int>(status.error_code()), static_cast<int>(grpc::StatusCode::UNAUTHENTICATED));
    CHECK_EQ(cc::errcode(context), 1001);
    // A stream that fails as a whole (deadline) throws too, with no errcode.
    CHECK_CHATBOT_ERROR(cc::query_batch(
                            bot().client.stub(), 1000000,
                            [&](std::size_t) {
                                v1::QueryRequest r;
                                r.set_token(bot().token);
                                r.set_signature(good);
                                r.set_query(question);
                                return r;
                            },
                            [](v1::QueryResult&&) {}, {16, std::chrono::milliseconds(200)}),
                        grpc::StatusCode::DEADLINE_EXCEEDED, 0);
}

SERVER_TEST(management_calls_need_the_credential) {
    const std::string managerid = env("CHATBOT_MANAGERID");
    v1::PublishRequest publish;
    publish.set_token(bot().token);
    // Publish and PublishProgress with a credential made for each call.
    v1::PublishResponse task;
    {
        grpc::ClientContext context;
        cc::add_management_credential(context, managerid, bot().key);
        cc::check(bot().client.stub().Publish(&context, publish, &task), context);
    }
    CHECK(!task.task_id().empty());
    v1::PublishProgressRequest progress;
    progress.set_token(bot().token);
    progress.set_task_id(task.task_id());
    v1::PublishProgressResponse done;
    {
        grpc::ClientContext context;
        cc::add_management_credential(context, managerid, bot().key);
        cc::check(bot().client.stub().PublishProgress(&context, progress, &done), context);
    }
    CHECK_EQ(done.progress(), 100);
    CHECK(done.done());
    // The same calls without a credential, with one of another key, and for a managerid the bot does not have.
    auto call = [&](const std::string& rpc, const std::string& as, const std::string& key) {
        grpc::ClientContext context;
        if (!as.empty()) cc::add_management_credential(context, as, key);
        if (rpc == "Publish") {
            v1::PublishResponse response;
            cc::check(bot().client.stub().Publish(&context, publish, &response), context);
        } else {
            v1::PublishProgressResponse response;
            cc::check(bot().client.stub().PublishProgress(&context, progress, &response), context);
        }
    };
    for (const std::string rpc : {"Publish", "PublishProgress"}) {
        CHECK_CHATBOT_ERROR(call(rpc, "", ""), grpc::StatusCode::UNAUTHENTICATED, 1005);
        CHECK_CHATBOT_ERROR(call(rpc, managerid, "another-key-another-key-another-key-abcdefg"),
                            grpc::StatusCode::UNAUTHENTICATED, 1005);
        CHECK_CHATBOT_ERROR(call(rpc, "not-a-manager", bot().key), grpc::StatusCode::PERMISSION_DENIED, 1015);
    }
}

// MARK: main

int main(int argc, char** argv) {
    bool offline_only = false;
    std::set<std::string> selected;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--offline") offline_only = true;
        else if (arg == "--list") {
            for (const auto& t : registry()) std::cout << t.name << (t.offline ? " (offline)" : "") << "\n";
            return 0;
        } else selected.insert(arg);
    }
    for (const auto& name : selected) {
        bool known = false;
        for (const auto& t : registry()) known = known || name == t.name;
        if (!known) {
            std::cerr << "no test named " << name << "\n";
            return 2;
        }
    }
    const char* address = std::getenv("CHATBOT_ADDRESS");
    const bool have_server = address != nullptr && *address != '\0';
    int passed = 0, failed = 0, skipped = 0;
    for (const auto& t : registry()) {
        if (!selected.empty() && !selected.count(t.name)) continue;
        if (offline_only && !t.offline) continue;
        if (!t.offline && !have_server) {
            std::cout << "SKIP " << t.name << " (CHATBOT_ADDRESS is not set or empty)\n";
            ++skipped;
            continue;
        }
        auto start = std::chrono::steady_clock::now();
        std::string problem;
        try {
            t.run();
        } catch (const Failure& f) {
            problem = f.message;
        } catch (const std::exception& e) {
            problem = std::string("unexpected exception: ") + e.what();
        }
        double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        if (problem.empty()) {
            ++passed;
            std::cout << "PASS " << t.name << " (" << static_cast<long>(ms) << " ms)\n";
        } else {
            ++failed;
            std::cout << "FAIL " << t.name << ": " << problem << "\n";
        }
    }
    std::cout << passed << " passed, " << failed << " failed";
    if (skipped) std::cout << ", " << skipped << " skipped";
    std::cout << std::endl;
    return failed ? 1 : 0;
}
