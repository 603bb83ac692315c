package chatbot

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"time"
)

// Claims are the claims of a dialogue signature, as the platform's sign operation issues them.
// The server requires UserID; IssuedAt and ExpiresAt are optional (seconds since the epoch) and
// an expired signature is refused with errcode 1005.
type Claims struct {
	UserID    string `json:"userid"`
	Username  string `json:"username,omitempty"`
	Avatar    string `json:"avatar,omitempty"`
	IssuedAt  int64  `json:"iat,omitempty"`
	ExpiresAt int64  `json:"exp,omitempty"`
}

// NewClaims returns claims for userid issued now and valid for ttl (7200 s is the platform's).
func NewClaims(userid string, ttl time.Duration) Claims {
	now := time.Now()
	return Claims{UserID: userid, IssuedAt: now.Unix(), ExpiresAt: now.Add(ttl).Unix()}
}

// The header PyJWT and the platform write; its base64url form is fixed.
var jwtHeader = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))

// SignJWT signs claims as an HS256 JWT. The key is the bot's 43-character EncodingAESKey used as
// text (its UTF-8 bytes), not the AES key it decodes to. claims is usually a Claims, but any
// value that encodes to a JSON object will do.
func SignJWT(encodingAESKey string, claims any) (string, error) {
	var payload bytes.Buffer
	encoder := json.NewEncoder(&payload)
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(claims); err != nil {
		return "", err
	}
	return SignJWTPayload(encodingAESKey, bytes.TrimSuffix(payload.Bytes(), []byte("\n"))), nil
}

// SignJWTPayload signs claims already serialised as JSON, byte for byte.
func SignJWTPayload(encodingAESKey string, claimsJSON []byte) string {
	signingInput := jwtHeader + "." + base64.RawURLEncoding.EncodeToString(claimsJSON)
	mac := hmac.New(sha256.New, []byte(encodingAESKey))
	mac.Write([]byte(signingInput))
	return signingInput + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}
