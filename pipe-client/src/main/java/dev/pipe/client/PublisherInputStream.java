package dev.pipe.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;

/**
 * A {@link Flow.Publisher} of buffers read as a stream: one buffer is asked for at a time, and the next only once
 * the reader has taken every byte of the one before, so that the publisher goes at the pace of the pipe. The
 * reader's thread blocks in {@link #read}; the publisher's signals may come on any thread.
 */
final class PublisherInputStream extends BulkInputStream {

    private static final Object END = new Object();

    private final BlockingQueue<Object> signals = new ArrayBlockingQueue<>(2); // a buffer, then END or an error
    private volatile Flow.Subscription subscription;
    private ByteBuffer current;
    private boolean ended;

    PublisherInputStream(Flow.Publisher<ByteBuffer> publisher) {
        publisher.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(1);
            }

            @Override
            public void onNext(ByteBuffer item) {
                signals.add(item);
            }

            @Override
            public void onError(Throwable failure) {
                signals.add(failure);
            }

            @Override
            public void onComplete() {
                signals.add(END);
            }
        });
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (!ended && (current == null || !current.hasRemaining())) {
            if (current != null) {
                current = null;
                subscription.request(1); // the buffer before is all read: the next one
            }
            Object signal;
            try {
                signal = signals.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the publisher", e);
            }
            if (signal == END) {
                ended = true;
            } else if (signal instanceof Throwable failure) {
                throw new IOException("the publisher failed: " + failure, failure);
            } else {
                current = (ByteBuffer) signal;
            }
        }
        if (ended) {
            return -1;
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
    }

    @Override
    public void close() {
        Flow.Subscription s = subscription;
        if (s != null && !ended) {
            s.cancel();
        }
    }
}
