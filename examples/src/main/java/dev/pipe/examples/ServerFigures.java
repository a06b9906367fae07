package dev.pipe.examples;

import dev.pipe.core.PipeRegistry;
import dev.pipe.core.Scheduler;
import dev.pipe.core.TransferSummary.Outcome;
import dev.pipe.micrometer.PipeMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * The standalone server's figures: a Prometheus registry with the pipes' meters ({@link PipeMetrics}) and the JVM's
 * own, and the last minutes of throughput, sampled every {@link #SAMPLE} for {@code /status}. Thread-safe.
 */
final class ServerFigures implements AutoCloseable {

    /** How often the throughput is sampled. */
    static final Duration SAMPLE = Duration.ofSeconds(5);
    /** How many samples {@code /status} shows: five minutes. */
    static final int SAMPLES = 60;

    /** Meters whose Prometheus names promtool rejects: a unit abbreviated ({@code _ns}), a gauge ending {@code _count}. */
    private static final Set<String> LINT = Set.of("process.cpu.time", "system.cpu.count");

    private final PipeRegistry pipes;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final PipeMetrics metrics;
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Scheduler scheduler;
    private final long startNanos;

    // guarded by this: a ring of bytes delivered per second, one per sample
    private final double[] rates = new double[SAMPLES];
    private int next;
    private int count;
    private double lastDelivered;
    private long lastNanos;
    private volatile boolean closed;

    ServerFigures(PipeRegistry pipes, Scheduler scheduler) {
        this.pipes = pipes;
        this.scheduler = scheduler;
        this.metrics = new PipeMetrics(pipes);
        // two of Micrometer's system meters break Prometheus' naming rules (promtool check metrics says so): left out
        registry.config().meterFilter(MeterFilter.deny(id -> LINT.contains(id.getName())));
        metrics.bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        startNanos = scheduler.nanoTime();
        lastNanos = startNanos;
        scheduler.schedule(this::sample, SAMPLE);
    }

    /** Every meter in Prometheus' text format (0.0.4). */
    String scrape() {
        return registry.scrape();
    }

    /** The figures of {@code /status}, as JSON: what the registry holds now, the totals, and the recent rates. */
    String statusJson() {
        PipeRegistry.Census census = pipes.census();
        StringBuilder json = new StringBuilder(2048);
        json.append("{\"waitingPipes\":").append(census.waitingPipes())
                .append(",\"streamingPipes\":").append(census.streamingPipes())
                .append(",\"partiesWaiting\":").append(census.partiesWaiting())
                .append(",\"bytesSent\":").append(count("pipe.bytes.sent"))
                .append(",\"bytesDelivered\":").append(count("pipe.bytes.delivered"))
                .append(",\"receiversDropped\":").append(count("pipe.receivers.dropped"))
                .append(",\"refusals\":").append(refusals())
                .append(",\"uptimeSeconds\":").append((scheduler.nanoTime() - startNanos) / 1_000_000_000L)
                .append(",\"transfers\":{");
        Outcome[] outcomes = Outcome.values();
        for (int i = 0; i < outcomes.length; i++) {
            json.append(i == 0 ? "" : ",").append('"').append(outcomes[i].tag()).append("\":")
                    .append(count(registry.get("pipe.transfers").tag("outcome", outcomes[i].tag()).counter()));
        }
        json.append("},\"sampleSeconds\":").append(SAMPLE.toSeconds()).append(",\"deliveredPerSecond\":[");
        synchronized (this) {
            for (int i = 0; i < count; i++) {
                double rate = rates[(next - count + i + SAMPLES) % SAMPLES];
                json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.0f", rate));
            }
        }
        return json.append("]}").toString();
    }

    private long count(String counter) {
        return count(registry.get(counter).counter());
    }

    private static long count(Counter counter) {
        return (long) counter.count();
    }

    private long refusals() {
        return (long) registry.find("pipe.refusals").counters().stream().mapToDouble(Counter::count).sum();
    }

    private void sample() {
        if (closed) {
            return;
        }
        double delivered = registry.get("pipe.bytes.delivered").counter().count();
        long now = scheduler.nanoTime();
        synchronized (this) {
            rates[next] = (delivered - lastDelivered) * 1e9 / Math.max(1, now - lastNanos);
            next = (next + 1) % SAMPLES;
            count = Math.min(SAMPLES, count + 1);
            lastDelivered = delivered;
            lastNanos = now;
        }
        scheduler.schedule(this::sample, SAMPLE);
    }

    @Override
    public void close() {
        closed = true;
        metrics.close();
        gc.close();
        registry.close();
    }
}
