// A thin layer over the generated chatbot.v1.Chatbot stub: the platform errcode of a failed call
// (trailer `chatbot-errcode`), the management call credential on a call's context, a client that
// fills in the token and throws ChatbotError, and a QueryStream batch helper that keeps a bounded
// number of queries in flight.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "chatbot/client/crypto.h"
#include "chatbot/v1/chatbot.grpc.pb.h"

namespace chatbot::client {

namespace v1 = ::chatbot::v1;

// The platform errcode in a finished call's trailing metadata, or 0 when there is none.
int errcode(const grpc::ClientContext& context);

// A failed call: the gRPC status and the platform errcode (1001 token invalid, 1005 signature
// expired or invalid, 1013 decryption failed, ...; 0 when the server sent none).
class ChatbotError : public std::runtime_error {
  public:
    ChatbotError(const grpc::Status& status, int errcode);
    grpc::StatusCode code() const { return code_; }
    int errcode() const { return errcode_; }
    const std::string& details() const { return details_; }

  private:
    grpc::StatusCode code_;
    int errcode_;
    std::string details_;
};

// Throws ChatbotError (with the errcode from context's trailers) unless status is OK.
void check(const grpc::Status& status, const grpc::ClientContext& context);

// Adds `authorization: Bearer <management_credential(managerid, encoding_aes_key, lifetime_seconds)>`
// to context's metadata, before the call: what Publish, PublishProgress and the other management
// RPCs need. A credential made now for each call is the simple way (it lives 600 s by default).
//
//   grpc::ClientContext context;
//   add_management_credential(context, "manager-1", aes_key);
//   stub.Publish(&context, request, &response);
void add_management_credential(grpc::ClientContext& context, std::string_view managerid,
                               std::string_view encoding_aes_key, std::int64_t lifetime_seconds = kCredentialLifetime);

struct BatchOptions {
    std::size_t max_in_flight = 256;  // queries sent but not yet answered
    std::chrono::milliseconds timeout{std::chrono::minutes(5)};  // for the whole stream
};

struct BatchStats {
    std::size_t sent = 0;
    std::size_t received = 0;
    std::size_t peak_in_flight = 0;
};

// Sends `count` queries over one QueryStream, request(i) making the i-th, never more than
// options.max_in_flight unanswered at once, and hands each QueryResult to on_result (on the
// calling thread, in the server's order: the order sent). request(i) runs on a writer thread of
// the helper's, one call at a time, so it must not touch what on_result touches without a lock.
// Per-item failures arrive as results with `error` set. A failure of the stream itself throws
// ChatbotError, and so does a stream that does not answer each query in order: a result whose
// request_id is not the one sent in its position, or a stream that ends OK with results missing
// (code INTERNAL, errcode 0). An exception thrown by on_result or request(i) cancels the call and
// is rethrown unchanged.
BatchStats query_batch(v1::Chatbot::StubInterface& stub, std::size_t count,
                       const std::function<v1::QueryRequest(std::size_t)>& request,
                       const std::function<void(v1::QueryResult&&)>& on_result, const BatchOptions& options = {});

// The same for a vector of requests, collecting the results.
std::vector<v1::QueryResult> query_batch(v1::Chatbot::StubInterface& stub,
                                         const std::vector<v1::QueryRequest>& requests,
                                         const BatchOptions& options = {}, BatchStats* stats = nullptr);

// One bot's calls: fills in the token, applies a per-call deadline, throws ChatbotError.
class Client {
  public:
    Client(std::shared_ptr<grpc::ChannelInterface> channel, std::string token);
    // An h2c (plaintext) channel to host:port, as chatbotd serves.
    static Client connect(const std::string& address, std::string token);

    v1::SignResponse sign(const std::string& userid, const std::string& username = "",
                          const std::string& avatar = "");
    v1::QueryResponse query(v1::QueryRequest request);
    v1::QueryResponse query(const std::string& signature, const std::string& text, v1::Env env = v1::ENV_ONLINE);
    // `encrypt` is a WXBizMsgCrypt envelope (MsgCrypt::encrypt of autoreply_xml(...)).
    v1::SetAutoReplyResponse set_auto_reply(const std::string& encrypt);

    BatchStats query_batch(std::size_t count, const std::function<v1::QueryRequest(std::size_t)>& request,
                           const std::function<void(v1::QueryResult&&)>& on_result,
                           const BatchOptions& options = {});

    v1::Chatbot::Stub& stub() { return *stub_; }
    const std::string& token() const { return token_; }
    std::chrono::milliseconds timeout{10000};

  private:
    std::unique_ptr<grpc::ClientContext> context() const;
    std::unique_ptr<v1::Chatbot::Stub> stub_;
    std::string token_;
};

}  // namespace chatbot::client
