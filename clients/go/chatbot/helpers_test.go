package chatbot_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

const jwtHeaderSegment = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" // {"alg":"HS256","typ":"JWT"}

func base64URL(segment string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(segment)
}

// verifyHS256 checks a JWT's signature over its received segments.
func verifyHS256(key, token string) bool {
	dot := strings.LastIndexByte(token, '.')
	if dot < 0 {
		return false
	}
	got, err := base64URL(token[dot+1:])
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(token[:dot]))
	return hmac.Equal(got, mac.Sum(nil))
}
