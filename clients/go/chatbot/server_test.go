package chatbot_test

// Tests against a running chatbotd. They read the server and the bot from the environment and
// skip when CHATBOT_ADDR is unset; Tests/interop/test_client_go.py sets everything:
//
//	CHATBOT_ADDR       host:port of chatbotd (gRPC, h2c)
//	CHATBOT_TOKEN      the bot's token
//	CHATBOT_APPID      the bot's appid
//	CHATBOT_AES_KEY    the bot's 43-character EncodingAESKey
//	CHATBOT_MANAGERID  a manager of the bot (chatbotctl bots add-manager)
//	CHATBOT_QUESTION   a standard question of the bot's published knowledge base
//	CHATBOT_ANSWER     its answer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"chatbotd/clients/go/chatbot"
	"chatbotd/clients/go/chatbotv1"
)

type testServer struct {
	client                                          chatbotv1.ChatbotClient
	raw                                             chatbotv1.ChatbotClient // without WithErrcodes
	token, appid, aesKey, manager, question, answer string
}

var (
	serverOnce sync.Once
	shared     *testServer
	sharedErr  error
)

func server(t *testing.T) *testServer {
	t.Helper()
	addr := os.Getenv("CHATBOT_ADDR")
	if addr == "" {
		t.Skip("CHATBOT_ADDR is not set: no chatbotd to test against")
	}
	serverOnce.Do(func() {
		s := &testServer{}
		vars := map[string]*string{"CHATBOT_TOKEN": &s.token, "CHATBOT_APPID": &s.appid,
			"CHATBOT_AES_KEY": &s.aesKey, "CHATBOT_MANAGERID": &s.manager,
			"CHATBOT_QUESTION": &s.question, "CHATBOT_ANSWER": &s.answer}
		for name, field := range vars {
			if *field = os.Getenv(name); *field == "" {
				sharedErr = fmt.Errorf("CHATBOT_ADDR is set but %s is not", name)
				return
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		conn, err := grpc.DialContext(ctx, addr, grpc.WithInsecure(), grpc.WithBlock(), chatbot.WithErrcodes())
		if err != nil {
			sharedErr = fmt.Errorf("dialing %s: %w", addr, err)
			return
		}
		raw, err := grpc.DialContext(ctx, addr, grpc.WithInsecure(), grpc.WithBlock())
		if err != nil {
			sharedErr = fmt.Errorf("dialing %s: %w", addr, err)
			return
		}
		s.client, s.raw = chatbotv1.NewChatbotClient(conn), chatbotv1.NewChatbotClient(raw)
		shared = s
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return shared
}

func callContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func (s *testServer) signature(t *testing.T, userid string) string {
	t.Helper()
	sig, err := chatbot.SignJWT(s.aesKey, chatbot.NewClaims(userid, 2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

func TestSignRPCIssuesAJWTOfTheBotKey(t *testing.T) {
	s := server(t)
	ctx := callContext(t)
	resp, err := s.client.Sign(ctx, &chatbotv1.SignRequest{Token: s.token, Userid: "go-sign", Username: "Go"})
	if err != nil {
		t.Fatal(err)
	}
	if resp.ExpiresIn != 7200 {
		t.Errorf("expires_in = %d, want 7200", resp.ExpiresIn)
	}
	// The server's signature is the one our signing computes over its header and claims.
	parts := strings.Split(resp.Signature, ".")
	if len(parts) != 3 {
		t.Fatalf("signature %q is not a JWT", resp.Signature)
	}
	claims, err := base64URL(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(claims), `"userid":"go-sign"`) {
		t.Errorf("claims %s lack the userid", claims)
	}
	if !verifyHS256(s.aesKey, resp.Signature) {
		t.Errorf("the server's signature does not verify with the bot key")
	}
	if parts[0] == jwtHeaderSegment && chatbot.SignJWTPayload(s.aesKey, claims) != resp.Signature {
		t.Errorf("signing the server's claims locally gives another token")
	}
	answer, err := s.client.Query(ctx, &chatbotv1.QueryRequest{Token: s.token, Signature: resp.Signature, Query: s.question})
	if err != nil {
		t.Fatal(err)
	}
	if answer.FromUserName != "go-sign" || answer.Answer != s.answer {
		t.Errorf("Query with the Sign signature: from %q answer %q", answer.FromUserName, answer.Answer)
	}
}

func TestQueryWithALocalSignature(t *testing.T) {
	s := server(t)
	resp, err := s.client.Query(callContext(t), &chatbotv1.QueryRequest{
		Token: s.token, Signature: s.signature(t, "go-local"), Query: s.question})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != chatbotv1.MatchStatus_MATCH_STATUS_FAQ || resp.Confidence != 1 || resp.Answer != s.answer {
		t.Errorf("got status %v confidence %v answer %q; want FAQ, 1, %q", resp.Status, resp.Confidence, resp.Answer, s.answer)
	}
	if resp.FromUserName != "go-local" || resp.ToUserName != s.appid || resp.AnsNodeId <= 0 {
		t.Errorf("from %q to %q ans_node_id %d", resp.FromUserName, resp.ToUserName, resp.AnsNodeId)
	}
	if len(resp.Msg) != 1 || resp.Msg[0].Content != resp.Answer {
		t.Errorf("msg[] = %v, want one element mirroring the answer", resp.Msg)
	}
}

func TestQueryStreamBatchOf10000WithBoundedInFlight(t *testing.T) {
	s := server(t)
	const count, limit = 10000, 64
	sig := s.signature(t, "go-batch")
	reqs := make([]*chatbotv1.QueryRequest, count)
	for i := range reqs {
		reqs[i] = &chatbotv1.QueryRequest{Token: s.token, Signature: sig, Query: s.question, RequestId: fmt.Sprintf("q%d", i)}
		if i%1000 == 999 {
			reqs[i].Token = "no-such-token"
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	start := time.Now()
	results, stats, err := chatbot.QueryAll(ctx, s.client, reqs, chatbot.BatchOptions{MaxInFlight: limit})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d queries in %v, peak in flight %d", count, time.Since(start), stats.PeakInFlight)
	if len(results) != count || stats.Sent != count || stats.Received != count {
		t.Fatalf("%d results, stats %+v; want %d", len(results), stats, count)
	}
	if stats.PeakInFlight > limit || stats.PeakInFlight < 2 {
		t.Errorf("peak in flight %d, want 2..%d", stats.PeakInFlight, limit)
	}
	for i, r := range results {
		if want := fmt.Sprintf("q%d", i); r.RequestId != want {
			t.Fatalf("result %d has request_id %q, want %q", i, r.RequestId, want)
		}
		if i%1000 == 999 {
			if r.GetError().GetErrcode() != 1001 {
				t.Fatalf("result %d = %v, want errcode 1001", i, r)
			}
		} else if r.GetResponse().GetAnswer() != s.answer {
			t.Fatalf("result %d = %v, want the answer", i, r)
		}
	}
}

func TestQueryBatchStreamsFromAChannel(t *testing.T) {
	s := server(t)
	sig := s.signature(t, "go-channel")
	reqs := make(chan *chatbotv1.QueryRequest)
	go func() {
		defer close(reqs)
		for i := 0; i < 100; i++ {
			reqs <- &chatbotv1.QueryRequest{Token: s.token, Signature: sig, Query: s.question}
		}
	}()
	next := 0
	stats, err := chatbot.QueryBatch(callContext(t), s.client, reqs, chatbot.BatchOptions{MaxInFlight: 4},
		func(r *chatbotv1.QueryResult) error {
			if r.RequestId != fmt.Sprint(next) { // ids given by QueryBatch: 0, 1, …
				return fmt.Errorf("result %d has request_id %q", next, r.RequestId)
			}
			next++
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Received != 100 || next != 100 || stats.PeakInFlight > 4 {
		t.Errorf("stats %+v, handled %d", stats, next)
	}
}

func TestSetAutoReplyThenFoundInDebug(t *testing.T) {
	s := server(t)
	ctx := callContext(t)
	crypter, err := chatbot.NewCrypter(s.aesKey, s.appid)
	if err != nil {
		t.Fatal(err)
	}
	entry := chatbot.AutoReply{ManagerID: s.manager, Skill: "go-client", Title: "Go 客户端怎么安装",
		Content:   fmt.Sprintf("运行 clients/go/vendor-debian，然后 go build。(%d)", time.Now().UnixNano()),
		Questions: []string{"怎么装 Go 客户端", "Go client install"}}
	envelope, err := entry.Seal(crypter)
	if err != nil {
		t.Fatal(err)
	}
	set, err := s.client.SetAutoReply(ctx, &chatbotv1.EncryptedRequest{Token: s.token, Encrypt: envelope})
	if err != nil {
		t.Fatal(err)
	}
	if set.AnsNodeId <= 0 {
		t.Fatalf("ans_node_id = %d", set.AnsNodeId)
	}
	resp, err := s.client.Query(ctx, &chatbotv1.QueryRequest{Token: s.token, Signature: s.signature(t, "go-admin"),
		Query: "怎么装 Go 客户端", Env: chatbotv1.Env_ENV_DEBUG})
	if err != nil {
		t.Fatal(err)
	}
	if resp.AnsNodeId != set.AnsNodeId || resp.Answer != entry.Content || resp.Title != entry.Title || resp.AnsNodeName != entry.Skill {
		t.Errorf("debug query found %d %q %q %q; want %d %q", resp.AnsNodeId, resp.AnsNodeName, resp.Title, resp.Answer,
			set.AnsNodeId, entry.Content)
	}
}

func TestRefusalsCarryStatusAndErrcode(t *testing.T) {
	s := server(t)
	expired, _ := chatbot.SignJWT(s.aesKey, chatbot.Claims{UserID: "u", ExpiresAt: time.Now().Add(-time.Minute).Unix()})
	otherApp, _ := chatbot.NewCrypter(s.aesKey, "wx-not-this-bot")
	wrongAppEnvelope, _ := chatbot.AutoReply{ManagerID: s.manager, Skill: "x", Title: "y", Content: "z"}.Seal(otherApp)
	query := func(token, sig string) func(context.Context, chatbotv1.ChatbotClient, ...grpc.CallOption) error {
		return func(ctx context.Context, c chatbotv1.ChatbotClient, opts ...grpc.CallOption) error {
			_, err := c.Query(ctx, &chatbotv1.QueryRequest{Token: token, Signature: sig, Query: s.question}, opts...)
			return err
		}
	}
	setAutoReply := func(envelope string) func(context.Context, chatbotv1.ChatbotClient, ...grpc.CallOption) error {
		return func(ctx context.Context, c chatbotv1.ChatbotClient, opts ...grpc.CallOption) error {
			_, err := c.SetAutoReply(ctx, &chatbotv1.EncryptedRequest{Token: s.token, Encrypt: envelope}, opts...)
			return err
		}
	}
	cases := []struct {
		name    string
		call    func(context.Context, chatbotv1.ChatbotClient, ...grpc.CallOption) error
		code    codes.Code
		errcode int
	}{
		{"wrong token", query("no-such-token", s.signature(t, "u")), codes.Unauthenticated, 1001},
		{"empty signature", query(s.token, ""), codes.InvalidArgument, 1004},
		{"expired signature", query(s.token, expired), codes.Unauthenticated, 1005},
		{"signature of another key", query(s.token, chatbot.SignJWTPayload("another-key-another-key-another-key-abcdefg",
			[]byte(`{"userid":"u"}`))), codes.Unauthenticated, 1005},
		{"garbage envelope", setAutoReply("not an envelope"), codes.InvalidArgument, 1013},
		{"envelope for another appid", setAutoReply(wrongAppEnvelope), codes.InvalidArgument, 1013},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := callContext(t)
			// Through WithErrcodes: an *Error that still carries the gRPC status.
			err := c.call(ctx, s.client)
			code, ok := chatbot.Errcode(err)
			if status.Code(err) != c.code || !ok || code != c.errcode {
				t.Fatalf("got %v (status %v, errcode %d %v); want %v / %d", err, status.Code(err), code, ok, c.code, c.errcode)
			}
			var e *chatbot.Error
			if !errors.As(err, &e) || e.Message() == "" {
				t.Errorf("%v has no errmsg", err)
			}
			// Without the interceptor: the trailer, read by hand.
			var trailer metadata.MD
			err = chatbot.WithErrcode(c.call(ctx, s.raw, grpc.Trailer(&trailer)), trailer)
			if code, _ := chatbot.Errcode(err); status.Code(err) != c.code || code != c.errcode {
				t.Errorf("without the interceptor: %v, trailer %v", err, trailer)
			}
		})
	}
}

func TestManagementCallsNeedTheCredential(t *testing.T) {
	s := server(t)
	creds := chatbot.ManagementCredentials{EncodingAESKey: s.aesKey, ManagerID: s.manager}
	publish := func(ctx context.Context, opts ...grpc.CallOption) error {
		_, err := s.client.Publish(ctx, &chatbotv1.PublishRequest{Token: s.token}, opts...)
		return err
	}
	ctx := callContext(t)
	task, err := s.client.Publish(ctx, &chatbotv1.PublishRequest{Token: s.token}, grpc.PerRPCCredentials(creds))
	if err != nil {
		t.Fatalf("Publish with the credential: %v", err)
	}
	if task.TaskId == "" {
		t.Fatal("Publish returned no task id")
	}
	progressOf := func(ctx context.Context, opts ...grpc.CallOption) error {
		_, err := s.client.PublishProgress(ctx, &chatbotv1.PublishProgressRequest{Token: s.token, TaskId: task.TaskId}, opts...)
		return err
	}
	progress, err := s.client.PublishProgress(ctx, &chatbotv1.PublishProgressRequest{Token: s.token, TaskId: task.TaskId},
		grpc.PerRPCCredentials(creds))
	if err != nil {
		t.Fatalf("PublishProgress with the credential: %v", err)
	}
	if progress.Progress != 100 || !progress.Done {
		t.Errorf("progress %d done %v, want 100 and done", progress.Progress, progress.Done)
	}
	// The same calls without the credential, and with one for a managerid the bot does not have.
	stranger := chatbot.ManagementCredentials{EncodingAESKey: s.aesKey, ManagerID: "not-a-manager"}
	otherKey := chatbot.ManagementCredentials{EncodingAESKey: "another-key-another-key-another-key-abcdefg", ManagerID: s.manager}
	expired, err := chatbot.ManagementCredentialAt(s.aesKey, s.manager, 0, time.Now().Add(-2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	withExpired := metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+expired)
	publishExpired := func(_ context.Context, opts ...grpc.CallOption) error { return publish(withExpired, opts...) }
	cases := []struct {
		name    string
		call    func(context.Context, ...grpc.CallOption) error
		opts    []grpc.CallOption
		code    codes.Code
		errcode int
	}{
		{"Publish without a credential", publish, nil, codes.Unauthenticated, 1005},
		{"PublishProgress without a credential", progressOf, nil, codes.Unauthenticated, 1005},
		{"Publish for another managerid", publish, []grpc.CallOption{grpc.PerRPCCredentials(stranger)},
			codes.PermissionDenied, 1015},
		{"PublishProgress for another managerid", progressOf, []grpc.CallOption{grpc.PerRPCCredentials(stranger)},
			codes.PermissionDenied, 1015},
		{"Publish with another bot's key", publish, []grpc.CallOption{grpc.PerRPCCredentials(otherKey)},
			codes.Unauthenticated, 1005},
		{"Publish with an expired credential", publishExpired, nil, codes.Unauthenticated, 1005},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.call(callContext(t), c.opts...)
			code, ok := chatbot.Errcode(err)
			if status.Code(err) != c.code || !ok || code != c.errcode {
				t.Fatalf("got %v (status %v, errcode %d %v); want %v / %d", err, status.Code(err), code, ok, c.code, c.errcode)
			}
		})
	}
}
