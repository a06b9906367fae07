package dev.pipe.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.testing.RecordingReceiver;
import dev.pipe.core.testing.ScriptedSender;
import dev.pipe.core.testing.TrackingBuffers;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many pipes on real threads, joining in random order and writing on other threads, deliver every byte once. */
@Timeout(30)
class StressTest {

    /** Long enough that it never elapses unless something is broken. */
    private static final Duration LONG_WAIT = Duration.ofSeconds(20);

    private static final int PIPES = 200;
    private static final int RECEIVERS = 3;
    private static final int THREADS = 4;

    @Test
    void parallelPipesDeliverEveryByteReleaseEveryBufferAndLeaveNothing() throws Exception {
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        ExecutorService joiners = Executors.newFixedThreadPool(THREADS);
        ExecutorService ioPool = Executors.newFixedThreadPool(THREADS);
        Executor io = task -> ioPool.execute(() -> collect(failures, task));
        TrackingBuffers buffers = new TrackingBuffers();
        Random random = new Random(20240611);

        try (SystemScheduler scheduler = new SystemScheduler()) {
            PipeRegistry registry = new PipeRegistry(PipeConfig.defaults(), scheduler);
            CountDownLatch go = new CountDownLatch(1);
            CountDownLatch outcomes = new CountDownLatch(PIPES * (1 + RECEIVERS));
            List<Runnable> joins = new ArrayList<>();
            List<ScriptedSender> senders = new ArrayList<>();
            List<List<RecordingReceiver>> receivers = new ArrayList<>();
            List<byte[]> payloads = new ArrayList<>();

            for (int p = 0; p < PIPES; p++) {
                PipeKey key = registry.key("stress/" + p);
                ByteArrayOutputStream payload = new ByteArrayOutputStream();
                ScriptedSender sender = new ScriptedSender(buffers).answerOn(io);
                for (int c = random.nextInt(6); c >= 0; c--) {
                    byte[] chunk = new byte[1 + random.nextInt(4000)];
                    random.nextBytes(chunk);
                    payload.writeBytes(chunk);
                    sender.script(chunk);
                }
                sender.scriptEnd();
                sender.outcome().whenComplete((ignored, error) -> outcomes.countDown());
                joins.add(() -> sender.attach(attachSender(registry, key, sender)));
                senders.add(sender);
                payloads.add(payload.toByteArray());

                List<RecordingReceiver> pipeReceivers = new ArrayList<>();
                for (int r = 0; r < RECEIVERS; r++) {
                    RecordingReceiver receiver = new RecordingReceiver("pipe" + p + "/rx" + r).completeOn(io);
                    receiver.outcome().whenComplete((ignored, error) -> outcomes.countDown());
                    joins.add(() -> receiver.attach(attachReceiver(registry, key, receiver)));
                    pipeReceivers.add(receiver);
                }
                receivers.add(pipeReceivers);
            }
            Collections.shuffle(joins, random);
            for (Runnable join : joins) {
                joiners.execute(() -> {
                    try {
                        go.await();
                        join.run();
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                });
            }

            go.countDown();
            boolean done = outcomes.await(LONG_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            joiners.shutdown();
            ioPool.shutdown();
            assertTrue(joiners.awaitTermination(LONG_WAIT.toMillis(), TimeUnit.MILLISECONDS));
            assertTrue(ioPool.awaitTermination(LONG_WAIT.toMillis(), TimeUnit.MILLISECONDS));
            rethrow(failures);
            assertTrue(done, "not every party had an outcome in " + LONG_WAIT + ": " + registry);

            for (int p = 0; p < PIPES; p++) {
                senders.get(p).assertFinished();
                for (RecordingReceiver receiver : receivers.get(p)) {
                    receiver.assertCompletedWith(payloads.get(p));
                }
            }
            buffers.assertAllReleased();
            assertEquals(0, buffers.outstanding());
            assertEquals(0, registry.size());
        } finally {
            joiners.shutdownNow();
            ioPool.shutdownNow();
        }
    }

    private static Sender attachSender(PipeRegistry registry, PipeKey key, ScriptedSender sender) {
        try {
            return registry.attachSender(key, RECEIVERS, TransferInfo.UNKNOWN, sender);
        } catch (PipeException e) {
            throw new AssertionError(e);
        }
    }

    private static Receiver attachReceiver(PipeRegistry registry, PipeKey key, RecordingReceiver receiver) {
        try {
            return registry.attachReceiver(key, RECEIVERS, receiver);
        } catch (PipeException e) {
            throw new AssertionError(e);
        }
    }

    private static void collect(Queue<Throwable> failures, Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            failures.add(t);
        }
    }

    private static void rethrow(Queue<Throwable> failures) {
        Throwable first = failures.poll();
        if (first == null) {
            return;
        }
        AssertionError error = new AssertionError("failure on another thread", first);
        failures.forEach(error::addSuppressed);
        throw error;
    }
}
