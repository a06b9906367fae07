package dev.pipe.bench.load;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Reads a sender's progress lines on a thread of its own and lets the caller wait for one. */
final class ProgressReader {
    private final List<String> lines = new ArrayList<>();

    ProgressReader(Http1 sender) {
        Thread thread = new Thread(() -> {
            StringBuilder line = new StringBuilder();
            byte[] buffer = new byte[4096];
            try {
                for (int n = sender.read(buffer, 0, buffer.length); n >= 0; n = sender.read(buffer, 0, buffer.length)) {
                    for (int i = 0; i < n; i++) {
                        if (buffer[i] == '\n') {
                            synchronized (this) {
                                lines.add(line.toString());
                                notifyAll();
                            }
                            line.setLength(0);
                        } else {
                            line.append((char) buffer[i]);
                        }
                    }
                }
            } catch (IOException ignored) {
                // the run is over
            }
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }, "progress");
        thread.setDaemon(true);
        thread.start();
    }

    private boolean ended;

    /** Waits until the progress has ended (the server ended the sender's response). */
    synchronized void awaitEnd() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!ended) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    synchronized void await(String text, int times) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (lines.stream().filter(line -> line.contains(text)).count() < times) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException("no '" + text + "' x" + times + " in the sender's progress: " + lines);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }
}
