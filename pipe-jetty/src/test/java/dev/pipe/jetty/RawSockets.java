package dev.pipe.jetty;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** HTTP/1.1 by hand over a plain socket, for the tests that watch what a connection reads and when. */
final class RawSockets {

    private RawSockets() {
    }

    /** Writes {@code text} (a request line and headers) as ISO-8859-1, and flushes it. */
    static void write(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Reads until {@code text} has come; fails if the stream ends first. */
    static void awaitText(InputStream in, String text) throws IOException {
        StringBuilder seen = new StringBuilder();
        while (seen.indexOf(text) < 0) {
            int b = in.read();
            assertTrue(b >= 0, "ended before '" + text + "': " + seen);
            seen.append((char) b);
        }
    }
}
