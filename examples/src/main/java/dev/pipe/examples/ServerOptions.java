package dev.pipe.examples;

import dev.pipe.core.text.Durations;
import dev.pipe.core.PipeConfig;
import dev.pipe.core.SlowReceiverPolicy;
import dev.pipe.jetty.PipeServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The standalone server's settings: each flag of {@code --help}, also readable from an environment variable;
 * a flag wins over its variable, and the variable over the default.
 */
record ServerOptions(String host, int port, String pathPrefix, PipeConfig config, Path tokenFile, Duration grace,
                     boolean trustForwarded, boolean http2, Tls tls, boolean metrics, int warmup, boolean help,
                     java.util.List<String> warnings) {

    /**
     * Where the server's certificate is: PEM files ({@code cert}, {@code key}) or a PKCS#12 keystore and its password;
     * null for plain HTTP.
     */
    record Tls(Path cert, Path key, Path keystore, char[] password) {
    }

    /** Thrown for a flag or value that cannot be used; the message is one line for the person who typed it. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /**
     * The standalone server's window: larger than the library's 64 KiB, since each chunk costs one write per
     * receiver: a 1 MiB chunk moved 1.2 times the bytes of a 256 KiB one per server CPU-second to one receiver and 1.6
     * times to 8, 64 and 256 (docs/BENCHMARKS.md), for 1 MiB of direct memory per streaming pipe. 4 MiB moved no more.
     */
    static final int DEFAULT_CHUNK = 1024 * 1024;

    /**
     * The standalone server's limit of waiting parties per address: far more than people start by hand, far fewer
     * than it takes to fill the server ({@code --max-pipes}). Behind a reverse proxy every client has the proxy's
     * address: trust its forwarded headers, or raise this.
     */
    static final int DEFAULT_WAITING_PER_CLIENT = 1000;

    /**
     * Bytes the server moves through a private copy of itself before it takes requests ({@link Warmup}): enough for
     * the relay's path to be compiled (a few hundred chunks), a few tenths of a second at startup.
     */
    static final int DEFAULT_WARMUP = 64 * 1024 * 1024;

    static final String USAGE = """
            Usage: java -jar pipe-server.jar [options]

            A pipe server: a sender streams bytes in with PUT, n receivers GET the same URL, and the bytes
            move through once, at the sender's pace, to every receiver at the same moment. Nothing is stored.

            Options (each also read from the environment variable in brackets):
              --host HOST             bind address; 0.0.0.0 to serve a team       [PIPE_HOST]       (127.0.0.1)
              --port PORT             port; 0 picks a free port and prints it     [PIPE_PORT]       (8080)
              --path-prefix PREFIX    where pipes are mounted; / for the root     [PIPE_PATH_PREFIX] (/api/v1/pipe)
              --join-timeout DURATION how long a pipe waits for all its parties   [PIPE_JOIN_TIMEOUT] (5m)
              --idle-timeout DURATION how long a streaming pipe may stay silent   [PIPE_IDLE_TIMEOUT] (1h)
              --max-receivers N       the largest n a pipe may have, 1 to 256     [PIPE_MAX_RECEIVERS] (256)
              --slow-receiver POLICY  block, or drop-after=DURATION               [PIPE_SLOW_RECEIVER] (block)
              --chunk-size SIZE       bytes a pipe holds in flight, 4k to 16m     [PIPE_CHUNK_SIZE] (1m)
              --window 1|2            chunks a pipe may hold: 2 reads the next    [PIPE_WINDOW]     (1)
                                      while the current one is being written
              --max-pipes N           pipes (waiting or streaming) held at once;  [PIPE_MAX_PIPES]  (20000)
                                      past it a new pipe gets 503
              --max-waiting-per-client N  parties one address may have waiting    [PIPE_MAX_WAITING_PER_CLIENT]
                                      in pipes not yet complete; past it 429; 0 for no limit        (1000)
              --token-file FILE       who may send and receive: lines of          [PIPE_TOKEN_FILE] (none: open)
                                      TOKEN ROLE PATH-PREFIX (ROLE: send, receive, both, or metrics
                                      with PATH-PREFIX / for /metrics and /status; # comments);
                                      clients send 'Authorization: Bearer TOKEN'; re-read when it changes
              --grace DURATION        on stop, how long streaming pipes may go    [PIPE_GRACE]      (30s)
                                      on (new ones get 503) before they are cut off
              --trust-forwarded true|false  take the client address from          [PIPE_TRUST_FORWARDED] (false)
                                      Forwarded / X-Forwarded-For: only behind a reverse proxy that sets them
              --http2 true|false      also speak HTTP/2 on the same port: h2c      [PIPE_HTTP2]      (true)
                                      (prior knowledge or Upgrade: h2c), or h2 by ALPN with TLS
              --tls-cert FILE         serve HTTPS with this PEM certificate chain [PIPE_TLS_CERT]   (none: HTTP)
              --tls-key FILE          and its PEM private key (as certbot writes  [PIPE_TLS_KEY]
                                      fullchain.pem and privkey.pem); re-read when they change
              --tls-keystore FILE     or a PKCS#12 keystore, its password in the  [PIPE_TLS_KEYSTORE]
                                      environment variable PIPE_TLS_PASSWORD
              --metrics true|false    serve /metrics (Prometheus) and /status     [PIPE_METRICS]    (true)
                                      (a live page); with --token-file they need the metrics role
              --warmup SIZE           bytes moved through a private loopback      [PIPE_WARMUP]     (64m)
                                      copy of the server before it takes requests, so that the first
                                      transfer runs at full speed; 0 to start at once
              --help                  print this help and exit
              --version               print this server's version and exit

            Durations are written 300ms, 45s, 5m, 1h.

            Try it:
              curl "http://127.0.0.1:8080/api/v1/pipe/replay?n=2"                     # in two terminals
              cat incident.log | pv -L 50k | curl -T - "http://127.0.0.1:8080/api/v1/pipe/replay?n=2"
            """;

    private static final Map<String, String> ENV = Map.ofEntries(
            Map.entry("--host", "PIPE_HOST"),
            Map.entry("--port", "PIPE_PORT"),
            Map.entry("--path-prefix", "PIPE_PATH_PREFIX"),
            Map.entry("--join-timeout", "PIPE_JOIN_TIMEOUT"),
            Map.entry("--idle-timeout", "PIPE_IDLE_TIMEOUT"),
            Map.entry("--max-receivers", "PIPE_MAX_RECEIVERS"),
            Map.entry("--slow-receiver", "PIPE_SLOW_RECEIVER"),
            Map.entry("--chunk-size", "PIPE_CHUNK_SIZE"),
            Map.entry("--window", "PIPE_WINDOW"),
            Map.entry("--max-pipes", "PIPE_MAX_PIPES"),
            Map.entry("--max-waiting-per-client", "PIPE_MAX_WAITING_PER_CLIENT"),
            Map.entry("--token-file", "PIPE_TOKEN_FILE"),
            Map.entry("--grace", "PIPE_GRACE"),
            Map.entry("--trust-forwarded", "PIPE_TRUST_FORWARDED"),
            Map.entry("--http2", "PIPE_HTTP2"),
            Map.entry("--tls-cert", "PIPE_TLS_CERT"),
            Map.entry("--tls-key", "PIPE_TLS_KEY"),
            Map.entry("--tls-keystore", "PIPE_TLS_KEYSTORE"),
            Map.entry("--metrics", "PIPE_METRICS"),
            Map.entry("--warmup", "PIPE_WARMUP"));

    /** Reads {@code args} over {@code env} over the defaults. */
    static ServerOptions parse(String[] args, Map<String, String> env) throws UsageException {
        java.util.Map<String, String> values = new java.util.HashMap<>();
        ENV.forEach((flag, variable) -> {
            String value = env.get(variable);
            if (value != null && !value.isBlank()) {
                values.put(flag, value.trim());
            }
        });
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
                continue;
            }
            String flag = arg;
            String value;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                flag = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            } else if (ENV.containsKey(arg)) {
                if (i + 1 >= args.length) {
                    throw new UsageException(arg + " needs a value");
                }
                value = args[++i];
            } else {
                throw new UsageException("unknown option '" + arg + "'");
            }
            if (!ENV.containsKey(flag)) {
                throw new UsageException("unknown option '" + flag + "'");
            }
            values.put(flag, value);
        }
        String host = values.getOrDefault("--host", "127.0.0.1");
        if (host.isBlank()) {
            throw new UsageException("--host must not be empty");
        }
        int port = integer(values, "--port", 8080, 0, 65535);
        String prefix = values.getOrDefault("--path-prefix", "/api/v1/pipe");
        try {
            prefix = PipeServers.normalizePrefix(prefix);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--path-prefix: " + e.getMessage());
        }
        PipeConfig config = PipeConfig.defaults()
                .withJoinTimeout(duration(values, "--join-timeout", Duration.ofMinutes(5)))
                .withIdleTimeout(duration(values, "--idle-timeout", Duration.ofHours(1)))
                .withMaxReceivers(integer(values, "--max-receivers", PipeConfig.RECEIVERS_CAP, 1,
                        PipeConfig.RECEIVERS_CAP))
                .withSlowReceiver(policy(values))
                .withChunkSize(size(values, "--chunk-size", DEFAULT_CHUNK, 4 * 1024, 16 * 1024 * 1024))
                .withWindow(integer(values, "--window", 1, 1, 2))
                .withMaxPipes(integer(values, "--max-pipes", PipeConfig.defaults().maxPipes(), 1, 10_000_000))
                .withMaxWaitingPerClient(integer(values, "--max-waiting-per-client", DEFAULT_WAITING_PER_CLIENT, 0,
                        10_000_000));
        Path tokenFile = null;
        String tokens = values.get("--token-file");
        if (tokens != null) {
            tokenFile = Path.of(tokens);
            if (!Files.isRegularFile(tokenFile) || !Files.isReadable(tokenFile)) {
                throw new UsageException("--token-file: cannot read '" + tokens + "'");
            }
        }
        Duration grace = values.containsKey("--grace") ? duration(values, "--grace", null) : Duration.ofSeconds(30);
        boolean trust = bool(values, "--trust-forwarded", false);
        boolean http2 = bool(values, "--http2", true);
        boolean metrics = bool(values, "--metrics", true);
        int warmup = size(values, "--warmup", DEFAULT_WARMUP, 0, 1024 * 1024 * 1024);
        return new ServerOptions(host, port, prefix, config, tokenFile, grace, trust, http2, tls(values, env), metrics,
                warmup, help, unknownVariables(env));
    }

    /**
     * A line for each {@code PIPE_} variable of {@code env} that this server does not read (a misspelling, say, which
     * would otherwise be ignored without a word).
     */
    static java.util.List<String> unknownVariables(Map<String, String> env) {
        return env.keySet().stream().filter(name -> name.startsWith("PIPE_"))
                .filter(name -> !ENV.containsValue(name) && !name.equals("PIPE_TLS_PASSWORD")).sorted()
                .map(name -> "the environment variable " + name + " is not one of this server's and is ignored"
                        + " (see --help)").toList();
    }

    /** The TLS flags: both PEM files, or a keystore and its password, or none. */
    private static Tls tls(Map<String, String> values, Map<String, String> env) throws UsageException {
        Path cert = readable(values, "--tls-cert");
        Path key = readable(values, "--tls-key");
        Path keystore = readable(values, "--tls-keystore");
        if (keystore != null) {
            if (cert != null || key != null) {
                throw new UsageException("give --tls-keystore, or --tls-cert and --tls-key, not both");
            }
            String password = env.get("PIPE_TLS_PASSWORD");
            if (password == null) {
                throw new UsageException("--tls-keystore needs its password in the environment variable "
                        + "PIPE_TLS_PASSWORD");
            }
            return new Tls(null, null, keystore, password.toCharArray());
        }
        if ((cert == null) != (key == null)) {
            throw new UsageException("--tls-cert and --tls-key go together: the certificate chain and its key");
        }
        return cert == null ? null : new Tls(cert, key, null, null);
    }

    private static Path readable(Map<String, String> values, String flag) throws UsageException {
        String name = values.get(flag);
        if (name == null) {
            return null;
        }
        Path file = Path.of(name);
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new UsageException(flag + ": cannot read '" + name + "'");
        }
        return file;
    }

    private static boolean bool(Map<String, String> values, String flag, boolean fallback) throws UsageException {
        String text = values.getOrDefault(flag, String.valueOf(fallback)).trim().toLowerCase(java.util.Locale.ROOT);
        if (!text.equals("true") && !text.equals("false")) {
            throw new UsageException(flag + " must be true or false, not '" + text + "'");
        }
        return text.equals("true");
    }

    private static int integer(Map<String, String> values, String flag, int fallback, int min, int max)
            throws UsageException {
        String text = values.get(flag);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new UsageException(flag + " must be a whole number from " + min + " to " + max + ", not '" + text + "'");
    }

    /** A size written {@code 65536}, {@code 64k}, {@code 1m} or {@code 1g}. */
    private static int size(Map<String, String> values, String flag, int fallback, int min, int max)
            throws UsageException {
        String text = values.get(flag);
        if (text == null) {
            return fallback;
        }
        String lower = text.trim().toLowerCase(java.util.Locale.ROOT);
        long unit = lower.endsWith("k") ? 1024 : lower.endsWith("m") ? 1024 * 1024
                : lower.endsWith("g") ? 1024 * 1024 * 1024 : 1;
        try {
            long value = Math.multiplyExact(Long.parseLong(unit == 1 ? lower
                    : lower.substring(0, lower.length() - 1)), unit);
            if (value >= min && value <= max) {
                return (int) value;
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // fall through to the message
        }
        throw new UsageException(flag + " must be a size from " + sizeText(min) + " to " + sizeText(max)
                + " (65536, 64k, 1m), not '" + text + "'");
    }

    /** {@code bytes} as a size flag is written: 0, 4k, 16m, 1g, 1000. */
    static String sizeText(int bytes) {
        if (bytes == 0) {
            return "0";
        }
        if (bytes % (1 << 30) == 0) {
            return (bytes >> 30) + "g";
        }
        if (bytes % (1 << 20) == 0) {
            return (bytes >> 20) + "m";
        }
        return bytes % (1 << 10) == 0 ? (bytes >> 10) + "k" : Integer.toString(bytes);
    }

    private static Duration duration(Map<String, String> values, String flag, Duration fallback) throws UsageException {
        String text = values.get(flag);
        if (text == null) {
            return fallback;
        }
        try {
            Duration value = Durations.parse(text);
            if (value.isZero()) {
                throw new IllegalArgumentException("must be more than zero");
            }
            return value;
        } catch (IllegalArgumentException e) {
            throw new UsageException(flag + ": " + e.getMessage());
        }
    }

    private static SlowReceiverPolicy policy(Map<String, String> values) throws UsageException {
        String text = values.get("--slow-receiver");
        if (text == null) {
            return SlowReceiverPolicy.block();
        }
        try {
            return SlowReceiverPolicy.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--slow-receiver: " + e.getMessage());
        }
    }
}
