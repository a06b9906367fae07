package dev.pipe.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.testing.ManualScheduler;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A sender that lends the same buffer for every chunk (as the adapters do) costs no garbage per chunk: each receiver
 * writes from one view of that buffer, reset to each chunk's position and limit, and still gets exactly its bytes.
 */
class ViewReuseTest {

    @Test
    void oneViewPerReceiverPerBufferResetForEachChunk() throws PipeException {
        PipeRegistry registry = new PipeRegistry(PipeConfig.defaults(), new ManualScheduler());
        PipeKey key = registry.key("reuse");
        List<Receiving> receivers = List.of(new Receiving(), new Receiving());
        for (Receiving receiver : receivers) {
            registry.attachReceiver(key, 2, receiver);
        }
        Lending port = new Lending();
        Sender sender = registry.attachSender(key, 2, TransferInfo.UNKNOWN, port);
        ByteBuffer shared = ByteBuffer.allocateDirect(64);
        String[] chunks = {"07:23:16 ERR timeout\n", "retry 1/3\n", "ok\n"};
        for (int i = 0; i < chunks.length; i++) {
            assertTrue(port.demanded, "demand before chunk " + i);
            port.demanded = false;
            byte[] bytes = chunks[i].getBytes(StandardCharsets.US_ASCII);
            shared.clear().position(i * 3); // each chunk somewhere else in the buffer
            shared.put(bytes).flip().position(i * 3);
            sender.onChunk(shared, port.release);
        }
        ByteBuffer other = ByteBuffer.allocateDirect(8).put("end\n".getBytes(StandardCharsets.US_ASCII)).flip();
        port.demanded = false;
        sender.onChunk(other, port.release);
        sender.onEnd();

        for (Receiving receiver : receivers) {
            assertEquals(String.join("", chunks) + "end\n", receiver.bytes.toString(StandardCharsets.US_ASCII));
            assertSame(receiver.views.get(0), receiver.views.get(1), "the view of the same buffer is reused");
            assertSame(receiver.views.get(1), receiver.views.get(2));
            assertNotSame(receiver.views.get(2), receiver.views.get(3), "another buffer gets a view of its own");
            assertTrue(receiver.completed);
        }
        assertNotSame(receivers.get(0).views.get(0), receivers.get(1).views.get(0), "each receiver has its own view");
        assertEquals(4, port.releases);
        assertTrue(port.finished);
        registry.close();
    }

    private static final class Lending implements SenderPort {
        boolean demanded;
        boolean finished;
        int releases;
        final Completion release = new Completion() {
            @Override
            public void succeeded() {
                releases++;
            }

            @Override
            public void failed(Throwable cause) {
                throw new AssertionError(cause);
            }
        };

        @Override
        public void report(Progress progress) {
        }

        @Override
        public void demand() {
            demanded = true;
        }

        @Override
        public void finished() {
            finished = true;
        }

        @Override
        public void failed(PipeException failure) {
            throw new AssertionError(failure);
        }
    }

    /** Takes every write at once, as the bytes are at the time of the write. */
    private static final class Receiving implements ReceiverPort {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<ByteBuffer> views = new ArrayList<>();
        boolean completed;

        @Override
        public void begin(TransferInfo info) {
        }

        @Override
        public void write(ByteBuffer chunk, Completion done) {
            views.add(chunk);
            while (chunk.hasRemaining()) {
                bytes.write(chunk.get());
            }
            done.succeeded();
        }

        @Override
        public void complete(Completion done) {
            completed = true;
            done.succeeded();
        }

        @Override
        public void abort(PipeException reason) {
            throw new AssertionError(reason);
        }
    }
}
