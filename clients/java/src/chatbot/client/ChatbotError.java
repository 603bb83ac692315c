package chatbot.client;

import io.grpc.Metadata;
import io.grpc.Status;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A failed call as the platform reports it: the gRPC status code plus the platform's errcode from
 * the {@code chatbot-errcode} trailer (1001 token invalid, 1005 signature invalid, 1013 decryption
 * failed, …; DESIGN §3).
 *
 * <p>{@code code} is {@code null} for a per-item error inside QueryStream ({@link
 * #of(chatbot.v1.ChatbotOuterClass.Status)}), which carries no gRPC status of its own: the stream
 * itself goes on. Test {@code code() == null} rather than comparing it with {@code Status.Code.OK}.
 *
 * <pre>{@code
 * try { stub.query(request); }
 * catch (StatusRuntimeException e) {
 *     ChatbotError error = ChatbotError.of(e).orElseThrow();
 *     if (error.errcode() == 1001) { ... }
 * }
 * }</pre>
 */
public record ChatbotError(Status.Code code, int errcode, String errmsg) {
    public static final Metadata.Key<String> ERRCODE_KEY =
            Metadata.Key.of("chatbot-errcode", Metadata.ASCII_STRING_MARSHALLER);

    /** The platform error a gRPC failure carries; empty for other exceptions or without the trailer. */
    public static Optional<ChatbotError> of(Throwable failure) {
        OptionalInt errcode = errcode(failure);
        if (errcode.isEmpty()) {
            return Optional.empty();
        }
        Status status = Status.fromThrowable(failure);
        return Optional.of(new ChatbotError(status.getCode(), errcode.getAsInt(),
                status.getDescription() == null ? "" : status.getDescription()));
    }

    /** Just the errcode from the trailers of a gRPC failure (StatusRuntimeException or a cause chain holding one). */
    public static OptionalInt errcode(Throwable failure) {
        Metadata trailers = Status.trailersFromThrowable(failure);
        String value = trailers == null ? null : trailers.get(ERRCODE_KEY);
        if (value == null) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** A per-item failure inside QueryStream, which carries no gRPC status of its own: {@code code} is null. */
    public static ChatbotError of(chatbot.v1.ChatbotOuterClass.Status itemStatus) {
        return new ChatbotError(null, itemStatus.getErrcode(), itemStatus.getErrmsg());
    }
}
