package dev.pipe.bench;

import dev.pipe.core.Cancellable;
import dev.pipe.core.Completion;
import dev.pipe.core.PipeConfig;
import dev.pipe.core.PipeException;
import dev.pipe.core.PipeRegistry;
import dev.pipe.core.Progress;
import dev.pipe.core.ReceiverPort;
import dev.pipe.core.Scheduler;
import dev.pipe.core.Sender;
import dev.pipe.core.SenderPort;
import dev.pipe.core.TransferInfo;
import dev.pipe.micrometer.PipeMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The core's fan-out of one chunk to n receivers, with in-memory ports that complete every write at once: the
 * cost of the state machine itself (locking, queueing, views), without any I/O. One operation is one chunk moved
 * to all receivers and released.
 *
 * <pre>
 * mvn -q package -pl pipe-bench -am -DskipTests
 * java -jar pipe-bench/target/benchmarks.jar FanOutBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FanOutBenchmark {

    @Param({"1", "8", "64", "256"})
    public int receivers;

    @Param({"8192", "65536"})
    public int chunkSize;

    /** With the pipes' Micrometer meters bound (as the standalone server has them): what observing costs per chunk. */
    @Param({"false", "true"})
    public boolean observed;

    private PipeRegistry registry;
    private InMemorySender port;
    private Sender sender;
    private ByteBuffer chunk;
    private Blackhole blackhole;

    @Setup(Level.Trial)
    public void setUp(Blackhole blackhole) throws PipeException {
        this.blackhole = blackhole;
        registry = new PipeRegistry(PipeConfig.defaults().withChunkSize(chunkSize), new IdleScheduler());
        if (observed) {
            new PipeMetrics(registry).bindTo(new SimpleMeterRegistry());
        }
        var key = registry.key("bench");
        port = new InMemorySender();
        for (int i = 0; i < receivers; i++) {
            registry.attachReceiver(key, receivers, new InMemoryReceiver(blackhole));
        }
        sender = registry.attachSender(key, receivers, TransferInfo.UNKNOWN, port);
        chunk = ByteBuffer.allocate(chunkSize);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        registry.close();
    }

    @Benchmark
    public int fanOutOneChunk() {
        if (!port.demanded) {
            throw new IllegalStateException("no demand: the pipe stalled");
        }
        port.demanded = false;
        chunk.clear();
        sender.onChunk(chunk, port.release);
        return port.releases;
    }

    /** Answers nothing by itself: the benchmark feeds a chunk per demand. */
    static final class InMemorySender implements SenderPort {
        boolean demanded;
        int releases;
        final Completion release = new Completion() {
            @Override
            public void succeeded() {
                releases++;
            }

            @Override
            public void failed(Throwable cause) {
                throw new IllegalStateException(cause);
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
        }

        @Override
        public void failed(PipeException failure) {
        }
    }

    /** Takes every write at once. */
    static final class InMemoryReceiver implements ReceiverPort {
        private final Blackhole blackhole;

        InMemoryReceiver(Blackhole blackhole) {
            this.blackhole = blackhole;
        }

        @Override
        public void begin(TransferInfo info) {
        }

        @Override
        public void write(ByteBuffer chunk, Completion done) {
            blackhole.consume(chunk.remaining());
            done.succeeded();
        }

        @Override
        public void complete(Completion done) {
            done.succeeded();
        }

        @Override
        public void abort(PipeException reason) {
        }
    }

    /** Time stands still: no timer of the pipe fires during a benchmark. */
    static final class IdleScheduler implements Scheduler {
        @Override
        public long nanoTime() {
            return 0;
        }

        @Override
        public Cancellable schedule(Runnable task, Duration delay) {
            return Cancellable.NONE;
        }
    }
}
