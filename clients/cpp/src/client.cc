#include "chatbot/client/client.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

namespace chatbot::client {

int errcode(const grpc::ClientContext& context) {
    const auto& trailers = context.GetServerTrailingMetadata();
    auto it = trailers.find("chatbot-errcode");
    if (it == trailers.end()) return 0;
    try {
        return std::stoi(std::string(it->second.data(), it->second.size()));
    } catch (const std::exception&) {
        return 0;
    }
}

ChatbotError::ChatbotError(const grpc::Status& status, int errcode)
    : std::runtime_error("chatbot: gRPC status " + std::to_string(static_cast<int>(status.error_code())) +
                         ", errcode " + std::to_string(errcode) + ": " + status.error_message()),
      code_(status.error_code()),
      errcode_(errcode),
      details_(status.error_message()) {}

void check(const grpc::Status& status, const grpc::ClientContext& context) {
    if (!status.ok()) throw ChatbotError(status, errcode(context));
}

void add_management_credential(grpc::ClientContext& context, std::string_view managerid,
                               std::string_view encoding_aes_key, std::int64_t lifetime_seconds) {
    context.AddMetadata("authorization",
                        "Bearer " + management_credential(managerid, encoding_aes_key, lifetime_seconds));
}

BatchStats query_batch(v1::Chatbot::StubInterface& stub, std::size_t count,
                       const std::function<v1::QueryRequest(std::size_t)>& request,
                       const std::function<void(v1::QueryResult&&)>& on_result, const BatchOptions& options) {
    const std::size_t limit = options.max_in_flight == 0 ? 1 : options.max_in_flight;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + options.timeout);
    auto stream = stub.QueryStream(&context);

    std::mutex mutex;
    std::condition_variable slot_free;
    std::size_t in_flight = 0;
    bool reading_done = false;
    BatchStats stats;
    std::exception_ptr writer_error;
    std::deque<std::string> pending_ids;  // request_id of each unanswered query, in the order sent

    // The writer takes a slot before each write and the reader gives one back per result, so at
    // most `limit` queries are ever unanswered.
    std::thread writer([&] {
        try {
            for (std::size_t i = 0; i < count; ++i) {
                v1::QueryRequest next = request(i);
                {
                    std::unique_lock<std::mutex> lock(mutex);
                    slot_free.wait(lock, [&] { return in_flight < limit || reading_done; });
                    if (reading_done) return;
                    ++in_flight;
                    stats.peak_in_flight = std::max(stats.peak_in_flight, in_flight);
                    pending_ids.push_back(next.request_id());  // before the write: its result comes after
                }
                if (!stream->Write(next)) return;  // the stream ended; Finish() tells why
                std::lock_guard<std::mutex> lock(mutex);
                ++stats.sent;
            }
            stream->WritesDone();
        } catch (...) {
            writer_error = std::current_exception();
            context.TryCancel();
        }
    });

    std::exception_ptr reader_error;
    v1::QueryResult result;
    while (stream->Read(&result)) {
        std::string expected;
        bool expected_one = false;
        {
            std::lock_guard<std::mutex> lock(mutex);
            if (!pending_ids.empty()) {
                expected_one = true;
                expected = std::move(pending_ids.front());
                pending_ids.pop_front();
                --in_flight;
            }
            ++stats.received;
        }
        slot_free.notify_one();
        try {
            // The server answers in the order sent, echoing each request_id: anything else would
            // hand results to the wrong requests.
            if (!expected_one)
                throw ChatbotError(grpc::Status(grpc::StatusCode::INTERNAL,
                                                "QueryStream sent a result (request_id \"" + result.request_id() +
                                                    "\") for no request"),
                                   0);
            if (result.request_id() != expected)
                throw ChatbotError(grpc::Status(grpc::StatusCode::INTERNAL,
                                                "QueryStream result " + std::to_string(stats.received - 1) +
                                                    " echoes request_id \"" + result.request_id() + "\", want \"" +
                                                    expected + "\""),
                                   0);
            on_result(std::move(result));
        } catch (...) {
            reader_error = std::current_exception();
            context.TryCancel();
            break;
        }
        result.Clear();
    }
    {
        std::lock_guard<std::mutex> lock(mutex);
        reading_done = true;
    }
    slot_free.notify_one();
    writer.join();
    if (reader_error) {
        while (stream->Read(&result)) {}  // drain what the cancellation left, so Finish() returns
        stream->Finish();
        std::rethrow_exception(reader_error);
    }
    if (writer_error) {
        stream->Finish();
        std::rethrow_exception(writer_error);
    }
    check(stream->Finish(), context);
    // An OK status is not enough: a stream that ended early would otherwise look like success.
    if (stats.sent != count || stats.received != stats.sent)
        throw ChatbotError(grpc::Status(grpc::StatusCode::INTERNAL,
                                        "QueryStream ended OK after " + std::to_string(stats.sent) + " of " +
                                            std::to_string(count) + " queries sent and " +
                                            std::to_string(stats.received) + " results received"),
                           0);
    return stats;
}

std::vector<v1::QueryResult> query_batch(v1::Chatbot::StubInterface& stub,
                                         const std::vector<v1::QueryRequest>& requests, const BatchOptions& options,
                                         BatchStats* stats) {
    std::vector<v1::QueryResult> results;
    results.reserve(requests.size());
    BatchStats s = query_batch(
        stub, requests.size(), [&](std::size_t i) { return requests[i]; },
        [&](v1::QueryResult&& r) { results.push_back(std::move(r)); }, options);
    if (stats) *stats = s;
    return results;
}

Client::Client(std::shared_ptr<grpc::ChannelInterface> channel, std::string token)
    : stub_(v1::Chatbot::NewStub(std::move(channel))), token_(std::move(token)) {}

Client Client::connect(const std::string& address, std::string token) {
    return Client(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()), std::move(token));
}

std::unique_ptr<grpc::ClientContext> Client::context() const {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + timeout);
    return context;
}

v1::SignResponse Client::sign(const std::string& userid, const std::string& username, const std::string& avatar) {
    v1::SignRequest request;
    request.set_token(token_);
    request.set_userid(userid);
    request.set_username(username);
    request.set_avatar(avatar);
    v1::SignResponse response;
    auto ctx = context();
    check(stub_->Sign(ctx.get(), request, &response), *ctx);
    return response;
}

v1::QueryResponse Client::query(v1::QueryRequest request) {
    if (request.token().empty()) request.set_token(token_);
    v1::QueryResponse response;
    auto ctx = context();
    check(stub_->Query(ctx.get(), request, &response), *ctx);
    return response;
}

v1::QueryResponse Client::query(const std::string& signature, const std::string& text, v1::Env env) {
    v1::QueryRequest request;
    request.set_signature(signature);
    request.set_query(text);
    request.set_env(env);
    return query(std::move(request));
}

v1::SetAutoReplyResponse Client::set_auto_reply(const std::string& encrypt) {
    v1::EncryptedRequest request;
    request.set_token(token_);
    request.set_encrypt(encrypt);
    v1::SetAutoReplyResponse response;
    auto ctx = context();
    check(stub_->SetAutoReply(ctx.get(), request, &response), *ctx);
    return response;
}

BatchStats Client::query_batch(std::size_t count, const std::function<v1::QueryRequest(std::size_t)>& request,
                               const std::function<void(v1::QueryResult&&)>& on_result,
                               const BatchOptions& options) {
    return client::query_batch(
        *stub_, count,
        [&](std::size_t i) {
            v1::QueryRequest r = request(i);
            if (r.token().empty()) r.set_token(token_);
            return r;
        },
        on_result, options);
}

}  // namespace chatbot::client
