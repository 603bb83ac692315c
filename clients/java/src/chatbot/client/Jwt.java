package chatbot.client;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HS256 JWTs as the platform signs them (DESIGN §4): the key is the bot's 43-character
 * EncodingAESKey taken as UTF-8 text, not decoded. The output is byte-for-byte what PyJWT makes for
 * the same claims in the same order (compact JSON, non-ASCII escaped as {@code \\uXXXX}). Besides
 * the dialogue signatures, this makes the management call credential ({@link #managementCredential},
 * sent by {@link ManagementCredentials}).
 */
public final class Jwt {
    /** The {@code aud} claim of a management call credential. */
    public static final String CREDENTIAL_AUDIENCE = "chatbotd";
    /** How long a management call credential lives unless told otherwise. */
    public static final Duration CREDENTIAL_LIFETIME = Duration.ofSeconds(600);
    /** The longest lifetime ({@code exp - iat}) the server accepts in a management call credential. */
    public static final Duration MAX_CREDENTIAL_LIFETIME = Duration.ofHours(1);

    private static final String HEADER = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private Jwt() {}

    /** A user signature like the Sign RPC's: claims userid, username, avatar, iat, exp. */
    public static String signUser(String encodingAesKey, String userid, String username, String avatar,
                                  Duration ttl) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("userid", userid);
        claims.put("username", username);
        claims.put("avatar", avatar);
        claims.put("iat", now);
        claims.put("exp", now + ttl.getSeconds());
        return sign(encodingAesKey, claims);
    }

    /** {@link #managementCredential(String, String, Duration, Instant)} issued now, valid {@link #CREDENTIAL_LIFETIME}. */
    public static String managementCredential(String encodingAesKey, String managerid) {
        return managementCredential(encodingAesKey, managerid, CREDENTIAL_LIFETIME, Instant.now());
    }

    /**
     * The management call credential that chatbotd asks for on Publish, PublishProgress,
     * GetKefuState, ChangeKefuState and SubscribeOutbox (as {@code authorization: Bearer <it>}): an
     * HS256 JWT keyed with the bot's EncodingAESKey, claims {@code {"managerid", "aud": "chatbotd",
     * "iat": now, "exp": now + lifetime}} in that order (seconds; sub-second parts dropped).
     *
     * @throws IllegalArgumentException for an empty managerid or a lifetime outside 1 s to
     *     {@link #MAX_CREDENTIAL_LIFETIME}, which the server would refuse
     */
    public static String managementCredential(String encodingAesKey, String managerid, Duration lifetime, Instant now) {
        checkCredential(managerid, lifetime);
        long issued = now.getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("managerid", managerid);
        claims.put("aud", CREDENTIAL_AUDIENCE);
        claims.put("iat", issued);
        claims.put("exp", issued + lifetime.getSeconds());
        return sign(encodingAesKey, claims);
    }

    static void checkCredential(String managerid, Duration lifetime) {
        if (managerid == null || managerid.isEmpty()) {
            throw new IllegalArgumentException("a management credential needs a managerid");
        }
        if (lifetime.getSeconds() < 1 || lifetime.compareTo(MAX_CREDENTIAL_LIFETIME) > 0) {
            throw new IllegalArgumentException("a management credential lives 1 s to " + MAX_CREDENTIAL_LIFETIME
                    + ", not " + lifetime);
        }
    }

    /** Signs claims (String, Number or Boolean values) in their iteration order. */
    public static String sign(String encodingAesKey, Map<String, ?> claims) {
        String signingInput = segment(HEADER) + "." + segment(toJson(claims));
        return signingInput + "." + B64URL.encodeToString(hmac(encodingAesKey, signingInput));
    }

    /** True when the token's HS256 signature over its own first two segments matches the key. */
    public static boolean verify(String encodingAesKey, String token) {
        int dot = token.lastIndexOf('.');
        if (dot < 0 || token.indexOf('.') == dot) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return java.security.MessageDigest.isEqual(given, hmac(encodingAesKey, token.substring(0, dot)));
    }

    private static String segment(String json) {
        return B64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(String key, String input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    static String toJson(Map<String, ?> claims) {
        StringBuilder out = new StringBuilder("{");
        for (Map.Entry<String, ?> claim : claims.entrySet()) {
            if (out.length() > 1) {
                out.append(',');
            }
            quote(out, claim.getKey());
            out.append(':');
            Object value = claim.getValue();
            if (value instanceof String) {
                quote(out, (String) value);
            } else if (value instanceof Number || value instanceof Boolean) {
                out.append(value);
            } else {
                throw new IllegalArgumentException("claim " + claim.getKey() + " must be a String, Number or Boolean");
            }
        }
        return out.append('}').toString();
    }

    private static void quote(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
