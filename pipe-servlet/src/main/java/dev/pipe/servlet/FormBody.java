package dev.pipe.servlet;

import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A {@code multipart/form-data} request body (an HTML form) whose payload is its first file part: the raw body is
 * read into an array of the chunk size (at most {@value #MAX_ARRAY} bytes), since the {@link MultipartDecoder} works
 * on arrays and picks the payload out as regions of that same array, without a copy; each region is copied once
 * into a direct chunk when it is lent (a heap buffer would be copied once per receiver, into the JDK's temporary
 * direct buffer, on every socket write).
 * What comes before the file (fields, a preamble) is decoded and forgotten, up to {@link #MAX_BEFORE_PAYLOAD}; what
 * comes after it is read and forgotten.
 *
 * <p>The array: raw bytes in {@code [0, filled)}, of which the decoder has consumed {@code [0, decoded)}; the payload
 * found and not yet lent is {@code [payloadFrom, payloadTo)} within them. Decoding pauses while such a payload waits
 * to be lent; reading goes on into the free end. Buffers: the array is the body's own; the direct chunk is the pipe's
 * while lent, and goes back to the pool exactly once. Threads: see {@link Body}.
 */
final class FormBody implements Body {

    /** How much of a form may come before its file: fields and preamble are read and forgotten, but not forever. */
    static final long MAX_BEFORE_PAYLOAD = 1024 * 1024;
    /**
     * The largest array a form is read into, whatever the chunk size: a form's sender holds it from its first byte,
     * while its pipe waits too, so a large chunk (the standalone server's 1 MiB) does not make waiting forms larger.
     */
    static final int MAX_ARRAY = 256 * 1024;

    private final ServletInputStream in;
    private final MultipartDecoder form;
    private final DirectBuffers pool;
    private final byte[] array;
    private ByteBuffer chunk;      // the direct chunk regions are copied into: from the pool at the first lend
    private boolean lent;          // the pipe holds chunk
    private boolean closed;
    private boolean eof;           // the request body is all read
    private boolean payloadEnded;  // every payload byte has been found
    private boolean stalled;       // the decoder needs more bytes than those it has
    private long beforePayload;    // raw bytes decoded before the payload's headers
    private int filled;
    private int decoded;
    private int payloadFrom;
    private int payloadTo;

    FormBody(ServletInputStream in, MultipartDecoder form, DirectBuffers pool) {
        this.in = in;
        this.form = form;
        this.pool = pool;
        this.array = new byte[Math.min(pool.size(), MAX_ARRAY)];
    }

    @Override
    public Fill fill() throws IOException {
        if (payloadTo == payloadFrom) {
            // no payload waits to be lent: decode what is read
            if (!payloadEnded && decoded < filled && !stalled) {
                decode();
                return Fill.PROGRESS;
            }
            if (eof) {
                if (!payloadEnded) {
                    form.finish(); // throws: the form ended before its file did
                }
                return Fill.END;
            }
        } else if (eof) {
            return Fill.END;
        } else if (filled == array.length) {
            return Fill.FULL;
        }
        return read();
    }

    /** Reads what is there into the free end of the array. */
    private Fill read() throws IOException {
        if (filled == array.length) {
            if (decoded == 0) {
                throw new IOException("the form's decoder made no progress in a full buffer");
            }
            compact();
        }
        if (Body.finished(in)) {
            eof = true;
            return Fill.PROGRESS; // fill() decides what the end means
        }
        if (!Body.ready(in)) {
            return Fill.NOT_READY;
        }
        int read;
        try {
            read = in.read(array, filled, array.length - filled);
        } catch (IOException x) {
            if (payloadEnded) {
                // every payload byte is in: what is lost is the rest of the form, which nobody reads
                eof = true;
                return Fill.END;
            }
            throw x;
        }
        if (read < 0) {
            eof = true;
        } else if (!payloadEnded) {
            filled += read;
            stalled = false;
        } // else: after the payload, read and forgotten
        return Fill.PROGRESS;
    }

    /** Feeds the bytes not yet decoded to the decoder, and notes the payload it found. */
    private void decode() throws MultipartException {
        int consumed = form.decode(array, decoded, filled);
        decoded += consumed;
        if (!form.headersKnown() && (beforePayload += consumed) > MAX_BEFORE_PAYLOAD) {
            throw new MultipartException("The form's file does not start within its first "
                    + MAX_BEFORE_PAYLOAD / (1024 * 1024) + " MiB.");
        }
        if (form.hasPayload()) {
            if (form.payloadArray() != array) {
                // the form's only field is the payload: the form has ended, every raw byte is consumed
                int length = form.payloadTo() - form.payloadFrom();
                if (length > array.length) {
                    throw new MultipartException("The form's text field is over " + array.length + " bytes: send it"
                            + " as a file.");
                }
                System.arraycopy(form.payloadArray(), form.payloadFrom(), array, 0, length);
                filled = decoded = length;
                payloadFrom = 0;
                payloadTo = length;
            } else {
                payloadFrom = form.payloadFrom();
                payloadTo = form.payloadTo();
            }
        }
        payloadEnded = form.payloadEnded();
        if (payloadEnded && payloadTo == payloadFrom) {
            filled = decoded = 0;
        }
        stalled = consumed == 0 && !form.hasPayload();
    }

    /** Moves what the decoder left (a possible delimiter, bytes after the payload) to the front. */
    private void compact() {
        System.arraycopy(array, decoded, array, 0, filled - decoded);
        filled -= decoded;
        decoded = 0;
    }

    @Override
    public boolean headersKnown() {
        return form.headersKnown();
    }

    @Override
    public MultipartDecoder form() {
        return form;
    }

    @Override
    public boolean hasChunk() {
        return payloadTo > payloadFrom;
    }

    @Override
    public boolean payloadEnded() {
        return payloadEnded;
    }

    @Override
    public ByteBuffer lend() throws IOException {
        if (chunk == null) {
            chunk = pool.acquire();
        }
        chunk.clear();
        chunk.put(array, payloadFrom, payloadTo - payloadFrom).flip();
        payloadFrom = payloadTo = 0;
        compact(); // the array is free again: the next chunk is read into it while this one is written
        lent = true;
        return chunk;
    }

    @Override
    public boolean isLent() {
        return lent;
    }

    @Override
    public void released() {
        lent = false;
        if (closed) {
            giveBack();
        }
    }

    @Override
    public void stream() {
        // nothing changes: the array is read as far as it goes whether the pipe waits or streams
    }

    @Override
    public boolean endsHere() throws IOException {
        if (Body.finished(in) || Body.ready(in) && in.read(array, filled, 0) < 0) {
            eof = true;
        }
        return eof;
    }

    @Override
    public void close() {
        closed = true;
        if (!lent) {
            giveBack();
        }
    }

    @Override
    public int drain() throws IOException {
        if (eof) {
            return -1;
        }
        int read = Body.forget(in, array); // the array is no longer decoded: it holds what is forgotten
        eof = read < 0;
        return read;
    }

    private void giveBack() {
        if (chunk != null) {
            pool.release(chunk);
            chunk = null;
        }
    }
}
