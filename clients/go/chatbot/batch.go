package chatbot

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"chatbotd/clients/go/chatbotv1"
)

// DefaultMaxInFlight is the in-flight bound of a batch whose options leave it zero.
const DefaultMaxInFlight = 128

// BatchOptions tune QueryBatch.
type BatchOptions struct {
	// MaxInFlight bounds the queries sent and not yet answered; 0 means DefaultMaxInFlight.
	MaxInFlight int
}

// BatchStats tell what a batch did.
type BatchStats struct {
	Sent, Received int
	// PeakInFlight is the most queries that were outstanding at once (≤ MaxInFlight).
	PeakInFlight int
}

// QueryBatch sends every request read from reqs (until it is closed) over one QueryStream and
// hands each result to handle, in order, as it arrives. At most MaxInFlight queries are
// outstanding at any time: the next one is sent only when a result has freed its place, so
// memory and server load stay bounded however long the batch is.
//
// A request with an empty RequestId gets its sequence number (from "0"); QueryBatch sets it on
// the request itself. Every result must echo the RequestId of the request sent in its position,
// or QueryBatch fails. A failed query is a result whose GetError() carries the errcode; the batch
// itself fails only when the stream does (an *Error when the server sent an errcode), when handle
// returns an error, or when ctx ends.
func QueryBatch(ctx context.Context, client chatbotv1.ChatbotClient, reqs <-chan *chatbotv1.QueryRequest,
	opts BatchOptions, handle func(*chatbotv1.QueryResult) error) (stats BatchStats, err error) {
	limit := opts.MaxInFlight
	if limit <= 0 {
		limit = DefaultMaxInFlight
	}
	ctx, cancel := context.WithCancel(ctx)
	stream, err := client.QueryStream(ctx)
	if err != nil {
		cancel()
		return stats, err
	}

	slots := make(chan struct{}, limit) // one per query sent and not yet answered
	pending := make(chan string, limit) // their request ids, in the order sent
	sendDone := make(chan error, 1)     // the sender's outcome, written once
	var sent, peak int                  // the sender's; read after sendDone
	go func() {
		defer close(pending)
		sendDone <- func() error {
			for {
				var req *chatbotv1.QueryRequest
				var ok bool
				select {
				case req, ok = <-reqs:
				case <-ctx.Done():
					return ctx.Err()
				}
				if !ok {
					return stream.CloseSend()
				}
				select {
				case slots <- struct{}{}:
				case <-ctx.Done():
					return ctx.Err()
				}
				if n := len(slots); n > peak {
					peak = n
				}
				if req.RequestId == "" {
					req.RequestId = strconv.Itoa(sent)
				}
				pending <- req.RequestId // never blocks: it holds no more ids than slots
				if err := stream.Send(req); err != nil {
					// io.EOF: the stream ended; Recv tells why.
					if err == io.EOF {
						return nil
					}
					return err
				}
				sent++
			}
		}()
	}()
	// Stops the sender and waits for it; the first call's answer is kept.
	senderFinished, sendErr := false, error(nil)
	stopSender := func() error {
		if !senderFinished {
			cancel()
			sendErr, senderFinished = <-sendDone, true
			stats.Sent, stats.PeakInFlight = sent, peak
		}
		return sendErr
	}
	defer stopSender()

	for {
		result, recvErr := stream.Recv()
		if recvErr == io.EOF {
			break
		}
		if recvErr != nil {
			return stats, WithErrcode(recvErr, stream.Trailer())
		}
		id, ok := <-pending
		if !ok {
			return stats, fmt.Errorf("chatbot: QueryStream sent result %q for no request", result.RequestId)
		}
		if result.RequestId != id {
			return stats, fmt.Errorf("chatbot: QueryStream result %d echoes request_id %q, want %q",
				stats.Received, result.RequestId, id)
		}
		<-slots
		stats.Received++
		if err := handle(result); err != nil {
			return stats, err
		}
	}
	// The server ended the stream: normally after our CloseSend, with every query answered.
	if err := stopSender(); err != nil {
		return stats, fmt.Errorf("chatbot: QueryStream ended before every request was sent: %w", err)
	}
	if id, ok := <-pending; ok {
		return stats, fmt.Errorf("chatbot: QueryStream ended before answering request_id %q", id)
	}
	return stats, nil
}

// QueryAll is QueryBatch over a slice: it returns the results in the order of reqs.
func QueryAll(ctx context.Context, client chatbotv1.ChatbotClient, reqs []*chatbotv1.QueryRequest,
	opts BatchOptions) ([]*chatbotv1.QueryResult, BatchStats, error) {
	feed := make(chan *chatbotv1.QueryRequest)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(feed)
		for _, req := range reqs {
			select {
			case feed <- req:
			case <-ctx.Done():
				return
			}
		}
	}()
	results := make([]*chatbotv1.QueryResult, 0, len(reqs))
	stats, err := QueryBatch(ctx, client, feed, opts, func(r *chatbotv1.QueryResult) error {
		results = append(results, r)
		return nil
	})
	return results, stats, err
}
