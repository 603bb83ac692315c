package chatbot_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"chatbotd/clients/go/chatbot"
)

// The reference vectors made with wechatpy and PyJWT, shared with the Swift crypto tests.
type vectors struct {
	Envelopes []struct {
		Name            string `json:"name"`
		EncodingAESKey  string `json:"encoding_aes_key"`
		AppID           string `json:"appid"`
		RandomPrefixHex string `json:"random_prefix_hex"`
		Payload         string `json:"payload"`
		Ciphertext      string `json:"expected_ciphertext_b64"`
		Token           string `json:"token"`
		Timestamp       string `json:"timestamp"`
		Nonce           string `json:"nonce"`
		MsgSignature    string `json:"expected_msg_signature"`
	} `json:"envelopes"`
	JWTs []struct {
		Name       string          `json:"name"`
		Secret     string          `json:"secret"`
		Claims     json.RawMessage `json:"claims"`
		ClaimsJSON string          `json:"claims_json_signed"`
		Token      string          `json:"expected_token"`
	} `json:"jwts"`
}

func loadVectors(t *testing.T) vectors {
	t.Helper()
	path := os.Getenv("CHATBOT_CRYPTO_VECTORS")
	if path == "" {
		path = filepath.Join("..", "..", "..", "Tests", "ChatbotCryptoTests", "Fixtures", "crypto-vectors.json")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading the crypto vectors: %v", err)
	}
	var v vectors
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Envelopes) == 0 || len(v.JWTs) == 0 {
		t.Fatalf("%s has no vectors", path)
	}
	return v
}

func TestEnvelopesMatchWechatpy(t *testing.T) {
	for _, v := range loadVectors(t).Envelopes {
		t.Run(v.Name, func(t *testing.T) {
			c, err := chatbot.NewCrypter(v.EncodingAESKey, v.AppID)
			if err != nil {
				t.Fatal(err)
			}
			var random [16]byte
			if n, err := hex.Decode(random[:], []byte(v.RandomPrefixHex)); err != nil || n != 16 {
				t.Fatalf("random prefix %q: %v", v.RandomPrefixHex, err)
			}
			if got := c.EncryptWithRandom(random, []byte(v.Payload)); got != v.Ciphertext {
				t.Errorf("envelope\n got %s\nwant %s", got, v.Ciphertext)
			}
			plain, err := c.Decrypt(v.Ciphertext)
			if err != nil || string(plain) != v.Payload {
				t.Errorf("Decrypt = %q, %v; want the payload", plain, err)
			}
			if got := chatbot.MsgSignature(v.Token, v.Timestamp, v.Nonce, v.Ciphertext); got != v.MsgSignature {
				t.Errorf("MsgSignature = %s, want %s", got, v.MsgSignature)
			}
		})
	}
}

func TestEncryptUsesFreshRandomBytesAndRoundTrips(t *testing.T) {
	v := loadVectors(t).Envelopes[0]
	c, err := chatbot.NewCrypter(v.EncodingAESKey, v.AppID)
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.Encrypt([]byte(v.Payload))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := c.Encrypt([]byte(v.Payload))
	if a == b {
		t.Error("two envelopes of the same message are equal: the random prefix is not random")
	}
	if plain, err := c.Decrypt(a); err != nil || string(plain) != v.Payload {
		t.Errorf("Decrypt(Encrypt(x)) = %q, %v", plain, err)
	}
	other, _ := chatbot.NewCrypter(v.EncodingAESKey, "wx-another-app")
	if _, err := other.Decrypt(a); err == nil {
		t.Error("an envelope for another appid was accepted")
	}
	if _, err := chatbot.NewCrypter("short", v.AppID); err == nil {
		t.Error("a short EncodingAESKey was accepted")
	}
}

func TestJWTsMatchPyJWT(t *testing.T) {
	for _, v := range loadVectors(t).JWTs {
		t.Run(v.Name, func(t *testing.T) {
			if got := chatbot.SignJWTPayload(v.Secret, []byte(v.ClaimsJSON)); got != v.Token {
				t.Errorf("token\n got %s\nwant %s", got, v.Token)
			}
		})
	}
}

func TestSignJWTEncodesClaimsInFieldOrder(t *testing.T) {
	v := loadVectors(t).JWTs[0] // ASCII claims in the order userid, username, avatar, iat, exp
	var claims chatbot.Claims
	if err := json.NewDecoder(bytes.NewReader(v.Claims)).Decode(&claims); err != nil {
		t.Fatal(err)
	}
	got, err := chatbot.SignJWT(v.Secret, claims)
	if err != nil {
		t.Fatal(err)
	}
	if got != v.Token {
		t.Errorf("token\n got %s\nwant %s", got, v.Token)
	}
}

func TestAutoReplyXML(t *testing.T) {
	v := loadVectors(t).Envelopes[0]
	c, _ := chatbot.NewCrypter(v.EncodingAESKey, v.AppID)
	entry := chatbot.AutoReply{ManagerID: "m1", Skill: "停车", Title: "能停车吗", Content: "<a>x</a> ]]> y",
		Questions: []string{"有停车场吗", "哪里停车"}}
	envelope, err := entry.Seal(c)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := c.Decrypt(envelope)
	if err != nil {
		t.Fatal(err)
	}
	want := "<xml><managerid><![CDATA[m1]]></managerid><skillname><![CDATA[停车]]></skillname>" +
		"<title><![CDATA[能停车吗]]></title><content><![CDATA[<a>x</a> ]]]]><![CDATA[> y]]></content>" +
		"<list><question><![CDATA[有停车场吗]]></question><question><![CDATA[哪里停车]]></question></list></xml>"
	if string(plain) != want {
		t.Errorf("XML\n got %s\nwant %s", plain, want)
	}
}
