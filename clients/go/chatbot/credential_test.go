package chatbot_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"chatbotd/clients/go/chatbot"
)

const credentialKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"

// PyJWT 2.15.1: jwt.encode({"managerid": "manager-1", "aud": "chatbotd", "iat": 1700000000,
// "exp": 1700000600}, credentialKey, algorithm="HS256"); clients/python/tests/test_crypto.py
// checks the same token.
const pyjwtCredential = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." +
	"eyJtYW5hZ2VyaWQiOiJtYW5hZ2VyLTEiLCJhdWQiOiJjaGF0Ym90ZCIsImlhdCI6MTcwMDAwMDAwMCwiZXhwIjoxNzAwMDAwNjAwfQ." +
	"5oVutmKXAjWBHYqAJZeAACneJBN7uKacaonSZbKIGr0"

// credentialClaims checks token's header and signature with key and returns its claims.
func credentialClaims(t *testing.T, key, token string) chatbot.ManagementClaims {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 || parts[0] != jwtHeaderSegment {
		t.Fatalf("%q is not a JWT with the header {\"alg\":\"HS256\",\"typ\":\"JWT\"}", token)
	}
	if !verifyHS256(key, token) {
		t.Fatalf("%q does not verify with the key", token)
	}
	payload, err := base64URL(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	decoder := json.NewDecoder(strings.NewReader(string(payload)))
	decoder.DisallowUnknownFields()
	var claims chatbot.ManagementClaims
	if err := decoder.Decode(&claims); err != nil {
		t.Fatalf("claims %s: %v", payload, err)
	}
	return claims
}

func TestManagementCredentialMatchesPyJWT(t *testing.T) {
	token, err := chatbot.ManagementCredentialAt(credentialKey, "manager-1", 0, time.Unix(1700000000, 0))
	if err != nil {
		t.Fatal(err)
	}
	if token != pyjwtCredential {
		t.Errorf("credential\n got %s\nwant %s", token, pyjwtCredential)
	}
	payload, _ := base64URL(strings.Split(token, ".")[1])
	if want := `{"managerid":"manager-1","aud":"chatbotd","iat":1700000000,"exp":1700000600}`; string(payload) != want {
		t.Errorf("claims\n got %s\nwant %s", payload, want)
	}
	want := chatbot.ManagementClaims{ManagerID: "manager-1", Audience: "chatbotd", IssuedAt: 1700000000, ExpiresAt: 1700000600}
	if got := credentialClaims(t, credentialKey, token); got != want {
		t.Errorf("claims %+v, want %+v", got, want)
	}
	if verifyHS256("another-key-another-key-another-key-abcdefg", token) {
		t.Error("the credential verifies with another key")
	}
}

func TestManagementCredentialRefusesWhatTheServerWould(t *testing.T) {
	for _, lifetime := range []time.Duration{-time.Second, 500 * time.Millisecond, time.Hour + time.Second, 2 * time.Hour} {
		if _, err := chatbot.ManagementCredential(credentialKey, "m", lifetime); err == nil {
			t.Errorf("lifetime %v was accepted", lifetime)
		}
	}
	if _, err := chatbot.ManagementCredential(credentialKey, "", 0); err == nil {
		t.Error("an empty managerid was accepted")
	}
	token, err := chatbot.ManagementCredential(credentialKey, "m", chatbot.MaxCredentialLifetime)
	if err != nil {
		t.Fatal(err)
	}
	if c := credentialClaims(t, credentialKey, token); c.ExpiresAt-c.IssuedAt != 3600 {
		t.Errorf("claims %+v: want an hour", c)
	}
}

func TestManagementCredentialsPutABearerOnEachCall(t *testing.T) {
	creds := chatbot.ManagementCredentials{EncodingAESKey: credentialKey, ManagerID: "经理-1"}
	if creds.RequireTransportSecurity() {
		t.Error("RequireTransportSecurity is true: chatbotd serves h2c")
	}
	before := time.Now().Unix()
	md, err := creds.GetRequestMetadata(context.Background(), "chatbot.v1.Chatbot")
	if err != nil {
		t.Fatal(err)
	}
	if len(md) != 1 || !strings.HasPrefix(md["authorization"], "Bearer ") {
		t.Fatalf("metadata %v, want only authorization: Bearer …", md)
	}
	c := credentialClaims(t, credentialKey, strings.TrimPrefix(md["authorization"], "Bearer "))
	if c.ManagerID != "经理-1" || c.Audience != "chatbotd" || c.IssuedAt < before || c.IssuedAt > time.Now().Unix() ||
		c.ExpiresAt-c.IssuedAt != 600 {
		t.Errorf("claims %+v", c)
	}
	if _, err := (chatbot.ManagementCredentials{EncodingAESKey: credentialKey}).GetRequestMetadata(context.Background()); err == nil {
		t.Error("credentials without a managerid made metadata")
	}
}
