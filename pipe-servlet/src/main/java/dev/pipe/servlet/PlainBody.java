package dev.pipe.servlet;

import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A request body that is the payload as it is, read straight into the direct chunks lent to the pipe. With the
 * container's buffer reads (Jetty's {@code HttpInput.read(ByteBuffer)}) that is one copy, from the container's buffer
 * into the chunk, and none after it on the way to the n receivers' sockets; through the plain servlet read, one more
 * (an array, then the chunk).
 *
 * <p>While the pipe waits, only the first {@value #EARLY} bytes are read ahead, into a small heap buffer (a waiting
 * sender holds no pooled chunk), so that a client that leaves early is noticed. Once the pipe streams they move into
 * a pooled chunk and reads go there; with a window of two (the sender reads while a chunk is lent) the next chunk is
 * read while the current one is written.
 *
 * <p>Buffers: {@code early} and {@code filling} and {@code spare} are the body's own; {@code lent} is the pipe's
 * until {@link #released()}. Each pooled chunk goes back to the pool exactly once, by {@link #close()} or, when it is
 * lent then, by {@link #released()}. Threads: see {@link Body}.
 */
final class PlainBody implements Body {

    /** How much of the body is read ahead while the pipe waits. */
    static final int EARLY = 64 * 1024;

    private static final ByteBuffer NO_ROOM = ByteBuffer.allocate(0);
    private static final int DRAIN_BUFFER = 8 * 1024;

    private final ServletInputStream in;
    private final Container.BufferReads reads;
    private final DirectBuffers pool;
    private ByteBuffer early;     // while the pipe waits: what is read ahead (heap), until it moves into a chunk
    private ByteBuffer filling;   // once it streams: the chunk being read into
    private ByteBuffer spare;     // a chunk come back while the next was being read (window two)
    private ByteBuffer lent;      // the pipe's, until released
    private byte[] forgotten;     // once closed: what is drained goes here
    private Mode mode = Mode.WAITING;
    private boolean eof;
    private boolean closed;

    PlainBody(ServletInputStream in, Container.BufferReads reads, DirectBuffers pool) {
        this.in = in;
        this.reads = reads != null ? reads : new ArrayReads(in, pool.size());
        this.pool = pool;
    }

    /** Where reads go: the heap read-ahead while the pipe waits, pooled chunks once it streams. */
    private enum Mode { WAITING, STREAMING }

    @Override
    public Fill fill() throws IOException {
        if (eof) {
            return Fill.END;
        }
        ByteBuffer into = target();
        if (!into.hasRemaining()) {
            return Fill.FULL;
        }
        if (Body.finished(in)) {
            eof = true;
            return Fill.END;
        }
        if (!Body.ready(in)) {
            return Fill.NOT_READY;
        }
        if (reads.read(into) < 0) {
            eof = true;
            return Fill.END;
        }
        return Fill.PROGRESS;
    }

    /** The buffer the next read goes into: the heap read-ahead while the pipe waits, else a pooled chunk. */
    private ByteBuffer target() throws IOException {
        if (mode == Mode.WAITING) {
            if (early == null) {
                early = ByteBuffer.allocate(Math.min(EARLY, pool.size()));
            }
            return early;
        }
        promoteEarly();
        if (filling == null) {
            filling = pool.acquire(); // the first read, or the next chunk's while one is lent (window two)
        }
        return filling;
    }

    @Override
    public boolean headersKnown() {
        return true;
    }

    @Override
    public MultipartDecoder form() {
        return null;
    }

    @Override
    public boolean hasChunk() {
        ByteBuffer held = early != null ? early : filling;
        return held != null && held.position() > 0;
    }

    @Override
    public boolean payloadEnded() {
        return eof;
    }

    @Override
    public ByteBuffer lend() throws IOException {
        promoteEarly();
        lent = filling.flip();
        filling = spare;
        spare = null;
        return lent;
    }

    @Override
    public boolean isLent() {
        return lent != null;
    }

    @Override
    public void released() {
        ByteBuffer back = lent.clear();
        lent = null;
        if (closed) {
            pool.release(back);
        } else if (filling == null) {
            filling = back;   // read into it next
        } else {
            spare = back;     // the next is being read: this one after it
        }
    }

    @Override
    public void stream() {
        mode = Mode.STREAMING;
    }

    @Override
    public boolean endsHere() throws IOException {
        if (Body.finished(in)) {
            eof = true;
            return true;
        }
        if (!Body.ready(in)) {
            return false;
        }
        if (reads.read(NO_ROOM) < 0) {
            eof = true;
        }
        return eof;
    }

    /** Moves what was read ahead while the pipe waited into a pooled chunk (empty then, so the order holds). */
    private void promoteEarly() throws IOException {
        if (early == null) {
            return;
        }
        if (filling == null) {
            filling = pool.acquire();
        }
        filling.put(early.flip());
        early = null;
    }

    @Override
    public void close() {
        closed = true;
        early = null;
        if (filling != null) {
            pool.release(filling);
            filling = null;
        }
        if (spare != null) {
            pool.release(spare);
            spare = null;
        }
    }

    @Override
    public int drain() throws IOException {
        if (eof) {
            return -1;
        }
        if (forgotten == null) {
            forgotten = new byte[DRAIN_BUFFER];
        }
        int read = Body.forget(in, forgotten);
        eof = read < 0;
        return read;
    }

    /** The plain servlet read, through an array, for an input without the container's buffer reads. */
    private static final class ArrayReads implements Container.BufferReads {
        private final ServletInputStream in;
        private final byte[] array;

        ArrayReads(ServletInputStream in, int size) {
            this.in = in;
            this.array = new byte[size];
        }

        @Override
        public int read(ByteBuffer into) throws IOException {
            if (into.hasArray()) {
                int read = in.read(into.array(), into.arrayOffset() + into.position(), into.remaining());
                if (read > 0) {
                    into.position(into.position() + read);
                }
                return read;
            }
            int read = in.read(array, 0, Math.min(array.length, into.remaining()));
            if (read > 0) {
                into.put(array, 0, read);
            }
            return read;
        }
    }
}
