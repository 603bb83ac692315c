package chatbot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"google.golang.org/grpc/credentials"
)

// The management call credential. chatbotd serves its management RPCs (Publish, PublishProgress,
// GetKefuState, ChangeKefuState, SubscribeOutbox) only to calls that carry the metadata
//
//	authorization: Bearer <HS256 JWT keyed with the bot's EncodingAESKey>
//
// with the claims of ManagementClaims. A missing, expired or wrongly keyed credential is refused
// with codes.Unauthenticated and errcode 1005; a managerid that is not one of the bot's managers
// with codes.PermissionDenied and errcode 1015.
const (
	// CredentialAudience is the aud claim of a management call credential.
	CredentialAudience = "chatbotd"
	// DefaultCredentialLifetime is how long a credential lives when no lifetime is given.
	DefaultCredentialLifetime = 600 * time.Second
	// MaxCredentialLifetime is the longest lifetime (exp - iat) the server accepts.
	MaxCredentialLifetime = time.Hour
)

// ManagementClaims are the claims of a management call credential, in the order they are
// signed: the manager, the audience "chatbotd", and the issue and expiry times (seconds since the
// epoch).
type ManagementClaims struct {
	ManagerID string `json:"managerid"`
	Audience  string `json:"aud"`
	IssuedAt  int64  `json:"iat"`
	ExpiresAt int64  `json:"exp"`
}

// ManagementCredential makes the management call credential for managerID: an HS256 JWT keyed
// with the bot's 43-character EncodingAESKey (as text, like SignJWT), issued now and valid for
// lifetime (0 means DefaultCredentialLifetime). It fails for an empty managerID or a lifetime
// outside 1 s to MaxCredentialLifetime, which the server would refuse.
func ManagementCredential(encodingAESKey, managerID string, lifetime time.Duration) (string, error) {
	return ManagementCredentialAt(encodingAESKey, managerID, lifetime, time.Now())
}

// ManagementCredentialAt is ManagementCredential issued at now (truncated to the second).
func ManagementCredentialAt(encodingAESKey, managerID string, lifetime time.Duration, now time.Time) (string, error) {
	if managerID == "" {
		return "", errors.New("chatbot: a management credential needs a managerid")
	}
	if lifetime == 0 {
		lifetime = DefaultCredentialLifetime
	}
	if lifetime < time.Second || lifetime > MaxCredentialLifetime {
		return "", fmt.Errorf("chatbot: a management credential lives 1 s to %v, not %v", MaxCredentialLifetime, lifetime)
	}
	issued := now.Unix()
	return SignJWT(encodingAESKey, ManagementClaims{ManagerID: managerID, Audience: CredentialAudience,
		IssuedAt: issued, ExpiresAt: issued + int64(lifetime/time.Second)})
}

// ManagementCredentials puts a fresh management call credential on each call it is given to:
//
//	creds := chatbot.ManagementCredentials{EncodingAESKey: key, ManagerID: "manager-1"}
//	task, err := client.Publish(ctx, &chatbotv1.PublishRequest{Token: token}, grpc.PerRPCCredentials(creds))
//
// It works over plaintext h2c (RequireTransportSecurity is false: TLS, when there is any, is the
// proxy's in front of chatbotd). Give it per call rather than to the whole connection with
// grpc.WithPerRPCCredentials, so that dialogue calls do not carry it.
type ManagementCredentials struct {
	EncodingAESKey string
	ManagerID      string
	// Lifetime of each credential; 0 means DefaultCredentialLifetime.
	Lifetime time.Duration
}

var _ credentials.PerRPCCredentials = ManagementCredentials{}

// GetRequestMetadata returns the authorization metadata with a credential made now.
func (c ManagementCredentials) GetRequestMetadata(ctx context.Context, uri ...string) (map[string]string, error) {
	token, err := ManagementCredential(c.EncodingAESKey, c.ManagerID, c.Lifetime)
	if err != nil {
		return nil, err
	}
	return map[string]string{"authorization": "Bearer " + token}, nil
}

// RequireTransportSecurity is false: chatbotd serves h2c and the credential is made for it.
func (ManagementCredentials) RequireTransportSecurity() bool { return false }
