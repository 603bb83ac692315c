// A reference peer for bench/rpc: chatbot.v1.Chatbot/Sign in C++ on grpc++ (Debian 12's
// libgrpc++ 1.51), written the fast way: the async completion-queue API, one CallData state
// machine per call, one polling thread per completion queue.
//
// It does the work chatbotd does for Sign: look the bot up by token, refuse an unknown token
// (UNAUTHENTICATED, trailer chatbot-errcode: 1001) or an empty userid (INVALID_ARGUMENT,
// chatbot-errcode: 1003), otherwise issue an HS256 JWT keyed with the 43-character
// EncodingAESKey as text, claims {"userid","username","avatar","iat","exp"} serialised like
// Python's json.dumps(separators=(",", ":")) with ensure_ascii, and answer
// SignResponse{signature, expires_in: 7200}.
//
//   sign_server --token T --aes-key K --port P [--cqs N]

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <grpcpp/grpcpp.h>

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "chatbot/v1/chatbot.grpc.pb.h"

namespace {

constexpr int64_t kSignatureLifetime = 7200;
// base64url({"alg":"HS256","typ":"JWT"}), the header PyJWT writes.
constexpr char kJWTHeader[] = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

struct Bot {
    std::string token;
    std::string aesKey;
};

// ---- base64url without padding ---------------------------------------------------------------

constexpr char kB64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void appendBase64URL(std::string& out, const unsigned char* p, size_t n) {
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t(p[i]) << 16) | (uint32_t(p[i + 1]) << 8) | p[i + 2];
        out.push_back(kB64URL[(v >> 18) & 63]);
        out.push_back(kB64URL[(v >> 12) & 63]);
        out.push_back(kB64URL[(v >> 6) & 63]);
        out.push_back(kB64URL[v & 63]);
    }
    if (n - i == 1) {
        uint32_t v = uint32_t(p[i]) << 16;
        out.push_back(kB64URL[(v >> 18) & 63]);
        out.push_back(kB64URL[(v >> 12) & 63]);
    } else if (n - i == 2) {
        uint32_t v = (uint32_t(p[i]) << 16) | (uint32_t(p[i + 1]) << 8);
        out.push_back(kB64URL[(v >> 18) & 63]);
        out.push_back(kB64URL[(v >> 12) & 63]);
        out.push_back(kB64URL[(v >> 6) & 63]);
    }
}

// ---- JSON strings as Python's json.dumps(ensure_ascii=True) writes them -------------------------

constexpr char kHex[] = "0123456789abcdef";

void appendU16Escape(std::string& out, uint32_t unit) {
    out += "\\u";
    out.push_back(kHex[(unit >> 12) & 15]);
    out.push_back(kHex[(unit >> 8) & 15]);
    out.push_back(kHex[(unit >> 4) & 15]);
    out.push_back(kHex[unit & 15]);
}

// Decodes one UTF-8 sequence at s[i]; returns the code point and advances i. Protobuf has
// already checked proto3 strings for valid UTF-8; a stray byte is still passed on as U+FFFD.
uint32_t decodeUTF8(const std::string& s, size_t& i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    auto cont = [&](size_t k) -> int {
        if (i + k >= s.size()) return -1;
        const auto b = static_cast<unsigned char>(s[i + k]);
        return (b & 0xC0) == 0x80 ? (b & 0x3F) : -1;
    };
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        int c1 = cont(1);
        if (c1 >= 0) {
            i += 2;
            return (uint32_t(b0 & 0x1F) << 6) | uint32_t(c1);
        }
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        int c1 = cont(1), c2 = cont(2);
        if (c1 >= 0 && c2 >= 0) {
            uint32_t cp = (uint32_t(b0 & 0x0F) << 12) | (uint32_t(c1) << 6) | uint32_t(c2);
            if (cp >= 0x800) {
                i += 3;
                return cp;
            }
        }
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        int c1 = cont(1), c2 = cont(2), c3 = cont(3);
        if (c1 >= 0 && c2 >= 0 && c3 >= 0) {
            uint32_t cp = (uint32_t(b0 & 0x07) << 18) | (uint32_t(c1) << 12) | (uint32_t(c2) << 6) | uint32_t(c3);
            if (cp >= 0x10000 && cp <= 0x10FFFF) {
                i += 4;
                return cp;
            }
        }
    }
    i += 1;
    return 0xFFFD;
}

void appendJSONString(std::string& out, const std::string& s) {
    out.push_back('"');
    size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c <= 0x7E) {
            if (c == '"' || c == '\\') out.push_back('\\');
            out.push_back(char(c));
            ++i;
            continue;
        }
        if (c < 0x80) {
            switch (c) {
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default: appendU16Escape(out, c); break;  // other controls and DEL
            }
            ++i;
            continue;
        }
        uint32_t cp = decodeUTF8(s, i);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            appendU16Escape(out, 0xD800 | (cp >> 10));
            appendU16Escape(out, 0xDC00 | (cp & 0x3FF));
        } else {
            appendU16Escape(out, cp);
        }
    }
    out.push_back('"');
}

// ---- HS256 with one keyed HMAC context per polling thread ----------------------------------------

class Signer {
public:
    explicit Signer(const std::string& key) {
        mac_ = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
        ctx_ = mac_ ? EVP_MAC_CTX_new(mac_) : nullptr;
        char digest[] = "SHA256";
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
            OSSL_PARAM_construct_end(),
        };
        if (!ctx_ || !EVP_MAC_init(ctx_, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params)) {
            std::fprintf(stderr, "sign_server: cannot set up HMAC-SHA256\n");
            std::exit(1);
        }
        claims_.reserve(512);
    }
    ~Signer() {
        EVP_MAC_CTX_free(ctx_);
        EVP_MAC_free(mac_);
    }
    Signer(const Signer&) = delete;
    Signer& operator=(const Signer&) = delete;

    // Writes header.payload.signature into out.
    void sign(const chatbot::v1::SignRequest& req, int64_t now, std::string& out) {
        claims_.clear();
        claims_ += "{\"userid\":";
        appendJSONString(claims_, req.userid());
        claims_ += ",\"username\":";
        appendJSONString(claims_, req.username());
        claims_ += ",\"avatar\":";
        appendJSONString(claims_, req.avatar());
        claims_ += ",\"iat\":";
        claims_ += std::to_string(now);
        claims_ += ",\"exp\":";
        claims_ += std::to_string(now + kSignatureLifetime);
        claims_.push_back('}');

        out.clear();
        out.reserve(sizeof(kJWTHeader) + claims_.size() * 4 / 3 + 48);
        out += kJWTHeader;
        out.push_back('.');
        appendBase64URL(out, reinterpret_cast<const unsigned char*>(claims_.data()), claims_.size());

        unsigned char tag[EVP_MAX_MD_SIZE];
        size_t tagLen = 0;
        // A NULL key re-initialises the context with the key it already holds.
        if (!EVP_MAC_init(ctx_, nullptr, 0, nullptr) ||
            !EVP_MAC_update(ctx_, reinterpret_cast<const unsigned char*>(out.data()), out.size()) ||
            !EVP_MAC_final(ctx_, tag, &tagLen, sizeof(tag))) {
            std::fprintf(stderr, "sign_server: HMAC failed\n");
            std::abort();
        }
        out.push_back('.');
        appendBase64URL(out, tag, tagLen);
    }

private:
    EVP_MAC* mac_ = nullptr;
    EVP_MAC_CTX* ctx_ = nullptr;
    std::string claims_;
};

// ---- the async service -------------------------------------------------------------------------

struct Shared {
    chatbot::v1::Chatbot::AsyncService service;
    std::unordered_map<std::string, Bot> botsByToken;
};

class SignCall {
public:
    SignCall(Shared* shared, grpc::ServerCompletionQueue* cq, Signer* signer)
        : shared_(shared), cq_(cq), signer_(signer), responder_(&ctx_) {
        shared_->service.RequestSign(&ctx_, &request_, &responder_, cq_, cq_, this);
    }

    // Called by the polling thread for each event tagged with this call.
    void proceed(bool ok) {
        if (state_ == State::kFinishing || !ok) {
            // The answer went out (or failed to), or the server is shutting down.
            delete this;
            return;
        }
        // A request arrived: queue a fresh call for the next one, then answer this one.
        new SignCall(shared_, cq_, signer_);
        state_ = State::kFinishing;

        auto bot = shared_->botsByToken.find(request_.token());
        if (bot == shared_->botsByToken.end()) {
            ctx_.AddTrailingMetadata("chatbot-errcode", "1001");
            responder_.FinishWithError(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "unknown token"), this);
            return;
        }
        if (request_.userid().empty()) {
            ctx_.AddTrailingMetadata("chatbot-errcode", "1003");
            responder_.FinishWithError(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "userid is required"), this);
            return;
        }
        signer_->sign(request_, static_cast<int64_t>(std::time(nullptr)), *reply_.mutable_signature());
        reply_.set_expires_in(kSignatureLifetime);
        responder_.Finish(reply_, grpc::Status::OK, this);
    }

private:
    enum class State { kWaiting, kFinishing };

    Shared* shared_;
    grpc::ServerCompletionQueue* cq_;
    Signer* signer_;
    grpc::ServerContext ctx_;
    chatbot::v1::SignRequest request_;
    chatbot::v1::SignResponse reply_;
    grpc::ServerAsyncResponseWriter<chatbot::v1::SignResponse> responder_;
    State state_ = State::kWaiting;
};

void poll(Shared* shared, grpc::ServerCompletionQueue* cq, const std::string* key, int preposted) {
    Signer signer(*key);
    for (int i = 0; i < preposted; ++i) new SignCall(shared, cq, &signer);
    void* tag = nullptr;
    bool ok = false;
    while (cq->Next(&tag, &ok)) static_cast<SignCall*>(tag)->proceed(ok);
}

[[noreturn]] void usage() {
    std::fprintf(stderr, "usage: sign_server --token T --aes-key K --port P [--cqs N]\n");
    std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
    std::string token, aesKey;
    int port = -1, cqs = 1;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (i + 1 >= argc) usage();
        if (arg == "--token") token = argv[++i];
        else if (arg == "--aes-key") aesKey = argv[++i];
        else if (arg == "--port") port = std::atoi(argv[++i]);
        else if (arg == "--cqs") cqs = std::atoi(argv[++i]);
        else usage();
    }
    if (token.empty() || aesKey.size() != 43 || port < 0 || port > 65535 || cqs < 1) usage();

    Shared shared;
    shared.botsByToken.emplace(token, Bot{token, aesKey});

    const std::string address = "127.0.0.1:" + std::to_string(port);
    int boundPort = 0;
    grpc::ServerBuilder builder;
    builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &boundPort);
    builder.RegisterService(&shared.service);
    std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> queues;
    for (int i = 0; i < cqs; ++i) queues.push_back(builder.AddCompletionQueue());
    std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
    if (!server || boundPort == 0) {
        std::fprintf(stderr, "sign_server: cannot listen on %s\n", address.c_str());
        return 1;
    }
    // SIGTERM and SIGINT are blocked here, in every thread started after this, and taken by
    // sigwait below.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGTERM);
    sigaddset(&stopSignals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

    std::vector<std::thread> threads;
    for (auto& q : queues) threads.emplace_back(poll, &shared, q.get(), &aesKey, 64);

    std::fprintf(stderr, "listening on 127.0.0.1:%d\n", boundPort);
    std::fflush(stderr);

    // Stop on SIGTERM/SIGINT: shut the server down, then drain and close the queues.
    int received = 0;
    sigwait(&stopSignals, &received);
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    for (auto& q : queues) q->Shutdown();
    for (auto& t : threads) t.join();
    return 0;
}
