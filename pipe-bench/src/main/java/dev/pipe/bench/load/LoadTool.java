package dev.pipe.bench.load;

import java.util.HashMap;
import java.util.Map;

/**
 * An end-to-end load tool for any pipe server (this one, piping-server, or the trivial {@link Relay}) over HTTP/1.1
 * on loopback. Each scenario prints human lines and one {@code RESULT key=value ...} line for scripts.
 *
 * <pre>
 * java -jar pipe-bench/target/pipe-load.jar throughput --url http://127.0.0.1:8080/api/v1/pipe --n 8 --bytes 256m
 * java -jar pipe-bench/target/pipe-load.jar ttfb       --url ... --n 64 --runs 20
 * java -jar pipe-bench/target/pipe-load.jar skew       --url ... --n 256 --rate 50000 --seconds 10
 * java -jar pipe-bench/target/pipe-load.jar waiting    --url ... --pipes 10000 --hold 10 --server-pid PID
 * java -jar pipe-bench/target/pipe-load.jar relay      --port 0
 * java -jar pipe-bench/target/pipe-load.jar loopback   --bytes 1g
 * </pre>
 *
 * Every receiver's bytes are checked (CRC32C against the sender's), so a fast wrong answer fails the run. With
 * {@code --server-pid}, the server's CPU time, resident memory and threads are read from {@code /proc}; the tool's
 * own CPU time is always reported, so that one can see it is not the bottleneck.
 */
public final class LoadTool {

    private LoadTool() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args) ? 0 : 1);
    }

    /** Runs one scenario; true when every receiver got the right bytes. */
    public static boolean run(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help")) {
            System.out.println(USAGE);
            return true;
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                System.err.println("pipe-load: expected --option value, got '" + args[i] + "'\n" + USAGE);
                return false;
            }
            values.put(args[i].substring(2), args[++i]);
        }
        Options options = new Options(values);
        return switch (args[0]) {
            case "throughput" -> new Throughput(options).run();
            case "ttfb" -> new Ttfb(options).run();
            case "skew" -> new Skew(options).run();
            case "waiting" -> new Waiting(options).run();
            case "loopback" -> new Loopback(options).run();
            case "relay" -> {
                Relay.serve(options.intOption("port", 0));
                yield true;
            }
            default -> {
                System.err.println("pipe-load: unknown scenario '" + args[0] + "'\n" + USAGE);
                yield false;
            }
        };
    }

    private static final String USAGE = """
            usage: java -jar pipe-load.jar SCENARIO [--option value ...]
              throughput  --n 8 --bytes 256m [--runs 1]     one sender, n receivers; aggregate MiB/s (n x bytes / time)
                          [--http2 h2c|h2]                  over HTTP/2 (h2c with prior knowledge; h2 for an https
                                                            --url, by ALPN) instead of HTTP/1.1
                          [--warmup 64m]                    first an unreported run of that size, so that the
                                                            tool's own client is compiled (HTTP/2's is heavy)
                          [--chunked true]                  the sender's body chunked, 64 KiB a chunk, as
                                                            curl -T - sends it, instead of a Content-Length
              ttfb        --n 64 [--runs 20]                sender first; time from the last receiver's request to
                                                            each receiver's first byte
                          [--order receivers-first]         the receivers first; from the sender's request
              skew        --n 256 [--rate 50000] [--seconds 10] [--line 100]
                                                            a paced sender; per-line arrival spread across receivers
              waiting     [--pipes 10000] [--hold 10]       receivers waiting on distinct paths: still connected after
                                                            the hold, then all complete; server RSS and threads
              relay       [--port 0]                        a trivial relay: the practical ceiling
              loopback    [--bytes 1g] [--runs 1]           bytes through one loopback connection, no HTTP: the
                                                            machine's ceiling
            common: --url BASE (pipe URLs are BASE/PATH?n=N; default http://127.0.0.1:8080/api/v1/pipe)
                    --server-pid PID (the server's CPU, RSS and threads, from /proc)
                    --server-gc jcmd (waiting: the server is a JVM; read RSS after jcmd GC.run)
            """;
}
