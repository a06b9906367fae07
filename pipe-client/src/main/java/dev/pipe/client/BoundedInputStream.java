package dev.pipe.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A body of {@code length} bytes ({@code Content-Length}), or up to the end of the connection when the length is not
 * known (-1); an {@link EOFException} when the connection ends before {@code length} bytes.
 */
final class BoundedInputStream extends BulkInputStream {

    private final InputStream in;
    private long left;

    BoundedInputStream(InputStream in, long length) {
        this.in = in;
        this.left = length;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (left == 0) {
            return -1;
        }
        int n = in.read(b, off, left < 0 ? len : (int) Math.min(len, left));
        if (n < 0) {
            if (left > 0) {
                throw new EOFException("the response ended " + left + " bytes short of its Content-Length");
            }
            return -1;
        }
        if (left > 0) {
            left -= n;
        }
        return n;
    }
}
