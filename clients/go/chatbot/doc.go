// Package chatbot is the small hand-written help around the generated chatbotd stubs
// (package chatbotv1): HS256 signatures for the dialogue calls, WXBizMsgCrypt envelopes for the
// encrypted operations, the management call credential (ManagementCredentials) for Publish and
// the other management RPCs, the platform errcode of a failed call, and a QueryStream batch helper
// that keeps a bounded number of queries in flight.
//
//	conn, _ := grpc.Dial(addr, grpc.WithInsecure(), chatbot.WithErrcodes())
//	client := chatbotv1.NewChatbotClient(conn)
//	sig, _ := chatbot.SignJWT(bot.EncodingAESKey, chatbot.Claims{UserID: "user-1"})
//	resp, err := client.Query(ctx, &chatbotv1.QueryRequest{Token: bot.Token, Signature: sig, Query: "…"})
//	if code, ok := chatbot.Errcode(err); ok { … } // e.g. 1001 for an unknown token
//	creds := chatbot.ManagementCredentials{EncodingAESKey: bot.EncodingAESKey, ManagerID: "manager-1"}
//	task, err := client.Publish(ctx, &chatbotv1.PublishRequest{Token: bot.Token}, grpc.PerRPCCredentials(creds))
package chatbot
