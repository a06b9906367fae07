package dev.pipe.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * n receivers of a body of lines on one thread and one selector: each line's arrival at each receiver is stamped by
 * the same clock in the same loop, so that the spread measured is the server's, not the load tool's thread
 * scheduling (n blocking threads on two cores would measure mostly their own wake-ups).
 */
final class LineReceivers implements AutoCloseable {

    private final Selector selector;
    private final Receiver[] receivers;
    private int open;

    private final byte[] head;
    private SocketChannel last;

    LineReceivers(URI url, String pathAndQuery, int n, int lines) throws IOException {
        this(url, pathAndQuery, n, lines, false);
    }

    /**
     * Connects n receivers and sends their requests; with {@code holdLast}, the last one's request waits for
     * {@link #sendLast()}.
     */
    LineReceivers(URI url, String pathAndQuery, int n, int lines, boolean holdLast) throws IOException {
        selector = Selector.open();
        receivers = new Receiver[n];
        head = ("GET " + url.getRawPath() + "/" + pathAndQuery + " HTTP/1.1\r\nHost: " + url.getHost() + ":"
                + url.getPort() + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < n; i++) {
            SocketChannel channel = SocketChannel.open(new InetSocketAddress(url.getHost(), url.getPort()));
            channel.socket().setTcpNoDelay(true);
            if (holdLast && i == n - 1) {
                last = channel;
            } else {
                write(channel);
            }
            channel.configureBlocking(false);
            receivers[i] = new Receiver(lines);
            channel.register(selector, SelectionKey.OP_READ, receivers[i]);
            open++;
        }
    }

    /** Sends the held request of the last receiver; returns when it was written (System.nanoTime). */
    long sendLast() throws IOException {
        long start = System.nanoTime();
        write(last); // a short head into an empty socket buffer: written at once, even without blocking
        return start;
    }

    private void write(SocketChannel channel) throws IOException {
        ByteBuffer request = ByteBuffer.wrap(head);
        while (request.hasRemaining()) {
            channel.write(request);
        }
    }

    /** When each receiver's first body byte arrived (System.nanoTime), or -1. */
    long[] firstBytes() {
        long[] firsts = new long[receivers.length];
        for (int i = 0; i < receivers.length; i++) {
            firsts[i] = receivers[i].firstByte;
        }
        return firsts;
    }

    /** Reads until every receiver's body has ended (or {@code timeoutNanos} passed); stamps each line's end. */
    void run(long timeoutNanos) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
        byte[] bytes = new byte[buffer.capacity()];
        long deadline = System.nanoTime() + timeoutNanos;
        while (open > 0 && System.nanoTime() < deadline) {
            if (selector.select(1000) == 0) {
                continue;
            }
            long now = System.nanoTime();
            for (SelectionKey key : selector.selectedKeys()) {
                Receiver receiver = (Receiver) key.attachment();
                SocketChannel channel = (SocketChannel) key.channel();
                buffer.clear();
                int read;
                try {
                    read = channel.read(buffer);
                } catch (IOException e) {
                    read = -1;
                }
                if (read > 0) {
                    buffer.flip();
                    buffer.get(bytes, 0, read);
                    receiver.feed(bytes, read, now);
                }
                if (read < 0 || receiver.ended) {
                    key.cancel();
                    channel.close();
                    open--;
                }
            }
            selector.selectedKeys().clear();
        }
    }

    /** Closes whatever is still open (a run that timed out, or one that never ran). */
    @Override
    public void close() {
        try {
            for (SelectionKey key : selector.isOpen() ? selector.keys() : java.util.Set.<SelectionKey>of()) {
                key.channel().close();
            }
            selector.close();
            if (last != null) {
                last.close();
            }
        } catch (IOException ignored) {
            // closing
        }
    }

    long[][] arrivals() {
        long[][] times = new long[receivers.length][];
        for (int i = 0; i < receivers.length; i++) {
            times[i] = receivers[i].times;
        }
        return times;
    }

    /** True when every receiver got a 200 and a complete body of every line with the expected CRC32C. */
    boolean allOk(long expectedCrc) {
        for (Receiver receiver : receivers) {
            if (receiver.status != 200 || !receiver.ended || receiver.line != receiver.times.length
                    || receiver.crc.getValue() != expectedCrc) {
                return false;
            }
        }
        return true;
    }

    /** One receiver's HTTP/1.1 response, decoded as it arrives: the head, then chunks or a Content-Length. */
    private static final class Receiver {
        final long[] times;
        long firstByte = -1;
        final CRC32C crc = new CRC32C();
        final StringBuilder headText = new StringBuilder();
        int status = -1;
        boolean headDone;
        boolean chunked;
        long left = -1;          // body bytes left in the chunk or the Content-Length
        final StringBuilder sizeLine = new StringBuilder();
        int skipCrlf;            // bytes of the CRLF after a chunk still to skip
        int line;
        boolean ended;

        Receiver(int lines) {
            this.times = new long[lines];
        }

        void feed(byte[] bytes, int length, long now) {
            int i = 0;
            while (i < length && !ended) {
                if (!headDone) {
                    headText.append((char) (bytes[i++] & 0xff));
                    int size = headText.length();
                    if (size >= 4 && headText.charAt(size - 1) == '\n' && headText.charAt(size - 2) == '\r'
                            && headText.charAt(size - 3) == '\n' && headText.charAt(size - 4) == '\r') {
                        head();
                    }
                } else if (chunked && skipCrlf > 0) {
                    skipCrlf--;
                    i++;
                } else if (chunked && left == 0) {
                    char c = (char) bytes[i++];
                    if (c == '\n') {
                        String text = sizeLine.toString().trim();
                        sizeLine.setLength(0);
                        int semicolon = text.indexOf(';');
                        left = Long.parseLong(semicolon < 0 ? text : text.substring(0, semicolon), 16);
                        if (left == 0) {
                            ended = true; // trailers are not expected
                        }
                    } else {
                        sizeLine.append(c);
                    }
                } else {
                    int take = left < 0 ? length - i : (int) Math.min(length - i, left);
                    if (take > 0 && firstByte < 0) {
                        firstByte = now;
                    }
                    crc.update(bytes, i, take);
                    for (int k = i; k < i + take; k++) {
                        if (bytes[k] == '\n' && line < times.length) {
                            times[line++] = now;
                        }
                    }
                    i += take;
                    if (left > 0) {
                        left -= take;
                        if (left == 0) {
                            if (chunked) {
                                skipCrlf = 2;
                            } else {
                                ended = true;
                            }
                        }
                    }
                }
            }
        }

        private void head() {
            headDone = true;
            String[] lines = headText.toString().split("\r\n");
            status = Integer.parseInt(lines[0].substring(9, 12));
            for (String header : lines) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("content-length:")) {
                    left = Long.parseLong(lower.substring(15).trim());
                }
            }
            if (chunked) {
                left = 0;
            } else if (left == 0) {
                ended = true;
            }
        }
    }
}
