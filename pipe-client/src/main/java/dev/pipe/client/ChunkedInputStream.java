package dev.pipe.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * An HTTP/1.1 chunked body (RFC 9112 section 7.1): the chunks' data, -1 after the last chunk and its trailers, and an
 * {@link EOFException} when the connection ends before them, which is how a server says the transfer was cut off.
 */
final class ChunkedInputStream extends BulkInputStream {

    private final InputStream in;
    private long left;       // data bytes left in the current chunk
    private boolean ended;   // the last chunk and its trailers were read
    private boolean owesCrlf; // a chunk's data was read; its CRLF is read before the next size (a server may send it
                              // only with the next chunk, and the data must not wait for it)

    ChunkedInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (ended) {
            return -1;
        }
        if (left == 0) {
            if (owesCrlf && !line().isEmpty()) {
                throw new IOException("a chunk is not followed by CRLF");
            }
            owesCrlf = false;
            left = size();
            if (left == 0) {
                while (!line().isEmpty()) {
                    // trailers: none are used
                }
                ended = true;
                return -1;
            }
        }
        int n = in.read(b, off, (int) Math.min(len, left));
        if (n < 0) {
            throw new EOFException("the response ended inside a chunk");
        }
        left -= n;
        owesCrlf = left == 0;
        return n;
    }

    private long size() throws IOException {
        String line = line();
        int semicolon = line.indexOf(';');
        String hex = (semicolon < 0 ? line : line.substring(0, semicolon)).trim();
        try {
            return Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
            throw new IOException("a chunk size is not hexadecimal: " + hex);
        }
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); ; c = in.read()) {
            if (c < 0) {
                throw new EOFException("the response ended before its last chunk");
            }
            if (c == '\n') {
                int end = line.length() > 0 && line.charAt(line.length() - 1) == '\r' ? line.length() - 1 : line.length();
                return line.substring(0, end);
            }
            if (line.length() > 4096) {
                throw new IOException("a chunk line is over 4 KiB");
            }
            line.append((char) c);
        }
    }
}
