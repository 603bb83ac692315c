#include "chatbot/client/crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>

namespace chatbot::client {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kJwtHeader = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";  // {"alg":"HS256","typ":"JWT"}

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

int decode_char(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

// Decodes unpadded standard base64 (any length but 1 mod 4).
std::string decode_unpadded(std::string_view text) {
    if (text.size() % 4 == 1) throw CryptoError("base64: truncated input");
    std::string out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        int v = decode_char(c);
        if (v < 0) throw CryptoError("base64: invalid character");
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xff));
        }
    }
    // Leftover bits are dropped, not checked: an EncodingAESKey's 43rd character usually has some
    // set (Python's b64decode, which the platform's SDKs use, ignores them too).
    return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    std::unique_ptr<EVP_MAC, decltype(&EVP_MAC_free)> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr), EVP_MAC_free);
    if (!mac) throw CryptoError("HMAC is unavailable");
    std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx(EVP_MAC_CTX_new(mac.get()), EVP_MAC_CTX_free);
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_END};
    unsigned char out[32];
    size_t len = 0;
    if (!ctx || !EVP_MAC_init(ctx.get(), bytes(key), key.size(), params) ||
        !EVP_MAC_update(ctx.get(), bytes(data), data.size()) || !EVP_MAC_final(ctx.get(), out, &len, sizeof out)) {
        throw CryptoError("HMAC-SHA256 failed");
    }
    return std::string(reinterpret_cast<char*>(out), len);
}

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

std::string aes_cbc(const std::array<unsigned char, 32>& key, std::string_view in, bool encrypt) {
    CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    std::string out(in.size() + 32, '\0');
    int n = 0, tail = 0;
    auto* o = reinterpret_cast<unsigned char*>(out.data());
    // IV = the first 16 key bytes; the padding is the protocol's (PKCS#7 to 32), not the cipher's.
    if (!ctx || !EVP_CipherInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, key.data(), key.data(), encrypt ? 1 : 0) ||
        !EVP_CIPHER_CTX_set_padding(ctx.get(), 0) ||
        !EVP_CipherUpdate(ctx.get(), o, &n, bytes(in), static_cast<int>(in.size())) ||
        !EVP_CipherFinal_ex(ctx.get(), o + n, &tail)) {
        throw CryptoError(encrypt ? "AES-256-CBC encryption failed" : "AES-256-CBC decryption failed");
    }
    out.resize(static_cast<size_t>(n + tail));
    return out;
}

void append_cdata(std::string& out, std::string_view tag, std::string_view text) {
    out += '<';
    out += tag;
    out += "><![CDATA[";
    for (size_t start = 0;;) {
        size_t end = text.find("]]>", start);
        if (end == std::string_view::npos) {
            out += text.substr(start);
            break;
        }
        out += text.substr(start, end + 2 - start);  // "...]]" then close and reopen before ">"
        out += "]]><![CDATA[";
        start = end + 2;
    }
    out += "]]></";
    out += tag;
    out += '>';
}

}  // namespace

std::string base64_encode(std::string_view in) {
    std::string out(4 * ((in.size() + 2) / 3), '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes(in), static_cast<int>(in.size()));
    out.resize(static_cast<size_t>(n));
    return out;
}

std::string base64url_encode(std::string_view in) {
    std::string out = base64_encode(in);
    while (!out.empty() && out.back() == '=') out.pop_back();
    std::replace(out.begin(), out.end(), '+', '-');
    std::replace(out.begin(), out.end(), '/', '_');
    return out;
}

std::string base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) throw CryptoError("base64: length is not a multiple of 4");
    size_t pad = 0;
    while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
    return decode_unpadded(text.substr(0, text.size() - pad));
}

std::string base64url_decode(std::string_view text) {
    if (text.find_first_of("+/=") != std::string_view::npos) throw CryptoError("base64url: invalid character");
    std::string s(text);
    std::replace(s.begin(), s.end(), '-', '+');
    std::replace(s.begin(), s.end(), '_', '/');
    return decode_unpadded(s);
}

std::string json_quote(std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "\"";
    auto u16 = [&](std::uint32_t unit) {
        out += "\\u";
        for (int shift = 12; shift >= 0; shift -= 4) out += hex[(unit >> shift) & 0xf];
    };
    for (size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            switch (c) {
                case '"': out += "\\\""; break;
                case '\\': out += "\\\\"; break;
                case '\n': out += "\\n"; break;
                case '\r': out += "\\r"; break;
                case '\t': out += "\\t"; break;
                case '\b': out += "\\b"; break;
                case '\f': out += "\\f"; break;
                default:
                    if (c < 0x20 || c == 0x7f) u16(c);
                    else out += static_cast<char>(c);
            }
            ++i;
            continue;
        }
        size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
        if (len == 0 || c > 0xf4 || i + len > s.size()) throw CryptoError("json: invalid UTF-8");
        std::uint32_t cp = c & (0x7f >> len);
        for (size_t k = 1; k < len; ++k) {
            auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xc0) != 0x80) throw CryptoError("json: invalid UTF-8");
            cp = (cp << 6) | (cc & 0x3f);
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            u16(0xd800 | (cp >> 10));
            u16(0xdc00 | (cp & 0x3ff));
        } else {
            u16(cp);
        }
        i += len;
    }
    out += '"';
    return out;
}

std::string claims_json(const Claims& claims) {
    std::string out = "{\"userid\":" + json_quote(claims.userid) + ",\"username\":" + json_quote(claims.username) +
                      ",\"avatar\":" + json_quote(claims.avatar);
    if (claims.iat) out += ",\"iat\":" + std::to_string(*claims.iat);
    if (claims.exp) out += ",\"exp\":" + std::to_string(*claims.exp);
    return out + "}";
}

std::string sign_jwt(std::string_view claims, std::string_view key) {
    std::string signing_input(kJwtHeader);
    signing_input += '.';
    signing_input += base64url_encode(claims);
    std::string mac = hmac_sha256(key, signing_input);
    return signing_input + "." + base64url_encode(mac);
}

std::string sign_jwt(const Claims& claims, std::string_view key) { return sign_jwt(claims_json(claims), key); }

std::string sign_user(std::string_view userid, std::string_view key, std::int64_t ttl_seconds) {
    auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
                   .count();
    Claims claims{std::string(userid), "", "", now, now + ttl_seconds};
    return sign_jwt(claims, key);
}

std::string management_credential(std::string_view managerid, std::string_view key, std::int64_t lifetime_seconds,
                                  std::optional<std::int64_t> now) {
    if (managerid.empty()) throw std::invalid_argument("a management credential needs a managerid");
    if (lifetime_seconds < 1 || lifetime_seconds > kMaxCredentialLifetime)
        throw std::invalid_argument("a management credential lives 1 to " + std::to_string(kMaxCredentialLifetime) +
                                    " seconds, not " + std::to_string(lifetime_seconds));
    std::int64_t iat = now ? *now
                           : std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    std::string claims = "{\"managerid\":" + json_quote(managerid) + ",\"aud\":" + json_quote(kCredentialAudience) +
                         ",\"iat\":" + std::to_string(iat) + ",\"exp\":" + std::to_string(iat + lifetime_seconds) + "}";
    return sign_jwt(claims, key);
}

bool verify_jwt(std::string_view token, std::string_view key, std::string* payload) {
    size_t first = token.find('.');
    size_t last = token.rfind('.');
    if (first == std::string_view::npos || first == last) return false;
    std::string expected = base64url_encode(hmac_sha256(key, token.substr(0, last)));
    std::string_view got = token.substr(last + 1);
    if (got.size() != expected.size() || CRYPTO_memcmp(got.data(), expected.data(), got.size()) != 0) return false;
    try {
        std::string header = base64url_decode(token.substr(0, first));
        if (header.find("\"HS256\"") == std::string::npos) return false;
        if (payload) *payload = base64url_decode(token.substr(first + 1, last - first - 1));
    } catch (const CryptoError&) {
        return false;
    }
    return true;
}

std::string msg_signature(std::string_view token, std::string_view timestamp, std::string_view nonce,
                          std::string_view encrypt) {
    std::array<std::string_view, 4> parts{token, timestamp, nonce, encrypt};
    std::sort(parts.begin(), parts.end());
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    unsigned char digest[20];
    unsigned int len = 0;
    bool ok = ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha1(), nullptr);
    for (auto part : parts) ok = ok && EVP_DigestUpdate(ctx.get(), part.data(), part.size());
    if (!ok || !EVP_DigestFinal_ex(ctx.get(), digest, &len)) throw CryptoError("SHA1 failed");
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 0xf];
    }
    return out;
}

MsgCrypt::MsgCrypt(std::string token, std::string_view encoding_aes_key, std::string appid)
    : token_(std::move(token)), appid_(std::move(appid)) {
    if (encoding_aes_key.size() != 43) throw CryptoError("EncodingAESKey must be 43 characters");
    std::string key = base64_decode(std::string(encoding_aes_key) + "=");
    if (key.size() != key_.size()) throw CryptoError("EncodingAESKey does not decode to 32 bytes");
    std::memcpy(key_.data(), key.data(), key_.size());
}

std::string MsgCrypt::encrypt(std::string_view message) const {
    unsigned char random[16];
    if (RAND_bytes(random, sizeof random) != 1) throw CryptoError("RAND_bytes failed");
    return encrypt(message, std::string_view(reinterpret_cast<char*>(random), sizeof random));
}

std::string MsgCrypt::encrypt(std::string_view message, std::string_view random16) const {
    if (random16.size() != 16) throw CryptoError("the random prefix must be 16 bytes");
    auto n = static_cast<std::uint32_t>(message.size());
    std::string plain(random16);
    plain.reserve(16 + 4 + message.size() + appid_.size() + 32);
    for (int shift = 24; shift >= 0; shift -= 8) plain.push_back(static_cast<char>((n >> shift) & 0xff));
    plain += message;
    plain += appid_;
    size_t pad = 32 - plain.size() % 32;  // 1..32
    plain.append(pad, static_cast<char>(pad));
    return base64_encode(aes_cbc(key_, plain, true));
}

std::string MsgCrypt::decrypt(std::string_view encrypt_b64) const {
    std::string cipher = base64_decode(encrypt_b64);
    if (cipher.empty() || cipher.size() % 16 != 0) throw CryptoError("ciphertext is not whole AES blocks");
    std::string plain = aes_cbc(key_, cipher, false);
    auto pad = static_cast<unsigned char>(plain.back());
    if (pad < 1 || pad > 32 || pad > plain.size()) throw CryptoError("bad padding");
    plain.resize(plain.size() - pad);
    if (plain.size() < 20) throw CryptoError("plaintext too short");
    std::uint32_t n = 0;
    for (int i = 16; i < 20; ++i) n = (n << 8) | static_cast<unsigned char>(plain[i]);
    if (n > plain.size() - 20) throw CryptoError("length prefix exceeds the plaintext");
    if (plain.compare(20 + n, std::string::npos, appid_) != 0) throw CryptoError("envelope is for another appid");
    return plain.substr(20, n);
}

std::string autoreply_xml(std::string_view managerid, std::string_view skillname, std::string_view title,
                          std::string_view content, const std::vector<std::string>& questions) {
    std::string out = "<xml>";
    append_cdata(out, "managerid", managerid);
    append_cdata(out, "skillname", skillname);
    append_cdata(out, "title", title);
    append_cdata(out, "content", content);
    out += "<list>";
    for (const auto& q : questions) append_cdata(out, "question", q);
    out += "</list></xml>";
    return out;
}

}  // namespace chatbot::client
