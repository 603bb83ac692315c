package chatbot.client;

import chatbot.v1.ChatbotGrpc;
import chatbot.v1.ChatbotOuterClass.QueryRequest;
import chatbot.v1.ChatbotOuterClass.QueryResult;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Sends many queries over one QueryStream with at most {@code maxInFlight} of them sent and not yet
 * answered, so a large batch never piles up in memory on either side. The server answers in order;
 * each QueryResult echoes its request's request_id and holds a response or a per-item error.
 *
 * <pre>{@code
 * List<QueryResult> results = new QueryBatch(ChatbotGrpc.newStub(channel), 64).run(requests.iterator());
 * }</pre>
 */
public final class QueryBatch {
    private final ChatbotGrpc.ChatbotStub stub;
    private final int maxInFlight;
    private volatile int maxObservedInFlight;

    /** stub: an async stub (set a deadline with withDeadlineAfter for the whole batch if you like). */
    public QueryBatch(ChatbotGrpc.ChatbotStub stub, int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1");
        }
        this.stub = stub;
        this.maxInFlight = maxInFlight;
    }

    /** Runs the batch and returns every result, in order. */
    public List<QueryResult> run(Iterator<QueryRequest> requests) throws InterruptedException {
        List<QueryResult> results = new ArrayList<>();
        run(requests, results::add);
        return results;
    }

    /**
     * Runs the batch, handing each result to {@code onResult} (on a gRPC thread, one at a time, in
     * order) as it arrives. Blocks until the server has answered everything; a failure of the
     * stream as a whole is rethrown as the StatusRuntimeException it came as. An exception thrown by
     * {@code onResult} cancels the stream and is rethrown from here unchanged. Each result must echo
     * the request_id of the request sent in its position, and a stream that ends must have answered
     * every request; otherwise IllegalStateException.
     */
    public void run(Iterator<QueryRequest> requests, Consumer<QueryResult> onResult) throws InterruptedException {
        Semaphore slots = new Semaphore(maxInFlight);
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // What went wrong on our side while reading (onResult threw, a result for the wrong
        // request): takes precedence over the CANCELLED status the cancellation brings.
        AtomicReference<RuntimeException> readFailure = new AtomicReference<>();
        Queue<String> pendingIds = new ConcurrentLinkedQueue<>();  // request_ids sent and not yet answered
        AtomicLong answered = new AtomicLong();
        long sent = 0;
        AtomicReference<ClientCallStreamObserver<QueryRequest>> call = new AtomicReference<>();
        maxObservedInFlight = 0;

        stub.queryStream(new ClientResponseObserver<QueryRequest, QueryResult>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<QueryRequest> requestStream) {
                call.set(requestStream);
            }

            @Override
            public void onNext(QueryResult result) {
                if (readFailure.get() != null) {
                    return;  // cancelled; what is still on its way is dropped
                }
                long index = answered.getAndIncrement();
                try {
                    String expected = pendingIds.poll();
                    if (expected == null || !expected.equals(result.getRequestId())) {
                        throw new IllegalStateException("QueryStream result " + index + " echoes request_id \""
                                + result.getRequestId() + "\", "
                                + (expected == null ? "sent for no request" : "want \"" + expected + "\""));
                    }
                    onResult.accept(result);
                } catch (RuntimeException | Error e) {
                    RuntimeException stop = e instanceof RuntimeException ? (RuntimeException) e : new StopBatch((Error) e);
                    if (readFailure.compareAndSet(null, stop)) {
                        call.get().cancel("QueryBatch stopped: " + e, e);
                    }
                } finally {
                    slots.release();
                }
            }

            @Override
            public void onError(Throwable t) {
                failure.compareAndSet(null, t);
                done.countDown();
                slots.release(maxInFlight + 1);
            }

            @Override
            public void onCompleted() {
                // Normally after the last answer; earlier only if the server ends the stream, and
                // then the sender must not wait for slots that will never free up.
                done.countDown();
                slots.release(maxInFlight + 1);
            }
        });

        ClientCallStreamObserver<QueryRequest> requestStream = call.get();
        try {
            while (requests.hasNext() && done.getCount() > 0 && readFailure.get() == null) {
                slots.acquire();
                if (done.getCount() == 0 || readFailure.get() != null) {
                    break;
                }
                QueryRequest request = requests.next();
                int inFlight = (int) (sent + 1 - answered.get());
                if (inFlight > maxObservedInFlight) {
                    maxObservedInFlight = inFlight;
                }
                pendingIds.add(request.getRequestId());  // before the send: its result comes after
                requestStream.onNext(request);
                sent++;
            }
            if (done.getCount() > 0 && readFailure.get() == null) {
                requestStream.onCompleted();
            }
        } catch (RuntimeException e) {
            // After the reader cancelled the call, sending fails ("call was cancelled"): the
            // reader's reason is the one to rethrow, below.
            if (readFailure.get() == null) {
                requestStream.cancel("batch abandoned by the client", e);
                throw e;
            }
        } catch (InterruptedException e) {
            requestStream.cancel("batch abandoned by the client", e);
            throw e;
        }
        done.await();
        RuntimeException stopped = readFailure.get();
        if (stopped instanceof StopBatch) {
            throw ((StopBatch) stopped).error;
        } else if (stopped != null) {
            throw stopped;
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException) {
            throw (RuntimeException) t;
        } else if (t != null) {
            throw new IllegalStateException(t);
        }
        if (answered.get() != sent || requests.hasNext()) {
            throw new IllegalStateException("the server ended the stream after " + answered.get() + " answers to "
                    + sent + " queries sent");
        }
    }

    /** Carries an Error thrown by onResult to run(), which rethrows the Error itself. */
    private static final class StopBatch extends RuntimeException {
        final Error error;

        StopBatch(Error error) {
            super(error);
            this.error = error;
        }
    }

    /** The most requests that were sent and not yet answered at once during the last run. */
    public int maxObservedInFlight() {
        return maxObservedInFlight;
    }

    /** The bound given at construction. */
    public int maxInFlight() {
        return maxInFlight;
    }
}
