package chatbot_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"

	"chatbotd/clients/go/chatbot"
	"chatbotd/clients/go/chatbotv1"
)

// An in-memory QueryStream: serve reads the requests the client sends and writes the results.
type fakeClient struct {
	chatbotv1.ChatbotClient
	serve func(in <-chan *chatbotv1.QueryRequest, out chan<- *chatbotv1.QueryResult)
}

type fakeStream struct {
	grpc.ClientStream
	ctx context.Context
	in  chan *chatbotv1.QueryRequest
	out chan *chatbotv1.QueryResult
}

func (c fakeClient) QueryStream(ctx context.Context, _ ...grpc.CallOption) (chatbotv1.Chatbot_QueryStreamClient, error) {
	s := &fakeStream{ctx: ctx, in: make(chan *chatbotv1.QueryRequest, 10000), out: make(chan *chatbotv1.QueryResult)}
	go func() {
		defer close(s.out)
		c.serve(s.in, s.out)
	}()
	return s, nil
}

func (s *fakeStream) Send(r *chatbotv1.QueryRequest) error {
	select {
	case s.in <- r:
		return nil
	case <-s.ctx.Done():
		return io.EOF
	}
}

func (s *fakeStream) CloseSend() error { close(s.in); return nil }

func (s *fakeStream) Recv() (*chatbotv1.QueryResult, error) {
	select {
	case r, ok := <-s.out:
		if !ok {
			return nil, io.EOF
		}
		return r, nil
	case <-s.ctx.Done():
		return nil, s.ctx.Err()
	}
}

func echo(r *chatbotv1.QueryRequest) *chatbotv1.QueryResult {
	return &chatbotv1.QueryResult{RequestId: r.RequestId,
		Result: &chatbotv1.QueryResult_Response{Response: &chatbotv1.QueryResponse{Query: r.Query}}}
}

func requests(n int) []*chatbotv1.QueryRequest {
	reqs := make([]*chatbotv1.QueryRequest, n)
	for i := range reqs {
		reqs[i] = &chatbotv1.QueryRequest{Query: fmt.Sprint("q", i)}
	}
	return reqs
}

func TestQueryBatchNeverExceedsMaxInFlight(t *testing.T) {
	const limit = 8
	outstanding, peak := 0, 0
	// Reads greedily and answers only when the client stops sending, so the client's bound is
	// the only thing that limits how many requests pile up here.
	client := fakeClient{serve: func(in <-chan *chatbotv1.QueryRequest, out chan<- *chatbotv1.QueryResult) {
		var queue []*chatbotv1.QueryRequest
		for open := true; open || len(queue) > 0; {
			select {
			case r, ok := <-in:
				if !ok {
					open, in = false, nil
					continue
				}
				queue = append(queue, r)
				if outstanding++; outstanding > peak {
					peak = outstanding
				}
			case <-time.After(time.Millisecond):
				if len(queue) > 0 {
					out <- echo(queue[0])
					queue, outstanding = queue[1:], outstanding-1
				}
			}
		}
	}}
	results, stats, err := chatbot.QueryAll(context.Background(), client, requests(300), chatbot.BatchOptions{MaxInFlight: limit})
	if err != nil {
		t.Fatal(err)
	}
	if peak > limit || stats.PeakInFlight > limit || peak < 2 {
		t.Errorf("the server saw %d outstanding, the client counted %d; bound %d", peak, stats.PeakInFlight, limit)
	}
	for i, r := range results {
		if r.RequestId != fmt.Sprint(i) || r.GetResponse().GetQuery() != fmt.Sprint("q", i) {
			t.Fatalf("result %d = %v", i, r)
		}
	}
	if len(results) != 300 || stats.Sent != 300 || stats.Received != 300 {
		t.Errorf("%d results, stats %+v", len(results), stats)
	}
}

func echoAll(in <-chan *chatbotv1.QueryRequest, out chan<- *chatbotv1.QueryResult) {
	for r := range in {
		out <- echo(r)
	}
}

func withinASecond(t *testing.T, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("QueryBatch did not return")
	}
}

func TestQueryBatchStopsWhenHandleFails(t *testing.T) {
	stop := errors.New("enough")
	reqs := make(chan *chatbotv1.QueryRequest)
	go func() { // an endless source: only QueryBatch stopping ends the test
		for i := 0; ; i++ {
			reqs <- &chatbotv1.QueryRequest{Query: "x"}
		}
	}()
	withinASecond(t, func() {
		handled := 0
		_, err := chatbot.QueryBatch(context.Background(), fakeClient{serve: echoAll}, reqs, chatbot.BatchOptions{MaxInFlight: 4},
			func(*chatbotv1.QueryResult) error {
				if handled++; handled == 5 {
					return stop
				}
				return nil
			})
		if !errors.Is(err, stop) || handled != 5 {
			t.Errorf("err %v after %d results; want %v after 5", err, handled, stop)
		}
	})
}

func TestQueryBatchRejectsAWrongEcho(t *testing.T) {
	swap := fakeClient{serve: func(in <-chan *chatbotv1.QueryRequest, out chan<- *chatbotv1.QueryResult) {
		for r := range in {
			r.RequestId += "?"
			out <- echo(r)
		}
	}}
	withinASecond(t, func() {
		_, _, err := chatbot.QueryAll(context.Background(), swap, requests(10), chatbot.BatchOptions{})
		if err == nil || !strings.Contains(err.Error(), `echoes request_id "0?", want "0"`) {
			t.Errorf("err = %v", err)
		}
	})
}

func TestQueryBatchNoticesUnansweredRequests(t *testing.T) {
	short := fakeClient{serve: func(in <-chan *chatbotv1.QueryRequest, out chan<- *chatbotv1.QueryResult) {
		out <- echo(<-in) // answers one, then ends the stream
	}}
	withinASecond(t, func() {
		_, _, err := chatbot.QueryAll(context.Background(), short, requests(3), chatbot.BatchOptions{MaxInFlight: 3})
		if err == nil || !strings.Contains(err.Error(), "ended before") {
			t.Errorf("err = %v", err)
		}
	})
}
