package chatbot

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// ErrcodeTrailer is the trailer in which chatbotd sends the platform's errcode of a failed call.
const ErrcodeTrailer = "chatbot-errcode"

// Error is a failed call with the platform's errcode, e.g. 1001 (token invalid) with
// codes.Unauthenticated. It keeps the gRPC status: status.Code(err) and status.FromError(err)
// work on it as on the error grpc returned.
type Error struct {
	Errcode int
	status  *status.Status
}

func (e *Error) Error() string {
	return fmt.Sprintf("chatbot: errcode %d: %s (%s)", e.Errcode, e.status.Message(), e.status.Code())
}

// GRPCStatus returns the call's gRPC status.
func (e *Error) GRPCStatus() *status.Status { return e.status }

// Code returns the call's gRPC status code.
func (e *Error) Code() codes.Code { return e.status.Code() }

// Message returns the server's errmsg.
func (e *Error) Message() string { return e.status.Message() }

// WithErrcode turns err, a call's error, into an *Error when the call's trailer carries an
// errcode; otherwise it returns err unchanged. Use it with grpc.Trailer, or with a stream's
// Trailer() after Recv failed.
func WithErrcode(err error, trailer metadata.MD) error {
	if err == nil {
		return nil
	}
	values := trailer.Get(ErrcodeTrailer)
	if len(values) == 0 {
		return err
	}
	code, convErr := strconv.Atoi(values[0])
	if convErr != nil {
		return err
	}
	s, _ := status.FromError(err)
	return &Error{Errcode: code, status: s}
}

// Errcode returns the platform errcode carried by err, if err is (or wraps) an *Error.
func Errcode(err error) (int, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.Errcode, true
	}
	return 0, false
}

// WithErrcodes is a dial option that makes every unary call on the connection return an *Error
// when the server sent an errcode trailer.
func WithErrcodes() grpc.DialOption {
	return grpc.WithChainUnaryInterceptor(ErrcodeInterceptor)
}

// ErrcodeInterceptor is the unary client interceptor behind WithErrcodes.
func ErrcodeInterceptor(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn,
	invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	var trailer metadata.MD
	err := invoker(ctx, method, req, reply, cc, append(opts, grpc.Trailer(&trailer))...)
	return WithErrcode(err, trailer)
}
