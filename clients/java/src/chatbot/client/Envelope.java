package chatbot.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * WXBizMsgCrypt envelopes (DESIGN §4), byte-compatible with wechatpy given the same 16 random
 * bytes: AES-256-CBC with key = base64(EncodingAESKey + "="), IV = the key's first 16 bytes, over
 * random16 ‖ uint32be(len) ‖ message ‖ appid padded PKCS#7 to a multiple of 32, then base64.
 */
public final class Envelope {
    private static final int BLOCK = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key;
    private final String appid;

    /** encodingAesKey: the bot's 43-character key; appid: the bot's appid, sealed into each envelope. */
    public Envelope(String encodingAesKey, String appid) {
        this.key = Base64.getDecoder().decode(encodingAesKey + "=");
        if (key.length != 32) {
            throw new IllegalArgumentException("an EncodingAESKey decodes to 32 bytes, this one to " + key.length);
        }
        this.appid = appid;
    }

    /** The base64 envelope for {@code message} (what EncryptedRequest.encrypt takes). */
    public String encrypt(String message) {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        return encrypt(message, random);
    }

    /** As {@link #encrypt(String)} with the given 16 random bytes (for reproducible tests). */
    public String encrypt(String message, byte[] random16) {
        if (random16.length != 16) {
            throw new IllegalArgumentException("the random prefix is 16 bytes");
        }
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        byte[] tail = appid.getBytes(StandardCharsets.UTF_8);
        int length = 16 + 4 + body.length + tail.length;
        int pad = BLOCK - length % BLOCK;
        ByteBuffer plain = ByteBuffer.allocate(length + pad);
        plain.put(random16).putInt(body.length).put(body).put(tail);
        while (plain.hasRemaining()) {
            plain.put((byte) pad);
        }
        return Base64.getEncoder().encodeToString(cipher(Cipher.ENCRYPT_MODE, plain.array()));
    }

    /** Opens an envelope sealed for this appid; throws IllegalArgumentException when it is not one. */
    public String decrypt(String envelope) {
        byte[] plain = cipher(Cipher.DECRYPT_MODE, Base64.getDecoder().decode(envelope.trim()));
        int pad = plain.length == 0 ? 0 : plain[plain.length - 1] & 0xff;
        if (plain.length < 20 + pad || pad < 1 || pad > BLOCK) {
            throw new IllegalArgumentException("bad padding");
        }
        int end = plain.length - pad;
        int length = ByteBuffer.wrap(plain, 16, 4).getInt();
        if (length < 0 || 20 + length > end) {
            throw new IllegalArgumentException("bad length prefix");
        }
        String sealedFor = new String(plain, 20 + length, end - 20 - length, StandardCharsets.UTF_8);
        if (!sealedFor.equals(appid)) {
            throw new IllegalArgumentException("sealed for appid '" + sealedFor + "', not '" + appid + "'");
        }
        return new String(plain, 20, length, StandardCharsets.UTF_8);
    }

    /** msg_signature: lowercase hex SHA1 of the ascending-sorted concatenation of the four values. */
    public static String signature(String token, String timestamp, String nonce, String encrypt) {
        String[] parts = {token, timestamp, nonce, encrypt};
        Arrays.sort(parts);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(String.join("", parts).getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (byte b : digest) {
                hex.append(String.format("%02x", b));
            }
            return hex.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }

    private byte[] cipher(int mode, byte[] input) {
        if (input.length == 0 || input.length % 16 != 0) {
            throw new IllegalArgumentException("ciphertext is not a whole number of AES blocks");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
            cipher.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(key, 0, 16));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
