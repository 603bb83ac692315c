// The C reference for bench/crypto: the same work as ChatbotCrypto, written the way a careful C
// programmer would with OpenSSL 3: algorithms fetched once, contexts keyed once and reused, the
// random prefix from a pooled buffer, results written into caller-provided buffers.
#pragma once
#include <stddef.h>
#include <stdint.h>

typedef struct cchatbot_ref cchatbot_ref;

/// Keys a reference context with a 43-character EncodingAESKey and an appid; NULL on failure.
cchatbot_ref *cchatbot_ref_new(const char *encoding_aes_key, const char *appid);
void cchatbot_ref_free(cchatbot_ref *ref);

/// Each loop runs `iterations` operations and returns a checksum (so nothing is optimised away),
/// or 0 when an operation failed.
uint64_t cchatbot_ref_jwt_sign_loop(cchatbot_ref *ref, const uint8_t *claims, size_t claims_len, long iterations);
uint64_t cchatbot_ref_jwt_verify_loop(cchatbot_ref *ref, const char *token, size_t token_len, int64_t now,
                                      long iterations);
uint64_t cchatbot_ref_encrypt_loop(cchatbot_ref *ref, const uint8_t *message, size_t message_len, long iterations);
uint64_t cchatbot_ref_decrypt_loop(cchatbot_ref *ref, const char *encrypted, size_t encrypted_len, long iterations);
uint64_t cchatbot_ref_signature_loop(const char *token, const char *timestamp, const char *nonce,
                                     const char *encrypt, long iterations);
