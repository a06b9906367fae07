package dev.pipe.micrometer;

import dev.pipe.core.Cancellable;
import dev.pipe.core.PipeException;
import dev.pipe.core.PipeKey;
import dev.pipe.core.PipeObserver;
import dev.pipe.core.PipeRegistry;
import dev.pipe.core.TransferSummary;
import dev.pipe.core.TransferSummary.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters of a {@link PipeRegistry}, for an application to bind to its own {@link MeterRegistry}:
 *
 * <pre>{@code
 * PipeServlet servlet = new PipeServlet(PipeConfig.defaults());
 * new PipeMetrics(servlet.registry()).bindTo(meterRegistry);
 * }</pre>
 *
 * <table>
 * <caption>Meters (no tag ever names a pipe's path)</caption>
 * <tr><td>{@code pipe.pipes}</td><td>gauge, tag {@code state} = {@code waiting} | {@code streaming}</td></tr>
 * <tr><td>{@code pipe.parties.waiting}</td><td>gauge: parties on pipes not yet established, and forms whose file has
 * not started</td></tr>
 * <tr><td>{@code pipe.transfers}</td><td>counter, tag {@code outcome}: {@code completed}, {@code partial},
 * {@code sender-aborted}, {@code out-of-memory}, {@code receivers-aborted}, {@code expired}, {@code abandoned},
 * {@code idle-timeout}, {@code shutdown}</td></tr>
 * <tr><td>{@code pipe.receivers.dropped}</td><td>counter: receivers dropped as too slow</td></tr>
 * <tr><td>{@code pipe.bytes.sent}, {@code pipe.bytes.delivered}</td><td>counters, in bytes: read from senders,
 * written to receivers (all of a pipe's together); they move every 5 s during a long transfer</td></tr>
 * <tr><td>{@code pipe.refusals}</td><td>counter, tag {@code status}: requests refused before they touched a
 * pipe</td></tr>
 * <tr><td>{@code pipe.join.wait}</td><td>timer: from a pipe's first party to its establishment</td></tr>
 * <tr><td>{@code pipe.transfer.duration}</td><td>timer: from establishment to the end, for pipes that
 * streamed</td></tr>
 * <tr><td>{@code pipe.receivers}</td><td>distribution of n, per established pipe</td></tr>
 * </table>
 *
 * <p>It watches the registry as a {@link PipeObserver} from the first {@link #bindTo} until {@link #close}; it may
 * be bound to several meter registries. Thread-safe; nothing is done per chunk.
 */
public final class PipeMetrics implements MeterBinder, AutoCloseable {

    private final PipeRegistry pipes;
    private final Map<MeterRegistry, Cancellable> attached = new ConcurrentHashMap<>();

    /**
     * The meters of {@code pipes}, once bound.
     *
     * @param pipes the registry to watch; nothing is attached to it before {@link #bindTo}
     */
    public PipeMetrics(PipeRegistry pipes) {
        this.pipes = Objects.requireNonNull(pipes, "pipes");
    }

    /**
     * Registers the meters in {@code registry} and moves them from now on; binding the same registry again does
     * nothing.
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        attached.computeIfAbsent(registry, r -> pipes.observe(new Meters(r)));
    }

    /** Stops watching the pipes; the meters stay in their registries, and stop moving. */
    @Override
    public void close() {
        attached.values().forEach(Cancellable::cancel);
        attached.clear();
    }

    /** One meter registry's meters, moved by the pipes' events. */
    private final class Meters implements PipeObserver {

        private final MeterRegistry registry;
        private final Map<Outcome, Counter> transfers = new EnumMap<>(Outcome.class);
        private final Map<Integer, Counter> refusals = new ConcurrentHashMap<>();
        private final Counter dropped;
        private final Counter sent;
        private final Counter delivered;
        private final Timer joinWait;
        private final Timer duration;
        private final DistributionSummary receivers;

        Meters(MeterRegistry registry) {
            this.registry = registry;
            Gauge.builder("pipe.pipes", pipes, p -> p.census().waitingPipes()).tag("state", "waiting")
                    .description("Pipes waiting for their sender and receivers").register(registry);
            Gauge.builder("pipe.pipes", pipes, p -> p.census().streamingPipes()).tag("state", "streaming")
                    .description("Pipes moving bytes").register(registry);
            Gauge.builder("pipe.parties.waiting", pipes, p -> p.census().partiesWaiting())
                    .description("Senders and receivers waiting for their pipe to be established")
                    .register(registry);
            for (Outcome outcome : Outcome.values()) {
                transfers.put(outcome, Counter.builder("pipe.transfers").tag("outcome", outcome.tag())
                        .description("Pipes ended, by how they ended").register(registry));
            }
            dropped = Counter.builder("pipe.receivers.dropped")
                    .description("Receivers dropped as too slow while the others waited").register(registry);
            sent = Counter.builder("pipe.bytes.sent").baseUnit(BaseUnits.BYTES)
                    .description("Bytes read from senders").register(registry);
            delivered = Counter.builder("pipe.bytes.delivered").baseUnit(BaseUnits.BYTES)
                    .description("Bytes written to receivers, all receivers of a pipe together").register(registry);
            joinWait = Timer.builder("pipe.join.wait")
                    .description("Time from a pipe's first party to its establishment").register(registry);
            duration = Timer.builder("pipe.transfer.duration")
                    .description("Time from a pipe's establishment to its end").register(registry);
            receivers = DistributionSummary.builder("pipe.receivers")
                    .description("Receivers per established pipe (n)").register(registry);
        }

        @Override
        public void onRefused(int status, PipeException.Reason reason) {
            refusals.computeIfAbsent(status, s -> Counter.builder("pipe.refusals").tag("status", String.valueOf(s))
                    .description("Requests refused before they touched a pipe, by HTTP status")
                    .register(registry)).increment();
        }

        @Override
        public void onEstablished(PipeKey key, int n, Duration waited) {
            joinWait.record(waited);
            receivers.record(n);
        }

        @Override
        public void onBytes(PipeKey key, long bytesSent, long bytesDelivered) {
            sent.increment(bytesSent);
            delivered.increment(bytesDelivered);
        }

        @Override
        public void onEnd(TransferSummary summary) {
            transfers.get(summary.outcome()).increment();
            if (summary.receiversDropped() > 0) {
                dropped.increment(summary.receiversDropped());
            }
            if (!summary.streamed().isZero()) {
                duration.record(summary.streamed());
            }
        }
    }
}
