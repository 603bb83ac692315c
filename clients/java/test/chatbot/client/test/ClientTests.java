package chatbot.client.test;

import chatbot.client.AutoReply;
import chatbot.client.ChatbotError;
import chatbot.client.Envelope;
import chatbot.client.Jwt;
import chatbot.client.ManagementCredentials;
import chatbot.client.QueryBatch;
import chatbot.v1.ChatbotGrpc;
import chatbot.v1.ChatbotOuterClass.EncryptedRequest;
import chatbot.v1.ChatbotOuterClass.Env;
import chatbot.v1.ChatbotOuterClass.MatchStatus;
import chatbot.v1.ChatbotOuterClass.PublishProgressRequest;
import chatbot.v1.ChatbotOuterClass.PublishProgressResponse;
import chatbot.v1.ChatbotOuterClass.PublishRequest;
import chatbot.v1.ChatbotOuterClass.QueryRequest;
import chatbot.v1.ChatbotOuterClass.QueryResponse;
import chatbot.v1.ChatbotOuterClass.QueryResult;
import chatbot.v1.ChatbotOuterClass.SignRequest;
import chatbot.v1.ChatbotOuterClass.SignResponse;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.grpc.Attributes;
import io.grpc.CallCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * The Java client's tests, a plain main: the helpers against the crypto vectors (made with wechatpy
 * and PyJWT), then every RPC the client is for against a running chatbotd. Tests/interop/
 * test_client_java.py starts the server and passes it by environment:
 *
 *   CHATBOT_VECTORS   path of crypto-vectors.json
 *   CHATBOT_ADDRESS   host:port of chatbotd
 *   CHATBOT_TOKEN, CHATBOT_APPID, CHATBOT_AES_KEY   the bot's credentials
 *   CHATBOT_MANAGERID a manager of that bot (for SetAutoReply and the management credential)
 *   CHATBOT_QUESTION, CHATBOT_ANSWER   a published knowledge-base entry
 *
 * Arguments, when given, name the tests to run. Ends with "N passed, N failed"; exits 1 on a failure.
 */
public final class ClientTests {
    private static final Map<String, String> ENV = System.getenv();
    private static ManagedChannel channel;

    interface Test {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Map<String, Test> tests = new LinkedHashMap<>();
        tests.put("jwt_matches_pyjwt_vectors", ClientTests::jwtMatchesPyjwtVectors);
        tests.put("envelope_matches_wechatpy_vectors", ClientTests::envelopeMatchesWechatpyVectors);
        tests.put("envelope_refuses_another_appid", ClientTests::envelopeRefusesAnotherAppid);
        tests.put("auto_reply_xml_splits_cdata_end", ClientTests::autoReplyXmlSplitsCdataEnd);
        tests.put("management_credential_matches_pyjwt", ClientTests::managementCredentialMatchesPyjwt);
        tests.put("management_credentials_put_a_bearer_on_each_call", ClientTests::managementCredentialsPutABearerOnEachCall);
        tests.put("sign_rpc_signature_verifies_locally", ClientTests::signRpcSignatureVerifiesLocally);
        tests.put("query_with_sign_rpc_signature", ClientTests::queryWithSignRpcSignature);
        tests.put("query_with_local_jwt", ClientTests::queryWithLocalJwt);
        tests.put("query_stream_10000_bounded", ClientTests::queryStream10000Bounded);
        tests.put("query_batch_rethrows_what_on_result_throws", ClientTests::queryBatchRethrowsWhatOnResultThrows);
        tests.put("set_auto_reply_then_found_in_debug", ClientTests::setAutoReplyThenFoundInDebug);
        tests.put("errors_carry_status_and_errcode", ClientTests::errorsCarryStatusAndErrcode);
        tests.put("management_calls_need_the_credential", ClientTests::managementCallsNeedTheCredential);

        List<String> selected = args.length > 0 ? Arrays.asList(args) : new ArrayList<>(tests.keySet());
        for (String name : selected) {
            if (!tests.containsKey(name)) {
                System.err.println("no test named " + name);
                System.exit(2);
            }
        }
        int passed = 0, failed = 0;
        try {
            for (String name : selected) {
                long start = System.nanoTime();
                try {
                    tests.get(name).run();
                    passed++;
                    System.out.printf("ok   %s (%d ms)%n", name, (System.nanoTime() - start) / 1_000_000);
                } catch (Throwable t) {
                    failed++;
                    System.out.printf("FAIL %s: %s%n", name, t);
                    t.printStackTrace(System.out);
                }
            }
        } finally {
            if (channel != null) {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        System.out.printf("%d passed, %d failed%n", passed, failed);
        System.exit(failed == 0 ? 0 : 1);
    }

    // MARK: helpers against the vectors

    static void jwtMatchesPyjwtVectors() throws Exception {
        int count = 0;
        for (JsonElement element : vectors().getAsJsonArray("jwts")) {
            JsonObject vector = element.getAsJsonObject();
            Map<String, Object> claims = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> claim : vector.getAsJsonObject("claims").entrySet()) {
                JsonPrimitive value = claim.getValue().getAsJsonPrimitive();
                claims.put(claim.getKey(), value.isNumber() ? (Object) value.getAsLong() : value.getAsString());
            }
            String secret = vector.get("secret").getAsString();
            String name = vector.get("name").getAsString();
            String token = Jwt.sign(secret, claims);
            check(token.equals(vector.get("expected_token").getAsString()), name + ": got " + token);
            check(Jwt.verify(secret, token), name + ": does not verify");
            check(!Jwt.verify(secret.substring(1) + "x", token), name + ": verifies with another key");
            count++;
        }
        check(count >= 5, "only " + count + " JWT vectors");
    }

    static void envelopeMatchesWechatpyVectors() throws Exception {
        int count = 0;
        for (JsonElement element : vectors().getAsJsonArray("envelopes")) {
            JsonObject vector = element.getAsJsonObject();
            String name = vector.get("name").getAsString();
            Envelope envelope = new Envelope(vector.get("encoding_aes_key").getAsString(), vector.get("appid").getAsString());
            String payload = vector.get("payload").getAsString();
            String expected = vector.get("expected_ciphertext_b64").getAsString();
            byte[] random = HexFormat.of().parseHex(vector.get("random_prefix_hex").getAsString());
            String encrypted = envelope.encrypt(payload, random);
            check(encrypted.equals(expected), name + ": ciphertext differs from wechatpy's");
            check(envelope.decrypt(expected).equals(payload), name + ": does not decrypt back");
            check(!envelope.encrypt(payload).equals(expected) && envelope.decrypt(envelope.encrypt(payload)).equals(payload),
                    name + ": random prefix");
            String signature = Envelope.signature(vector.get("token").getAsString(), vector.get("timestamp").getAsString(),
                    vector.get("nonce").getAsString(), expected);
            check(signature.equals(vector.get("expected_msg_signature").getAsString()), name + ": msg_signature " + signature);
            count++;
        }
        check(count >= 5, "only " + count + " envelope vectors");
    }

    static void envelopeRefusesAnotherAppid() {
        String key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
        String sealed = new Envelope(key, "wx-one").encrypt("<xml/>");
        try {
            new Envelope(key, "wx-two").decrypt(sealed);
            throw new AssertionError("opened an envelope sealed for another appid");
        } catch (IllegalArgumentException expected) {
            check(expected.getMessage().contains("wx-one"), expected.getMessage());
        }
    }

    // MARK: the management call credential, offline

    private static final String CREDENTIAL_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    /** The claims of an HS256 JWT that verifies with key under the header {"alg":"HS256","typ":"JWT"}. */
    private static String credentialClaims(String key, String token) {
        String[] parts = token.split("\\.");
        check(parts.length == 3 && parts[0].equals("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"), "header of " + token);
        check(Jwt.verify(key, token), token + " does not verify with the key");
        return new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    }

    static void managementCredentialMatchesPyjwt() {
        // PyJWT 2.15.1: jwt.encode({"managerid": m, "aud": "chatbotd", "iat": 1700000000, "exp": 1700000600},
        // CREDENTIAL_KEY, algorithm="HS256"); clients/python/tests/test_crypto.py checks the first.
        Map<String, String> known = new LinkedHashMap<>();
        known.put("manager-1", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJtYW5hZ2VyaWQiOiJtYW5hZ2VyLTEiLCJhdWQiOiJjaGF0Ym90ZCIs"
                + "ImlhdCI6MTcwMDAwMDAwMCwiZXhwIjoxNzAwMDAwNjAwfQ.5oVutmKXAjWBHYqAJZeAACneJBN7uKacaonSZbKIGr0");
        known.put("经理-1", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJtYW5hZ2VyaWQiOiJcdTdlY2ZcdTc0MDYtMSIsImF1ZCI6ImNoYXRib3RkIiwiaWF0"
                + "IjoxNzAwMDAwMDAwLCJleHAiOjE3MDAwMDA2MDB9.moY5oYiX2K_4d9GDw9hwyORCpimQ2VpgNi4JPXliauI");
        for (Map.Entry<String, String> entry : known.entrySet()) {
            String token = Jwt.managementCredential(CREDENTIAL_KEY, entry.getKey(), Duration.ofSeconds(600),
                    Instant.ofEpochSecond(1_700_000_000L));
            check(token.equals(entry.getValue()), entry.getKey() + ": got " + token);
            JsonObject claims = JsonParser.parseString(credentialClaims(CREDENTIAL_KEY, token)).getAsJsonObject();
            check(new ArrayList<>(claims.keySet()).equals(List.of("managerid", "aud", "iat", "exp")), claims.toString());
            check(claims.get("managerid").getAsString().equals(entry.getKey()) && claims.get("aud").getAsString().equals("chatbotd")
                    && claims.get("iat").getAsLong() == 1_700_000_000L && claims.get("exp").getAsLong() == 1_700_000_600L,
                    claims.toString());
            check(!Jwt.verify("another-key-another-key-another-key-abcdefg", token), "verifies with another key");
        }
        for (Duration lifetime : List.of(Duration.ZERO, Duration.ofSeconds(-1), Duration.ofMillis(500),
                Duration.ofSeconds(3601), Duration.ofHours(2))) {
            try {
                Jwt.managementCredential(CREDENTIAL_KEY, "m", lifetime, Instant.now());
                throw new AssertionError("lifetime " + lifetime + " was accepted");
            } catch (IllegalArgumentException expected) {
                // the server would refuse it
            }
        }
        try {
            new ManagementCredentials(CREDENTIAL_KEY, "");
            throw new AssertionError("an empty managerid was accepted");
        } catch (IllegalArgumentException expected) {
            // a credential names its manager
        }
    }

    static void managementCredentialsPutABearerOnEachCall() {
        CallCredentials.RequestInfo info = new CallCredentials.RequestInfo() {
            public MethodDescriptor<?, ?> getMethodDescriptor() {
                return ChatbotGrpc.getPublishMethod();
            }

            public SecurityLevel getSecurityLevel() {
                return SecurityLevel.NONE; // h2c
            }

            public String getAuthority() {
                return "127.0.0.1";
            }

            public Attributes getTransportAttrs() {
                return Attributes.EMPTY;
            }
        };
        List<Metadata> applied = new ArrayList<>();
        List<Status> failed = new ArrayList<>();
        long before = Instant.now().getEpochSecond();
        new ManagementCredentials(CREDENTIAL_KEY, "manager-1", Duration.ofHours(1)).applyRequestMetadata(info, Runnable::run,
                new CallCredentials.MetadataApplier() {
                    public void apply(Metadata headers) {
                        applied.add(headers);
                    }

                    public void fail(Status status) {
                        failed.add(status);
                    }
                });
        check(failed.isEmpty() && applied.size() == 1, "applied " + applied + ", failed " + failed);
        Metadata headers = applied.get(0);
        check(headers.keys().equals(java.util.Set.of("authorization")), headers.toString());
        String value = headers.get(ManagementCredentials.AUTHORIZATION);
        check(value.startsWith("Bearer "), value);
        JsonObject claims = JsonParser.parseString(credentialClaims(CREDENTIAL_KEY, value.substring(7))).getAsJsonObject();
        long iat = claims.get("iat").getAsLong();
        check(claims.get("managerid").getAsString().equals("manager-1") && iat >= before
                && iat <= Instant.now().getEpochSecond() && claims.get("exp").getAsLong() - iat == 3600, claims.toString());
    }

    // MARK: against chatbotd

    static void signRpcSignatureVerifiesLocally() {
        SignResponse signed = blocking().sign(SignRequest.newBuilder()
                .setToken(env("CHATBOT_TOKEN")).setUserid("java-user").setUsername("张三").build());
        check(signed.getExpiresIn() == 7200, "expires_in " + signed.getExpiresIn());
        check(Jwt.verify(env("CHATBOT_AES_KEY"), signed.getSignature()), "the server's JWT does not verify with the key");
        String claims = new String(Base64.getUrlDecoder().decode(signed.getSignature().split("\\.")[1]), StandardCharsets.UTF_8);
        JsonObject parsed = JsonParser.parseString(claims).getAsJsonObject();
        check(parsed.get("userid").getAsString().equals("java-user"), claims);
        check(parsed.get("username").getAsString().equals("张三"), claims);
    }

    static void queryWithSignRpcSignature() {
        String signature = blocking().sign(SignRequest.newBuilder()
                .setToken(env("CHATBOT_TOKEN")).setUserid("java-user").build()).getSignature();
        QueryResponse response = blocking().query(query(env("CHATBOT_QUESTION")).setSignature(signature).build());
        checkAnswered(response, "java-user");
    }

    static void queryWithLocalJwt() {
        String signature = Jwt.signUser(env("CHATBOT_AES_KEY"), "local-user", "Local", "", Duration.ofMinutes(10));
        QueryResponse response = blocking().query(query(env("CHATBOT_QUESTION")).setSignature(signature).build());
        checkAnswered(response, "local-user");
    }

    static void queryStream10000Bounded() throws Exception {
        int count = 10_000, bound = 64;
        String signature = Jwt.signUser(env("CHATBOT_AES_KEY"), "stream-user", "", "", Duration.ofMinutes(10));
        String[] texts = {env("CHATBOT_QUESTION"), "今天天气怎么样", "reset password"};
        // Every 1000th item has a wrong token: a per-item error, and the stream goes on.
        QueryBatch batch = new QueryBatch(ChatbotGrpc.newStub(channel()).withDeadlineAfter(120, TimeUnit.SECONDS), bound);
        Iterator<QueryRequest> requests = IntStream.range(0, count).mapToObj(i -> {
            QueryRequest.Builder request = query(texts[i % texts.length]).setSignature(signature).setRequestId("r" + i);
            return (i % 1000 == 999 ? request.setToken("no-such-token") : request).build();
        }).iterator();
        // Counted here, not by the helper: requests taken from the iterator minus results handed back.
        List<QueryResult> results = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger taken = new AtomicInteger(), mostInFlight = new AtomicInteger();
        Iterator<QueryRequest> counted = new Iterator<>() {
            public boolean hasNext() {
                return requests.hasNext();
            }

            public QueryRequest next() {
                mostInFlight.accumulateAndGet(taken.incrementAndGet() - results.size(), Math::max);
                return requests.next();
            }
        };
        long start = System.nanoTime();
        batch.run(counted, results::add);
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("     %d results in %d ms, at most %d in flight (bound %d, the helper saw %d)%n",
                results.size(), millis, mostInFlight.get(), bound, batch.maxObservedInFlight());
        check(results.size() == count, results.size() + " results for " + count + " queries");
        check(mostInFlight.get() <= bound, "in flight " + mostInFlight.get() + " > " + bound);
        check(mostInFlight.get() > 1, "never more than one in flight: not pipelined");
        check(batch.maxObservedInFlight() <= bound, "the helper saw " + batch.maxObservedInFlight() + " in flight");
        for (int i = 0; i < count; i++) {
            QueryResult result = results.get(i);
            check(result.getRequestId().equals("r" + i), "result " + i + " echoes " + result.getRequestId());
            if (i % 1000 == 999) {
                check(result.hasError() && ChatbotError.of(result.getError()).errcode() == 1001
                        && ChatbotError.of(result.getError()).code() == null, "item " + i + ": " + result);
            } else {
                check(result.hasResponse(), "item " + i + ": " + result);
                if (i % texts.length == 0) {
                    check(result.getResponse().getAnswer().equals(env("CHATBOT_ANSWER")), "item " + i + ": " + result);
                }
            }
        }
    }

    static void queryBatchRethrowsWhatOnResultThrows() throws Exception {
        String signature = Jwt.signUser(env("CHATBOT_AES_KEY"), "stream-user", "", "", Duration.ofMinutes(10));
        QueryBatch batch = new QueryBatch(ChatbotGrpc.newStub(channel()).withDeadlineAfter(60, TimeUnit.SECONDS), 8);
        Iterator<QueryRequest> requests = IntStream.range(0, 1000).mapToObj(
                i -> query(env("CHATBOT_QUESTION")).setSignature(signature).setRequestId("t" + i).build()).iterator();
        class Mine extends RuntimeException {
            Mine() {
                super("thrown by onResult");
            }
        }
        Mine mine = new Mine();
        AtomicInteger seen = new AtomicInteger();
        try {
            batch.run(requests, result -> {
                if (seen.incrementAndGet() == 5) {
                    throw mine;
                }
            });
        } catch (Mine e) {
            check(e == mine, "another exception of the same class: " + e);
            check(seen.get() == 5, "onResult called " + seen.get() + " times, after it threw at the 5th");
            return;
        }
        throw new AssertionError("run() returned although onResult threw");
    }

    static void setAutoReplyThenFoundInDebug() {
        String title = "Java客户端的测试问题" + System.nanoTime();
        String similar = "Java similar question " + System.nanoTime();
        String content = "Java客户端设置的答案 <ok> & done";
        String xml = AutoReply.xml(env("CHATBOT_MANAGERID"), "Java客户端", title, content, List.of(similar));
        String encrypted = new Envelope(env("CHATBOT_AES_KEY"), env("CHATBOT_APPID")).encrypt(xml);
        long id = blocking().setAutoReply(EncryptedRequest.newBuilder()
                .setToken(env("CHATBOT_TOKEN")).setEncrypt(encrypted).build()).getAnsNodeId();
        check(id > 0, "ans_node_id " + id);

        String signature = Jwt.signUser(env("CHATBOT_AES_KEY"), "admin", "", "", Duration.ofMinutes(10));
        for (String text : new String[] {title, similar}) {
            QueryResponse debug = blocking().query(query(text).setSignature(signature).setEnv(Env.ENV_DEBUG).build());
            check(debug.getAnsNodeId() == id && debug.getAnswer().equals(content) && debug.getTitle().equals(title),
                    "debug: " + debug);
        }
        QueryResponse online = blocking().query(query(title).setSignature(signature).build());
        check(online.getAnsNodeId() != id, "an unpublished entry answered online");
    }

    static void errorsCarryStatusAndErrcode() {
        String good = Jwt.signUser(env("CHATBOT_AES_KEY"), "u", "", "", Duration.ofMinutes(10));
        expectError(() -> blocking().query(query("x").setToken("no-such-token").setSignature(good).build()),
                Status.Code.UNAUTHENTICATED, 1001);
        String otherKey = Jwt.signUser("another-key-another-key-another-key-abcdefg", "u", "", "", Duration.ofMinutes(10));
        expectError(() -> blocking().query(query("x").setSignature(otherKey).build()), Status.Code.UNAUTHENTICATED, 1005);
        expectError(() -> blocking().query(query("x").build()), Status.Code.INVALID_ARGUMENT, 1004);
        expectError(() -> blocking().sign(SignRequest.newBuilder().setToken("no-such-token").setUserid("u").build()),
                Status.Code.UNAUTHENTICATED, 1001);
        expectError(() -> blocking().setAutoReply(EncryptedRequest.newBuilder()
                .setToken(env("CHATBOT_TOKEN")).setEncrypt("garbage").build()), Status.Code.INVALID_ARGUMENT, 1013);
        // An envelope sealed with the right key for another appid.
        String foreign = new Envelope(env("CHATBOT_AES_KEY"), "wx-someone-else").encrypt("<xml/>");
        expectError(() -> blocking().setAutoReply(EncryptedRequest.newBuilder()
                .setToken(env("CHATBOT_TOKEN")).setEncrypt(foreign).build()), Status.Code.INVALID_ARGUMENT, 1013);
    }

    static void managementCallsNeedTheCredential() {
        String key = env("CHATBOT_AES_KEY"), managerid = env("CHATBOT_MANAGERID");
        ChatbotGrpc.ChatbotBlockingStub manage = blocking().withCallCredentials(new ManagementCredentials(key, managerid));
        PublishRequest publish = PublishRequest.newBuilder().setToken(env("CHATBOT_TOKEN")).build();
        String task = manage.publish(publish).getTaskId();
        check(!task.isEmpty(), "no task id");
        PublishProgressRequest progress = PublishProgressRequest.newBuilder().setToken(env("CHATBOT_TOKEN")).setTaskId(task).build();
        PublishProgressResponse done = manage.publishProgress(progress);
        check(done.getProgress() == 100 && done.getDone(), "progress " + done);
        // The same calls without the credential, with one of another key, and for a managerid the bot does not have.
        var otherKey = blocking().withCallCredentials(
                new ManagementCredentials("another-key-another-key-another-key-abcdefg", managerid));
        var stranger = blocking().withCallCredentials(new ManagementCredentials(key, "not-a-manager"));
        expectError(() -> blocking().publish(publish), Status.Code.UNAUTHENTICATED, 1005);
        expectError(() -> blocking().publishProgress(progress), Status.Code.UNAUTHENTICATED, 1005);
        expectError(() -> otherKey.publish(publish), Status.Code.UNAUTHENTICATED, 1005);
        expectError(() -> otherKey.publishProgress(progress), Status.Code.UNAUTHENTICATED, 1005);
        expectError(() -> stranger.publish(publish), Status.Code.PERMISSION_DENIED, 1015);
        expectError(() -> stranger.publishProgress(progress), Status.Code.PERMISSION_DENIED, 1015);
    }

    static void autoReplyXmlSplitsCdataEnd() {
        String xml = AutoReply.xml("m", "s", "t", "a]]>b", List.of("q1", "q2"));
        String expected = "<xml><managerid><![CDATA[m]]></managerid><skillname><![CDATA[s]]></skillname>"
                + "<title><![CDATA[t]]></title><content><![CDATA[a]]]]><![CDATA[>b]]></content>"
                + "<list><question><![CDATA[q1]]></question><question><![CDATA[q2]]></question></list></xml>";
        check(xml.equals(expected), xml);
    }

    // MARK: plumbing

    private static void expectError(Runnable call, Status.Code code, int errcode) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            ChatbotError error = ChatbotError.of(e).orElseThrow(() -> new AssertionError("no chatbot-errcode trailer: " + e));
            check(error.code() == code && error.errcode() == errcode,
                    "expected " + code + "/" + errcode + ", got " + error);
            check(ChatbotError.errcode(e).getAsInt() == errcode && !error.errmsg().isEmpty(), error.toString());
            return;
        }
        throw new AssertionError("expected " + code + "/" + errcode + ", the call succeeded");
    }

    private static void checkAnswered(QueryResponse response, String userid) {
        check(response.getStatus() == MatchStatus.MATCH_STATUS_FAQ, "status " + response.getStatus());
        check(response.getAnswer().equals(env("CHATBOT_ANSWER")), "answer " + response.getAnswer());
        check(response.getFromUserName().equals(userid), "from_user_name " + response.getFromUserName());
        check(response.getToUserName().equals(env("CHATBOT_APPID")), "to_user_name " + response.getToUserName());
        check(response.getAnsNodeId() > 0 && response.getConfidence() > 0.99, response.toString());
    }

    private static QueryRequest.Builder query(String text) {
        return QueryRequest.newBuilder().setToken(env("CHATBOT_TOKEN")).setQuery(text);
    }

    private static synchronized ManagedChannel channel() {
        if (channel == null) {
            channel = Grpc.newChannelBuilder(env("CHATBOT_ADDRESS"), InsecureChannelCredentials.create()).build();
        }
        return channel;
    }

    private static ChatbotGrpc.ChatbotBlockingStub blocking() {
        return ChatbotGrpc.newBlockingStub(channel()).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private static JsonObject vectors() throws Exception {
        return JsonParser.parseString(Files.readString(Path.of(env("CHATBOT_VECTORS")))).getAsJsonObject();
    }

    private static String env(String name) {
        String value = ENV.get(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException("set " + name);
        }
        return value;
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }
}
