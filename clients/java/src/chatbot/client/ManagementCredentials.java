package chatbot.client;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;

/**
 * Puts a fresh management call credential ({@link Jwt#managementCredential}) on each call, as the
 * metadata {@code authorization: Bearer <JWT>} that chatbotd asks for on Publish, PublishProgress,
 * GetKefuState, ChangeKefuState and SubscribeOutbox. It works over plaintext h2c, as chatbotd
 * serves (TLS, when there is any, is the proxy's in front). Give it to the stub of the management
 * calls only, so that dialogue calls do not carry it:
 *
 * <pre>{@code
 * var manage = ChatbotGrpc.newBlockingStub(channel).withCallCredentials(new ManagementCredentials(aesKey, "manager-1"));
 * String task = manage.publish(PublishRequest.newBuilder().setToken(token).build()).getTaskId();
 * }</pre>
 *
 * <p>Without it, or with an expired credential or one for another bot, the server answers
 * UNAUTHENTICATED with errcode 1005; for a managerid the bot does not have, PERMISSION_DENIED with
 * errcode 1015 ({@link ChatbotError}).
 */
public final class ManagementCredentials extends CallCredentials {
    public static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final String encodingAesKey;
    private final String managerid;
    private final Duration lifetime;

    /** Credentials for managerid that live {@link Jwt#CREDENTIAL_LIFETIME} (600 s) each. */
    public ManagementCredentials(String encodingAesKey, String managerid) {
        this(encodingAesKey, managerid, Jwt.CREDENTIAL_LIFETIME);
    }

    /** @throws IllegalArgumentException for an empty managerid or a lifetime outside 1 s to 1 h */
    public ManagementCredentials(String encodingAesKey, String managerid, Duration lifetime) {
        Jwt.checkCredential(managerid, lifetime);
        this.encodingAesKey = encodingAesKey;
        this.managerid = managerid;
        this.lifetime = lifetime;
    }

    /** The metadata of one call: {@code authorization: Bearer <a credential made now>}. */
    public Metadata metadata() {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + Jwt.managementCredential(encodingAesKey, managerid, lifetime, Instant.now()));
        return headers;
    }

    @Override
    public void applyRequestMetadata(RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
        // An HMAC over a few bytes: cheap enough for the calling thread, no need for appExecutor.
        try {
            applier.apply(metadata());
        } catch (RuntimeException e) {
            applier.fail(Status.UNAUTHENTICATED.withDescription("cannot make the management credential").withCause(e));
        }
    }

    @Override
    public void thisUsesUnstableApi() {}
}
