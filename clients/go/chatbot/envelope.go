package chatbot

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Crypter builds and opens WXBizMsgCrypt envelopes for one bot: AES-256-CBC with the key decoded
// from the EncodingAESKey and its first 16 bytes as IV, over 16 random bytes, the message length
// (uint32 big-endian), the message and the appid, PKCS#7-padded to 32 bytes, in base64. The
// output is byte-for-byte what wechatpy and the platform's WXBizMsgCrypt produce given the same
// random bytes. A Crypter is safe for concurrent use.
type Crypter struct {
	block cipher.Block
	iv    []byte
	appid string
}

const envelopeBlock = 32

// NewCrypter checks the 43-character EncodingAESKey and returns a Crypter for the bot's appid.
func NewCrypter(encodingAESKey, appid string) (*Crypter, error) {
	if len(encodingAESKey) != 43 {
		return nil, fmt.Errorf("chatbot: EncodingAESKey must be 43 characters, got %d", len(encodingAESKey))
	}
	key, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil {
		return nil, fmt.Errorf("chatbot: EncodingAESKey is not base64: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return &Crypter{block: block, iv: key[:aes.BlockSize], appid: appid}, nil
}

// Encrypt seals message with 16 fresh random bytes and returns the base64 envelope, the value of
// EncryptedRequest.encrypt.
func (c *Crypter) Encrypt(message []byte) (string, error) {
	var random [16]byte
	if _, err := rand.Read(random[:]); err != nil {
		return "", err
	}
	return c.EncryptWithRandom(random, message), nil
}

// EncryptWithRandom is Encrypt with the 16 leading bytes given: for reproducible envelopes and
// tests against reference vectors.
func (c *Crypter) EncryptWithRandom(random [16]byte, message []byte) string {
	plain := make([]byte, 0, len(random)+4+len(message)+len(c.appid)+envelopeBlock)
	plain = append(plain, random[:]...)
	plain = binary.BigEndian.AppendUint32(plain, uint32(len(message)))
	plain = append(plain, message...)
	plain = append(plain, c.appid...)
	pad := envelopeBlock - len(plain)%envelopeBlock
	plain = append(plain, bytes.Repeat([]byte{byte(pad)}, pad)...)
	cipher.NewCBCEncrypter(c.block, c.iv).CryptBlocks(plain, plain)
	return base64.StdEncoding.EncodeToString(plain)
}

// Decrypt opens a base64 envelope and returns the message, after checking that it was sealed for
// this Crypter's appid.
func (c *Crypter) Decrypt(envelope string) ([]byte, error) {
	data, err := base64.StdEncoding.DecodeString(envelope)
	if err != nil {
		return nil, fmt.Errorf("chatbot: envelope is not base64: %w", err)
	}
	if len(data) == 0 || len(data)%aes.BlockSize != 0 {
		return nil, errors.New("chatbot: envelope is not a whole number of AES blocks")
	}
	plain := make([]byte, len(data))
	cipher.NewCBCDecrypter(c.block, c.iv).CryptBlocks(plain, data)
	pad := int(plain[len(plain)-1])
	if pad < 1 || pad > envelopeBlock || pad > len(plain) {
		return nil, errors.New("chatbot: envelope has bad padding")
	}
	plain = plain[:len(plain)-pad]
	if len(plain) < 20 {
		return nil, errors.New("chatbot: envelope is too short")
	}
	n := binary.BigEndian.Uint32(plain[16:20])
	if uint64(n) > uint64(len(plain)-20) {
		return nil, errors.New("chatbot: envelope length prefix exceeds its content")
	}
	message, appid := plain[20:20+n], string(plain[20+n:])
	if appid != c.appid {
		return nil, fmt.Errorf("chatbot: envelope is for appid %q, not %q", appid, c.appid)
	}
	return message, nil
}

// MsgSignature is the platform's msg_signature: the lowercase hex SHA1 of token, timestamp,
// nonce and the envelope, sorted ascending and concatenated.
func MsgSignature(token, timestamp, nonce, envelope string) string {
	parts := []string{token, timestamp, nonce, envelope}
	sort.Strings(parts)
	sum := sha1.Sum([]byte(strings.Join(parts, "")))
	return hex.EncodeToString(sum[:])
}
