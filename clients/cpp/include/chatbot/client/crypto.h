// The platform's client-side crypto, with OpenSSL 3 (EVP): HS256 JWTs for the dialogue calls and
// for the management call credential, and WXBizMsgCrypt envelopes for the management and
// customer-service calls. No gRPC here.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace chatbot::client {

// Malformed input (bad base64, a key that is not 43 characters, an envelope that does not decrypt).
class CryptoError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

std::string base64_encode(std::string_view bytes);
std::string base64url_encode(std::string_view bytes);  // no padding, as in JWTs
std::string base64_decode(std::string_view text);      // standard alphabet, padded; throws CryptoError
std::string base64url_decode(std::string_view text);   // unpadded; throws CryptoError

// A JSON string literal, escaped like Python's json.dumps(ensure_ascii=True): everything outside
// printable ASCII as \uXXXX (UTF-16 surrogate pairs above the BMP). Throws on invalid UTF-8.
std::string json_quote(std::string_view utf8);

// The claims the platform signs (/openapi/sign). Empty username/avatar are still written, as the
// platform does; iat/exp only when set.
struct Claims {
    std::string userid;
    std::string username;
    std::string avatar;
    std::optional<std::int64_t> iat;
    std::optional<std::int64_t> exp;
};

// Compact JSON in the key order userid, username, avatar, iat, exp (what PyJWT produces for the
// same dict), so tokens match the reference vectors byte for byte.
std::string claims_json(const Claims& claims);

// header.payload.signature with header {"alg":"HS256","typ":"JWT"}; key = the bot's 43-character
// EncodingAESKey used as UTF-8 text (not base64-decoded).
std::string sign_jwt(std::string_view claims_json, std::string_view encoding_aes_key);
std::string sign_jwt(const Claims& claims, std::string_view encoding_aes_key);

// A signature for `userid` valid for `ttl_seconds` from now (iat = now, exp = now + ttl).
std::string sign_user(std::string_view userid, std::string_view encoding_aes_key, std::int64_t ttl_seconds = 7200);

// The management call credential, which chatbotd asks for on Publish, PublishProgress,
// GetKefuState, ChangeKefuState and SubscribeOutbox as the metadata `authorization: Bearer <it>`
// (add_management_credential in client.h puts it on a call): an HS256 JWT keyed like sign_jwt with
// the claims {"managerid":…,"aud":"chatbotd","iat":now,"exp":now+lifetime_seconds}, written as
// PyJWT writes them. `now` (seconds since the epoch) defaults to the clock. Throws
// std::invalid_argument for an empty managerid or a lifetime outside 1..kMaxCredentialLifetime
// seconds, which the server would refuse. A missing, expired or wrongly keyed credential is refused
// with UNAUTHENTICATED and errcode 1005, a managerid the bot does not have with PERMISSION_DENIED
// and errcode 1015.
inline constexpr std::string_view kCredentialAudience = "chatbotd";
inline constexpr std::int64_t kCredentialLifetime = 600;
inline constexpr std::int64_t kMaxCredentialLifetime = 3600;
std::string management_credential(std::string_view managerid, std::string_view encoding_aes_key,
                                  std::int64_t lifetime_seconds = kCredentialLifetime,
                                  std::optional<std::int64_t> now = std::nullopt);

// True when `token` is an HS256 JWT whose signature checks with `key` (no claim checks); the
// decoded payload goes to *payload when given.
bool verify_jwt(std::string_view token, std::string_view encoding_aes_key, std::string* payload = nullptr);

// Lowercase hex SHA1 of the ascending-sorted concatenation of the four strings (msg_signature).
std::string msg_signature(std::string_view token, std::string_view timestamp, std::string_view nonce,
                          std::string_view encrypt);

// WXBizMsgCrypt: AES-256-CBC, key = base64decode(EncodingAESKey + "="), IV = key[0..16), plaintext
// = 16 random bytes | uint32 big-endian length | message | appid, PKCS#7 to 32 bytes, base64.
class MsgCrypt {
  public:
    // Throws CryptoError unless encoding_aes_key decodes to 32 bytes.
    MsgCrypt(std::string token, std::string_view encoding_aes_key, std::string appid);

    // With 16 fresh random bytes (RAND_bytes).
    std::string encrypt(std::string_view message) const;
    // With the given 16 bytes: the same output as wechatpy's PrpCrypto for the same bytes.
    std::string encrypt(std::string_view message, std::string_view random16) const;
    // The message; throws CryptoError if it does not decrypt or was made for another appid.
    std::string decrypt(std::string_view encrypt_b64) const;

    std::string signature(std::string_view timestamp, std::string_view nonce, std::string_view encrypt) const {
        return msg_signature(token_, timestamp, nonce, encrypt);
    }
    const std::array<unsigned char, 32>& aes_key() const { return key_; }
    const std::string& appid() const { return appid_; }

  private:
    std::string token_;
    std::string appid_;
    std::array<unsigned char, 32> key_{};
};

// The setautoreply body: <xml> with managerid, skillname, title, content and <list> of similar
// questions, each in CDATA (a "]]>" inside a value is split across two sections).
std::string autoreply_xml(std::string_view managerid, std::string_view skillname, std::string_view title,
                          std::string_view content, const std::vector<std::string>& questions = {});

}  // namespace chatbot::client
