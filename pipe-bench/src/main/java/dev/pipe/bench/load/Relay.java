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
            for (String header = Http1.line(in); header != null && !header.isEmpty(); header = Http1.line(in)) {
                if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Long.parseLong(header.substring(15).trim());
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
        byte[] head = ("HTTP/1.1 200 OK\r\nConnection: close\r\n"
                + (pipe.length >= 0 ? "Content-Length: " + pipe.length + "\r\n" : "") + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
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
}
