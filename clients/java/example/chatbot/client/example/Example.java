package chatbot.client.example;

import chatbot.client.ChatbotError;
import chatbot.client.Jwt;
import chatbot.client.QueryBatch;
import chatbot.v1.ChatbotGrpc;
import chatbot.v1.ChatbotOuterClass.QueryRequest;
import chatbot.v1.ChatbotOuterClass.QueryResponse;
import chatbot.v1.ChatbotOuterClass.QueryResult;
import chatbot.v1.ChatbotOuterClass.SignRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Asks chatbotd one question twice (with a signature from the Sign RPC, then with one signed
 * locally), asks it a few more times over QueryStream, and shows how a refusal reads.
 *
 *   java -cp "$(cat clients/java/build/classpath)" chatbot.client.example.Example \
 *       127.0.0.1:8080 TOKEN ENCODING_AES_KEY [QUESTION]
 */
public final class Example {
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: Example HOST:PORT TOKEN ENCODING_AES_KEY [QUESTION]");
            System.exit(2);
        }
        String address = args[0], token = args[1], aesKey = args[2];
        String question = args.length > 3 ? args[3] : "怎么申请退款";

        // chatbotd speaks gRPC over cleartext HTTP/2 (h2c, prior knowledge).
        ManagedChannel channel = Grpc.newChannelBuilder(address, InsecureChannelCredentials.create()).build();
        try {
            ChatbotGrpc.ChatbotBlockingStub chatbot = ChatbotGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS);

            String signature = chatbot.sign(SignRequest.newBuilder()
                    .setToken(token).setUserid("example-user").setUsername("Example").build()).getSignature();
            QueryResponse answer = chatbot.query(QueryRequest.newBuilder()
                    .setToken(token).setSignature(signature).setQuery(question).build());
            System.out.printf("Sign RPC signature: %s -> %s (%s, confidence %.2f)%n",
                    question, answer.getAnswer(), answer.getStatus(), answer.getConfidence());

            String local = Jwt.signUser(aesKey, "example-user", "Example", "", Duration.ofHours(2));
            answer = chatbot.query(QueryRequest.newBuilder()
                    .setToken(token).setSignature(local).setQuery(question).build());
            System.out.printf("local signature:    %s -> %s (%s)%n", question, answer.getAnswer(), answer.getStatus());

            QueryBatch batch = new QueryBatch(ChatbotGrpc.newStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS), 8);
            List<QueryResult> results = batch.run(IntStream.range(0, 20).mapToObj(i -> QueryRequest.newBuilder()
                    .setToken(token).setSignature(local).setQuery(question).setRequestId("q" + i).build()).iterator());
            System.out.printf("QueryStream: %d results, at most %d in flight%n",
                    results.size(), batch.maxObservedInFlight());

            try {
                chatbot.query(QueryRequest.newBuilder()
                        .setToken("no-such-token").setSignature(local).setQuery(question).build());
            } catch (StatusRuntimeException e) {
                ChatbotError error = ChatbotError.of(e).orElseThrow(() -> e);
                System.out.printf("wrong token: %s, errcode %d (%s)%n", error.code(), error.errcode(), error.errmsg());
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
