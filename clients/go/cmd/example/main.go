// Command example shows the Go client against a running chatbotd: the Sign RPC, a Query signed
// locally, SetAutoReply with an envelope built here (when a manager is given), a QueryStream
// batch with a bounded number in flight, and a refusal with its errcode. Each step prints one
// JSON line.
//
//	go run ./cmd/example -addr 127.0.0.1:8080 -token T -appid A -aes-key K -manager M -query '怎么申请退款'
//
// Every flag defaults to its environment variable (CHATBOT_ADDR, CHATBOT_TOKEN, CHATBOT_APPID,
// CHATBOT_AES_KEY, CHATBOT_MANAGERID, CHATBOT_QUESTION).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/status"

	"chatbotd/clients/go/chatbot"
	"chatbotd/clients/go/chatbotv1"
)

func main() {
	env := func(name, fallback string) string {
		if v := os.Getenv(name); v != "" {
			return v
		}
		return fallback
	}
	addr := flag.String("addr", env("CHATBOT_ADDR", "127.0.0.1:8080"), "chatbotd host:port")
	token := flag.String("token", env("CHATBOT_TOKEN", ""), "the bot's token")
	appid := flag.String("appid", env("CHATBOT_APPID", ""), "the bot's appid")
	aesKey := flag.String("aes-key", env("CHATBOT_AES_KEY", ""), "the bot's EncodingAESKey")
	manager := flag.String("manager", env("CHATBOT_MANAGERID", ""), "a manager id, for SetAutoReply (skipped when empty)")
	question := flag.String("query", env("CHATBOT_QUESTION", "你好"), "the question to ask")
	batch := flag.Int("batch", 1000, "queries in the QueryStream batch")
	inFlight := flag.Int("in-flight", 32, "most batch queries outstanding at once")
	flag.Parse()
	if *token == "" || *aesKey == "" {
		log.Fatal("example: -token and -aes-key (or CHATBOT_TOKEN and CHATBOT_AES_KEY) are required")
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := grpc.DialContext(ctx, *addr, grpc.WithInsecure(), grpc.WithBlock(), chatbot.WithErrcodes())
	if err != nil {
		log.Fatalf("example: dialing %s: %v", *addr, err)
	}
	defer conn.Close()
	client := chatbotv1.NewChatbotClient(conn)

	// 1. The server signs...
	signed, err := client.Sign(ctx, &chatbotv1.SignRequest{Token: *token, Userid: "example-user"})
	check("sign", err)
	report("sign", map[string]any{"signature": signed.Signature, "expires_in": signed.ExpiresIn})

	// 2. ...or we sign locally with the bot's key, and ask.
	sig, err := chatbot.SignJWT(*aesKey, chatbot.NewClaims("example-user", 2*time.Hour))
	check("local sign", err)
	answer, err := client.Query(ctx, &chatbotv1.QueryRequest{Token: *token, Signature: sig, Query: *question})
	check("query", err)
	report("query", map[string]any{"status": answer.Status.String(), "title": answer.Title, "answer": answer.Answer,
		"confidence": answer.Confidence})

	// 3. A manager adds an FAQ entry through an envelope; it is found in the draft (env debug).
	if *manager != "" {
		crypter, err := chatbot.NewCrypter(*aesKey, *appid)
		check("crypter", err)
		entry := chatbot.AutoReply{ManagerID: *manager, Skill: "example", Title: "示例问题是什么",
			Content: "这是 Go 示例添加的答案。", Questions: []string{"Go 示例的问题"}}
		envelope, err := entry.Seal(crypter)
		check("envelope", err)
		set, err := client.SetAutoReply(ctx, &chatbotv1.EncryptedRequest{Token: *token, Encrypt: envelope})
		check("setautoreply", err)
		found, err := client.Query(ctx, &chatbotv1.QueryRequest{Token: *token, Signature: sig, Query: "Go 示例的问题",
			Env: chatbotv1.Env_ENV_DEBUG})
		check("query debug", err)
		report("setautoreply", map[string]any{"ans_node_id": set.AnsNodeId, "found": found.AnsNodeId == set.AnsNodeId,
			"answer": found.Answer})
	}

	// 4. A batch over one QueryStream, never more than -in-flight outstanding.
	reqs := make(chan *chatbotv1.QueryRequest)
	go func() {
		defer close(reqs)
		for i := 0; i < *batch; i++ {
			reqs <- &chatbotv1.QueryRequest{Token: *token, Signature: sig, Query: *question, RequestId: fmt.Sprintf("b%d", i)}
		}
	}()
	answered, failed := 0, 0
	start := time.Now()
	stats, err := chatbot.QueryBatch(ctx, client, reqs, chatbot.BatchOptions{MaxInFlight: *inFlight},
		func(r *chatbotv1.QueryResult) error {
			if r.GetError() != nil {
				failed++
			} else {
				answered++
			}
			return nil
		})
	check("batch", err)
	report("batch", map[string]any{"sent": stats.Sent, "answered": answered, "failed": failed,
		"peak_in_flight": stats.PeakInFlight, "seconds": time.Since(start).Seconds()})

	// 5. A refusal: the gRPC status and the platform's errcode.
	_, err = client.Query(ctx, &chatbotv1.QueryRequest{Token: "no-such-token", Signature: sig, Query: *question})
	code, _ := chatbot.Errcode(err)
	report("refusal", map[string]any{"status": status.Code(err).String(), "errcode": code, "error": fmt.Sprint(err)})
}

func check(step string, err error) {
	if err != nil {
		code, _ := chatbot.Errcode(err)
		log.Fatalf("example: %s failed: %v (status %s, errcode %d)", step, err, status.Code(err), code)
	}
}

func report(step string, fields map[string]any) {
	fields["step"] = step
	line, _ := json.Marshal(fields)
	fmt.Println(string(line))
}
