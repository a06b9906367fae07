package dev.pipe.bench.load;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The practical ceiling: a trivial relay that speaks just enough HTTP/1.1 to pass one sender's body to n receivers
 * with blocking copies on one thread per pipe, no framing of its own (the sender's Content-Length), no checks, no
 * timeouts. A pipe server cannot move bytes faster than this does on the same machine.
 */
final class Relay {

    private final Map<String, Waiting> pipes = new HashMap<>();

    private static final class Waiting {
        final int n;
        final List<Socket> receivers = new ArrayList<>();
        Socket sender;
        InputStream senderIn;
        long length;
        boolean chunked;

        Waiting(int n) {
            this.n = n;
        }
    }

    static void serve(int port) throws IOException {
        Relay relay = new Relay();
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress("127.0.0.1", port), 1024);
            System.out.println("relay listening on http://127.0.0.1:" + server.getLocalPort());
            while (true) {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                Thread thread = new Thread(() -> relay.handle(socket), "relay-conn");
                thread.setDaemon(true);
                thread.start();
            }
        }
    }

    private void handle(Socket socket) {
        try {
            InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            String requestLine = Http1.line(in);
            long length = -1;
            boolean chunked = false;
            for (String header = Http1.line(in); header != null && !header.isEmpty(); header = Http1.line(in)) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(header.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            String[] parts = requestLine.split(" ");
            String target = parts[1];
            int question = target.indexOf('?');
            String path = question < 0 ? target : target.substring(0, question);
            int n = 1;
            if (question >= 0) {
                for (String pair : target.substring(question + 1).split("&")) {
                    if (pair.startsWith("n=")) {
                        n = Integer.parseInt(pair.substring(2));
                    }
                }
            }
            Waiting ready = null;
            synchronized (this) {
                Waiting pipe = pipes.computeIfAbsent(path, k -> new Waiting(0));
                if (pipe.n == 0) {
                    pipes.put(path, pipe = new Waiting(n));
                }
                if (parts[0].equals("GET")) {
                    pipe.receivers.add(socket);
                } else {
                    pipe.sender = socket;
                    pipe.senderIn = in;
                    pipe.length = length;
                    pipe.chunked = chunked;
                }
                if (pipe.sender != null && pipe.receivers.size() == pipe.n) {
                    pipes.remove(path);
                    ready = pipe;
                }
            }
            if (ready != null) {
                run(ready);
            }
        } catch (IOException | RuntimeException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // gone
            }
        }
    }

    private static void run(Waiting pipe) throws IOException {
        List<OutputStream> outs = new ArrayList<>();
        // a chunked body goes on as it came, framing and all: the relay only watches for its last chunk
        byte[] head = ("HTTP/1.1 200 OK\r\nConnection: close\r\n"
                + (pipe.length >= 0 ? "Content-Length: " + pipe.length + "\r\n" : "")
                + (pipe.chunked ? "Transfer-Encoding: chunked\r\n" : "") + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        LastChunk last = pipe.chunked ? new LastChunk() : null;
        for (Socket receiver : pipe.receivers) {
            OutputStream out = receiver.getOutputStream();
            out.write(head);
            outs.add(out);
        }
        byte[] buffer = new byte[64 * 1024];
        long left = pipe.length;
        try {
            while (left != 0) {
                int read = pipe.senderIn.read(buffer, 0, left < 0 ? buffer.length : (int) Math.min(buffer.length, left));
                if (read < 0) {
                    break;
                }
                for (OutputStream out : outs) {
                    out.write(buffer, 0, read);
                }
                if (left > 0) {
                    left -= read;
                }
                if (last != null && last.seen(buffer, read)) {
                    break;
                }
            }
            OutputStream senderOut = pipe.sender.getOutputStream();
            senderOut.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            senderOut.flush();
        } finally {
            for (Socket receiver : pipe.receivers) {
                receiver.close();
            }
            pipe.sender.close();
        }
    }

    /**
     * Follows a chunked body's framing through the bytes relayed, to see where it ends (the relay forwards it as it
     * is): SIZE reads a chunk's size line, DATA skips its bytes, CRLF the line end after them, END the empty line
     * after the last (size 0) chunk; no trailers.
     */
    private static final class LastChunk {
        private enum State { SIZE, DATA, CRLF, END }

        private State state = State.SIZE;
        private long size;
        private long skip;

        /** True once the end of the last chunk has gone by in {@code bytes[0, count)}. */
        boolean seen(byte[] bytes, int count) {
            int i = 0;
            while (i < count) {
                if (state == State.SIZE) {
                    byte b = bytes[i++];
                    if (b == '\n') {
                        state = size == 0 ? State.END : State.DATA;
                        skip = size == 0 ? 2 : size;
                        size = 0;
                    } else if (b != '\r') {
                        size = size * 16 + Character.digit(b, 16);
                    }
                    continue;
                }
                int step = (int) Math.min(skip, count - i);
                i += step;
                skip -= step;
                if (skip == 0) {
                    if (state == State.END) {
                        return true;
                    }
                    state = state == State.DATA ? State.CRLF : State.SIZE;
                    skip = state == State.CRLF ? 2 : 0;
                }
            }
            return false;
        }
    }
}
