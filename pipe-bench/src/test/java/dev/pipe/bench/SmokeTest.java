package dev.pipe.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.bench.load.LoadTool;
import dev.pipe.bench.load.Relay;
import dev.pipe.jetty.PipeServers;
import dev.pipe.servlet.PipeServlet;
import java.util.Collection;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Every benchmark and every load scenario, briefly, so that none of them rots: the JMH fan-out benchmark in-process
 * with the GC profiler, and pipe-load's scenarios against a real server on port 0. The full runs are by hand
 * (docs/BENCHMARKS.md); these assert that each one runs and checks its bytes, not how fast.
 */
@Timeout(120)
class SmokeTest {

    private static Server server;
    private static String url;

    @BeforeAll
    static void start() throws Exception {
        server = PipeServers.server("127.0.0.1", 0, "/api/v1/pipe", new PipeServlet());
        server.start();
        url = "http://127.0.0.1:" + PipeServers.port(server) + "/api/v1/pipe";
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
    }

    /**
     * The fan-out benchmark runs, and allocates nothing per chunk even with the meters bound: each receiver's view is
     * made once and reused, and observers hear of bytes only at a pipe's tick.
     */
    @Test
    void fanOutBenchmarkRunsAndAllocatesNothingPerChunk() throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(FanOutBenchmark.class.getName())
                .param("receivers", "8")
                .param("chunkSize", "8192")
                .param("observed", "true") // with the meters bound, as the standalone server has them
                .forks(0)
                .warmupIterations(1).warmupTime(TimeValue.milliseconds(200))
                .measurementIterations(1).measurementTime(TimeValue.milliseconds(300))
                .addProfiler(GCProfiler.class)
                .build()).run();
        assertEquals(1, results.size());
        RunResult result = results.iterator().next();
        assertTrue(result.getPrimaryResult().getScore() > 0, "chunks moved");
        Result<?> allocated = result.getSecondaryResults().get("·gc.alloc.rate.norm");
        if (allocated == null) {
            allocated = result.getSecondaryResults().get("gc.alloc.rate.norm");
        }
        assertFalse(allocated == null, "the GC profiler's allocation per chunk: " + result.getSecondaryResults().keySet());
        assertTrue(allocated.getScore() < 56,
                "bytes allocated per chunk to 8 receivers: " + allocated.getScore() + " (not even one 56 B view)");
    }

    @Test
    void throughputScenarioChecksEveryReceiversBytes() throws Exception {
        assertTrue(LoadTool.run(new String[] {"throughput", "--url", url, "--n", "8", "--bytes", "4m", "--runs", "2"}));
    }

    @Test
    void throughputOverHttp2WithTheToolsWarmUpChecksEveryReceiversBytes() throws Exception {
        assertTrue(LoadTool.run(new String[] {"throughput", "--url", url, "--n", "4", "--bytes", "4m", "--http2", "h2c",
            "--warmup", "1m"}));
    }

    @Test
    void throughputWithAChunkedUploadChecksEveryReceiversBytes() throws Exception {
        assertTrue(LoadTool.run(new String[] {"throughput", "--url", url, "--n", "2", "--bytes", "4m", "--chunked",
            "true"}));
    }

    @Test
    void loopbackCeilingRuns() throws Exception {
        assertTrue(LoadTool.run(new String[] {"loopback", "--bytes", "4m"}));
    }

    @Test
    void timeToFirstByteScenarioRuns() throws Exception {
        assertTrue(LoadTool.run(new String[] {"ttfb", "--url", url, "--n", "8", "--runs", "3"}));
    }

    @Test
    void skewScenarioRuns() throws Exception {
        assertTrue(LoadTool.run(new String[] {"skew", "--url", url, "--n", "16", "--rate", "200000", "--seconds", "1"}));
    }

    @Test
    void waitingScenarioHoldsAndCompletesEveryPipe() throws Exception {
        assertTrue(LoadTool.run(new String[] {"waiting", "--url", url, "--pipes", "100", "--hold", "1",
            "--server-pid", String.valueOf(ProcessHandle.current().pid())}));
    }

    /**
     * The trivial relay, the ceiling in compare.sh's table, serves every scenario it has a column for: both uploads,
     * and the latency scenarios, which wait for its progress lines.
     */
    @Test
    void theRelayServesEveryScenarioItIsACeilingFor() throws Exception {
        try (Relay relay = Relay.start(0)) {
            String base = "http://127.0.0.1:" + relay.port();
            assertTrue(LoadTool.run(new String[] {"throughput", "--url", base, "--n", "4", "--bytes", "4m"}));
            assertTrue(LoadTool.run(new String[] {"throughput", "--url", base, "--n", "2", "--bytes", "4m",
                "--chunked", "true"}));
            assertTrue(LoadTool.run(new String[] {"ttfb", "--url", base, "--n", "8", "--runs", "3"}));
            assertTrue(LoadTool.run(new String[] {"ttfb", "--url", base, "--n", "8", "--runs", "3",
                "--order", "receivers-first"}));
            assertTrue(LoadTool.run(new String[] {"skew", "--url", base, "--n", "16", "--rate", "200000",
                "--seconds", "1"}));
        }
    }

    /** A run whose receivers do not get the bytes fails, rather than reporting a fast wrong answer. */
    @Test
    void aRunWithoutTheBytesFails() throws Exception {
        String nowhere = url.replace("/api/v1/pipe", "/not-a-pipe");
        assertFalse(LoadTool.run(new String[] {"throughput", "--url", nowhere, "--n", "2", "--bytes", "1k"}));
        assertFalse(LoadTool.run(new String[] {"no-such-scenario"}));
    }
}
