#include "CChatbotBenchRef.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

struct cchatbot_ref {
    EVP_MAC_CTX *mac;
    EVP_CIPHER_CTX *enc, *dec;
    unsigned char iv[16];
    char appid[64];
    size_t appid_len;
    unsigned char random[1024];
    size_t random_off;
    unsigned char out[65536];
};

static EVP_MD *sha1;
static EVP_MD_CTX *md_ctx;

static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char HEADER[] = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
#define HEADER_LEN (sizeof(HEADER) - 1)

static size_t b64url_encode(const unsigned char *in, size_t n, char *out) {
    size_t o = 0, i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = B64URL[v >> 18];
        out[o++] = B64URL[v >> 12 & 63];
        out[o++] = B64URL[v >> 6 & 63];
        out[o++] = B64URL[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = B64URL[v >> 18];
        out[o++] = B64URL[v >> 12 & 63];
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        out[o++] = B64URL[v >> 18];
        out[o++] = B64URL[v >> 12 & 63];
        out[o++] = B64URL[v >> 6 & 63];
    }
    return o;
}

static int b64url_value(unsigned char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}

/// Returns the decoded length, or -1.
static long b64url_decode(const char *in, size_t n, unsigned char *out) {
    if (n % 4 == 1) return -1;
    size_t o = 0, i = 0;
    for (; i + 4 <= n; i += 4) {
        int a = b64url_value(in[i]), b = b64url_value(in[i + 1]), c = b64url_value(in[i + 2]), d = b64url_value(in[i + 3]);
        if ((a | b | c | d) < 0) return -1;
        uint32_t v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | (uint32_t)d;
        out[o++] = v >> 16;
        out[o++] = v >> 8;
        out[o++] = v;
    }
    if (n - i >= 2) {
        int a = b64url_value(in[i]), b = b64url_value(in[i + 1]);
        if ((a | b) < 0) return -1;
        uint32_t v = (uint32_t)a << 18 | (uint32_t)b << 12;
        if (n - i == 3) {
            int c = b64url_value(in[i + 2]);
            if (c < 0) return -1;
            v |= (uint32_t)c << 6;
            out[o++] = v >> 16;
            out[o++] = v >> 8;
        } else {
            out[o++] = v >> 16;
        }
    }
    return (long)o;
}

cchatbot_ref *cchatbot_ref_new(const char *encoding_aes_key, const char *appid) {
    if (!sha1) {
        sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
        md_ctx = EVP_MD_CTX_new();
    }
    cchatbot_ref *ref = calloc(1, sizeof *ref);
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    ref->mac = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA256", 0), OSSL_PARAM_construct_end()};
    if (!EVP_MAC_init(ref->mac, (const unsigned char *)encoding_aes_key, strlen(encoding_aes_key), params)) return NULL;

    char padded[45];
    memcpy(padded, encoding_aes_key, 43);
    padded[43] = '=';
    padded[44] = 0;
    unsigned char key[36];
    if (EVP_DecodeBlock(key, (const unsigned char *)padded, 44) != 33) return NULL;
    memcpy(ref->iv, key, 16);
    EVP_CIPHER *aes = EVP_CIPHER_fetch(NULL, "AES-256-CBC", NULL);
    ref->enc = EVP_CIPHER_CTX_new();
    ref->dec = EVP_CIPHER_CTX_new();
    EVP_CipherInit_ex2(ref->enc, aes, key, ref->iv, 1, NULL);
    EVP_CipherInit_ex2(ref->dec, aes, key, ref->iv, 0, NULL);
    EVP_CIPHER_CTX_set_padding(ref->enc, 0);
    EVP_CIPHER_CTX_set_padding(ref->dec, 0);
    EVP_CIPHER_free(aes);
    OPENSSL_cleanse(key, sizeof key);
    ref->appid_len = strlen(appid);
    memcpy(ref->appid, appid, ref->appid_len);
    ref->random_off = sizeof ref->random;
    return ref;
}

void cchatbot_ref_free(cchatbot_ref *ref) {
    EVP_MAC_CTX_free(ref->mac);
    EVP_CIPHER_CTX_free(ref->enc);
    EVP_CIPHER_CTX_free(ref->dec);
    OPENSSL_cleanse(ref, sizeof *ref);
    free(ref);
}

static int hmac(cchatbot_ref *ref, const void *data, size_t n, unsigned char mac[32]) {
    size_t written = 0;
    return EVP_MAC_init(ref->mac, NULL, 0, NULL) && EVP_MAC_update(ref->mac, data, n) &&
           EVP_MAC_final(ref->mac, mac, &written, 32) && written == 32;
}

uint64_t cchatbot_ref_jwt_sign_loop(cchatbot_ref *ref, const uint8_t *claims, size_t claims_len, long iterations) {
    uint64_t sum = 0;
    char *out = (char *)ref->out;
    for (long it = 0; it < iterations; it++) {
        memcpy(out, HEADER, HEADER_LEN);
        size_t n = HEADER_LEN;
        out[n++] = '.';
        n += b64url_encode(claims, claims_len, out + n);
        unsigned char mac[32];
        if (!hmac(ref, out, n, mac)) return 0;
        out[n++] = '.';
        n += b64url_encode(mac, 32, out + n);
        sum += n + (unsigned char)out[n - 1];
    }
    return sum;
}

/* A minimal JSON object walker: the claims a verifier needs, strings unescaped into buffers. */
typedef struct {
    const unsigned char *p, *end;
} json_t;

static void ws(json_t *j) {
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' || *j->p == '\r' || *j->p == '\t')) j->p++;
}

static int json_string(json_t *j, char *out, size_t cap, size_t *len) {
    if (j->p >= j->end || *j->p != '"') return 0;
    j->p++;
    size_t n = 0;
    while (j->p < j->end && *j->p != '"') {
        unsigned char c = *j->p++;
        if (c == '\\') {
            if (j->p >= j->end) return 0;
            c = *j->p++;
            switch (c) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u': if (j->end - j->p < 4) return 0; j->p += 4; c = '?'; break;
            case '"': case '\\': case '/': break;
            default: return 0;
            }
        } else if (c < 0x20) {
            return 0;
        }
        if (out && n < cap) out[n] = (char)c;
        n++;
    }
    if (j->p >= j->end) return 0;
    j->p++;
    if (len) *len = n;
    return 1;
}

static int json_number(json_t *j, int64_t *value) {
    int64_t v = 0;
    int neg = 0, digits = 0;
    if (j->p < j->end && *j->p == '-') neg = 1, j->p++;
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9') v = v * 10 + (*j->p++ - '0'), digits++;
    while (j->p < j->end && (*j->p == '.' || *j->p == 'e' || *j->p == 'E' || *j->p == '+' || *j->p == '-' ||
                             (*j->p >= '0' && *j->p <= '9')))
        j->p++;
    if (value) *value = neg ? -v : v;
    return digits > 0;
}

typedef struct {
    char userid[256], username[256], avatar[1024];
    size_t userid_len, username_len, avatar_len;
    int64_t exp, iat;
} claims_t;

static int parse_claims(const unsigned char *data, size_t n, claims_t *c) {
    json_t j = {data, data + n};
    ws(&j);
    if (j.p >= j.end || *j.p++ != '{') return 0;
    c->exp = c->iat = -1;
    for (;;) {
        ws(&j);
        char key[32];
        size_t key_len;
        if (!json_string(&j, key, sizeof key, &key_len)) return 0;
        ws(&j);
        if (j.p >= j.end || *j.p++ != ':') return 0;
        ws(&j);
        int ok;
        if (key_len == 6 && !memcmp(key, "userid", 6)) ok = json_string(&j, c->userid, sizeof c->userid, &c->userid_len);
        else if (key_len == 8 && !memcmp(key, "username", 8)) ok = json_string(&j, c->username, sizeof c->username, &c->username_len);
        else if (key_len == 6 && !memcmp(key, "avatar", 6)) ok = json_string(&j, c->avatar, sizeof c->avatar, &c->avatar_len);
        else if (key_len == 3 && !memcmp(key, "exp", 3)) ok = json_number(&j, &c->exp);
        else if (key_len == 3 && !memcmp(key, "iat", 3)) ok = json_number(&j, &c->iat);
        else ok = *j.p == '"' ? json_string(&j, NULL, 0, NULL) : json_number(&j, NULL);
        if (!ok) return 0;
        ws(&j);
        if (j.p >= j.end) return 0;
        unsigned char d = *j.p++;
        if (d == '}') break;
        if (d != ',') return 0;
    }
    ws(&j);
    return j.p == j.end;
}

uint64_t cchatbot_ref_jwt_verify_loop(cchatbot_ref *ref, const char *token, size_t token_len, int64_t now,
                                      long iterations) {
    uint64_t sum = 0;
    for (long it = 0; it < iterations; it++) {
        const char *d1 = memchr(token, '.', token_len);
        if (!d1) return 0;
        const char *d2 = memchr(d1 + 1, '.', token_len - (d1 + 1 - token));
        if (!d2 || memchr(d2 + 1, '.', token_len - (d2 + 1 - token))) return 0;
        if ((size_t)(d1 - token) != HEADER_LEN || memcmp(token, HEADER, HEADER_LEN)) return 0;
        size_t sig_len = token_len - (d2 + 1 - token);
        if (sig_len != 43) return 0;
        unsigned char mac[32];
        char encoded[44];
        if (!hmac(ref, token, d2 - token, mac)) return 0;
        b64url_encode(mac, 32, encoded);
        if (CRYPTO_memcmp(encoded, d2 + 1, 43)) return 0;
        unsigned char payload[4096];
        long n = b64url_decode(d1 + 1, d2 - d1 - 1, payload);
        if (n < 0) return 0;
        claims_t claims;
        if (!parse_claims(payload, (size_t)n, &claims)) return 0;
        if (claims.exp >= 0 && now >= claims.exp) return 0;
        sum += claims.userid_len + (unsigned char)claims.userid[0];
    }
    return sum;
}

static int fill_random(cchatbot_ref *ref, unsigned char *out) {
    if (ref->random_off + 16 > sizeof ref->random) {
        if (RAND_bytes(ref->random, sizeof ref->random) != 1) return 0;
        ref->random_off = 0;
    }
    memcpy(out, ref->random + ref->random_off, 16);
    OPENSSL_cleanse(ref->random + ref->random_off, 16);
    ref->random_off += 16;
    return 1;
}

static int aes(EVP_CIPHER_CTX *ctx, const unsigned char *iv, unsigned char *buf, int n) {
    int written = 0, final = 0;
    return EVP_CipherInit_ex(ctx, NULL, NULL, NULL, iv, -1) && EVP_CipherUpdate(ctx, buf, &written, buf, n) &&
           EVP_CipherFinal_ex(ctx, buf + written, &final) && written + final == n;
}

uint64_t cchatbot_ref_encrypt_loop(cchatbot_ref *ref, const uint8_t *message, size_t message_len, long iterations) {
    uint64_t sum = 0;
    unsigned char *plain = malloc(message_len + 128);
    for (long it = 0; it < iterations; it++) {
        size_t plain_len = 20 + message_len + ref->appid_len;
        size_t padded = (plain_len / 32 + 1) * 32;
        if (!fill_random(ref, plain)) return 0;
        plain[16] = message_len >> 24;
        plain[17] = message_len >> 16;
        plain[18] = message_len >> 8;
        plain[19] = message_len;
        memcpy(plain + 20, message, message_len);
        memcpy(plain + 20 + message_len, ref->appid, ref->appid_len);
        memset(plain + plain_len, (int)(padded - plain_len), padded - plain_len);
        if (!aes(ref->enc, ref->iv, plain, (int)padded)) return 0;
        int n = EVP_EncodeBlock(ref->out, plain, (int)padded);
        sum += (uint64_t)n + ref->out[0];
    }
    free(plain);
    return sum;
}

uint64_t cchatbot_ref_decrypt_loop(cchatbot_ref *ref, const char *encrypted, size_t encrypted_len, long iterations) {
    uint64_t sum = 0;
    unsigned char *plain = malloc(encrypted_len + 4);
    for (long it = 0; it < iterations; it++) {
        if (encrypted_len % 4) return 0;
        int n = EVP_DecodeBlock(plain, (const unsigned char *)encrypted, (int)encrypted_len);
        if (n < 0) return 0;
        if (encrypted_len >= 1 && encrypted[encrypted_len - 1] == '=') n--;
        if (encrypted_len >= 2 && encrypted[encrypted_len - 2] == '=') n--;
        if (n < 32 || n % 16) return 0;
        if (!aes(ref->dec, ref->iv, plain, n)) return 0;
        int pad = plain[n - 1];
        if (pad < 1 || pad > 32) return 0;
        for (int i = 1; i <= pad; i++)
            if (plain[n - i] != pad) return 0;
        size_t end = (size_t)(n - pad);
        size_t len = (size_t)plain[16] << 24 | (size_t)plain[17] << 16 | (size_t)plain[18] << 8 | plain[19];
        if (20 + len + ref->appid_len != end || memcmp(plain + 20 + len, ref->appid, ref->appid_len)) return 0;
        memcpy(ref->out, plain + 20, len);
        sum += len + ref->out[0];
    }
    free(plain);
    return sum;
}

static int by_bytes(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

uint64_t cchatbot_ref_signature_loop(const char *token, const char *timestamp, const char *nonce,
                                     const char *encrypt, long iterations) {
    static const char hex[] = "0123456789abcdef";
    uint64_t sum = 0;
    for (long it = 0; it < iterations; it++) {
        const char *parts[4] = {token, timestamp, nonce, encrypt};
        qsort(parts, 4, sizeof parts[0], by_bytes);
        unsigned char digest[20];
        char out[41];
        if (!EVP_DigestInit_ex2(md_ctx, sha1, NULL)) return 0;
        for (int i = 0; i < 4; i++)
            if (!EVP_DigestUpdate(md_ctx, parts[i], strlen(parts[i]))) return 0;
        if (!EVP_DigestFinal_ex(md_ctx, digest, NULL)) return 0;
        for (int i = 0; i < 20; i++) out[2 * i] = hex[digest[i] >> 4], out[2 * i + 1] = hex[digest[i] & 15];
        out[40] = 0;
        sum += (unsigned char)out[0] + (unsigned char)out[39];
    }
    return sum;
}
