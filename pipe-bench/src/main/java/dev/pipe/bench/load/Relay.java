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
 *
 * <p>It tells its sender the few progress lines the latency scenarios wait for, in piping-server's words ("Waiting
 * for", "A receiver was connected", "Start sending", chunked), so that time to first byte and lockstep skew have a
 * ceiling too; each receiver's first write carries its response head and the first bytes together.
 */
public final class Relay implements AutoCloseable {

    /** The head of a sender's response: its progress lines follow, chunked. */
    private static final byte[] SENDER_HEAD = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
            + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] CRLF = {'\r', '\n'};

    private final Map<String, Waiting> pipes = new HashMap<>();
    private final ServerSocket server;

    private static final class Waiting {
        final int n;
        final List<Socket> receivers = new ArrayList<>();
        Socket sender;
        OutputStream senderOut;
        InputStream senderIn;
        long length;
        boolean chunked;

        Waiting(int n) {
            this.n = n;
        }
    }

    private Relay(ServerSocket server) {
        this.server = server;
    }

    /** Serves on {@code port} (0: any) until the process ends. */
    static void serve(int port) throws IOException {
        try (Relay relay = start(port)) {
            System.out.println("relay listening on http://127.0.0.1:" + relay.port());
            relay.acceptAll();
        }
    }

    /** A relay on {@code port} (0: any), serving on a thread of its own until {@link #close()}d. */
    public static Relay start(int port) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress("127.0.0.1", port), 1024);
        Relay relay = new Relay(server);
        Thread acceptor = new Thread(() -> {
            try {
                relay.acceptAll();
            } catch (IOException closed) {
                // close() ends it
            }
        }, "relay-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return relay;
    }

    /** The port it listens on. */
    public int port() {
        return server.getLocalPort();
    }

    private void acceptAll() throws IOException {
        while (true) {
            Socket socket = server.accept();
            socket.setTcpNoDelay(true);
            Thread thread = new Thread(() -> handle(socket), "relay-conn");
            thread.setDaemon(true);
            thread.start();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
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
                Waiting pipe = pipes.get(path);
                if (pipe == null) {
                    pipes.put(path, pipe = new Waiting(n));
                }
                if (parts[0].equals("GET")) {
                    pipe.receivers.add(socket);
                    if (pipe.sender != null) {
                        progress(pipe.senderOut, "[INFO] A receiver was connected.\n");
                    }
                } else {
                    pipe.sender = socket;
                    pipe.senderOut = socket.getOutputStream();
                    pipe.senderIn = in;
                    pipe.length = length;
                    pipe.chunked = chunked;
                    pipe.senderOut.write(SENDER_HEAD);
                    if (pipe.receivers.size() < pipe.n) {
                        progress(pipe.senderOut, "[INFO] Waiting for " + pipe.n + " receiver(s)...\n");
                    }
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

    /** One progress line to the sender, as a chunk of its response. */
    private static void progress(OutputStream sender, String line) throws IOException {
        byte[] bytes = line.getBytes(StandardCharsets.ISO_8859_1);
        sender.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        sender.write(bytes);
        sender.write(CRLF);
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
            outs.add(receiver.getOutputStream());
        }
        progress(pipe.senderOut, "[INFO] Start sending to " + pipe.n + " receiver(s)!\n");
        // the first round: the head and the first bytes in one write per receiver
        byte[] buffer = new byte[head.length + 64 * 1024];
        System.arraycopy(head, 0, buffer, 0, head.length);
        int offset = head.length;
        long left = pipe.length;
        try {
            while (left != 0) {
                int room = buffer.length - offset;
                int read = pipe.senderIn.read(buffer, offset, left < 0 ? room : (int) Math.min(room, left));
                if (read < 0) {
                    break;
                }
                for (OutputStream out : outs) {
                    out.write(buffer, 0, offset + read);
                }
                if (left > 0) {
                    left -= read;
                }
                if (last != null && last.seen(buffer, offset, read)) {
                    break;
                }
                offset = 0;
            }
            if (offset > 0) {
                for (OutputStream out : outs) {
                    out.write(buffer, 0, offset); // an empty body: the head alone
                }
            }
            progress(pipe.senderOut, "[INFO] Sent successfully!\n");
            pipe.senderOut.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            pipe.senderOut.flush();
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

        /** True once the end of the last chunk has gone by in {@code bytes[from, from + count)}. */
        boolean seen(byte[] bytes, int from, int count) {
            int i = from;
            int end = from + count;
            while (i < end) {
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
                int step = (int) Math.min(skip, end - i);
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
