package dev.pipe.client.cli;

import dev.pipe.client.PipeClient;
import dev.pipe.client.PipeClientException;
import dev.pipe.client.Received;
import dev.pipe.client.SendEvent;
import dev.pipe.client.SendResult;
import dev.pipe.client.Upload;
import dev.pipe.client.cli.Arguments.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code pipe} command: {@code pipe send}, {@code pipe receive} and {@code pipe replay}. Exit status 0 when the
 * transfer reached every receiver (or every byte came), 1 when it did not or the server refused, 2 for bad usage.
 */
public final class PipeCommand {

    static final String USAGE = """
            Usage: java -jar pipe.jar send URL [FILE|-] [--n N] [--rate 50k] [--content-type TYPE] [--token-file F]
                   java -jar pipe.jar receive URL [--n N] [-o FILE] [--token-file F]
                   java -jar pipe.jar replay LOG URL [--n N] [--speed 1] [--from 07:20] [--to 07:30]
                                     [--max-gap 5s] [--rate 50k] [--timestamp-pattern PATTERN] [--token-file F]

            URL is a pipe's URL, e.g. http://127.0.0.1:8080/api/v1/pipe/replay (n may also be given as ?n=8).

              send      sends FILE (or standard input, -) to the pipe's n receivers; progress on standard error
              receive   receives the pipe to standard output, or to FILE (written whole or not at all)
              replay    sends the log LOG with each line at the moment it was written, relative to the first line
                        sent, divided by --speed: timestamps are found in ISO-8601 (with or without a date),
                        HH:MM:SS[.fff] at the start of a line, syslog's 'MMM d HH:MM:SS' and the Common Log
                        Format; a line without one (a stack trace) goes with the line before it

              --n N                 the pipe's number of receivers (default 1, or the URL's ?n=)
              --rate RATE           at most RATE bytes per second, as pv -L: 50k, 2m (k = 1024)
              --content-type TYPE   the Content-Type receivers get (send)
              -o FILE               where to write what is received
              --speed X             replay X times faster (2) or slower (0.5) than it was written
              --from, --to HH:MM    replay only the lines written from --from until --to (times of day)
              --max-gap DURATION    shorten longer silences to this (300ms, 5s, 2m; default: none), said on stderr
              --timestamp-pattern P timestamps in java.time's pattern P at the start of each line,
                                    e.g. 'dd.MM.yyyy HH:mm:ss'
              --token-file F        a file whose first line is the bearer token (or the variable PIPE_TOKEN;
                                    never on the command line, where other users can read it)
              --help, --version

            On a terminal a status line shows who has joined, then the bytes, the rate and the receivers (for a
            replay the log's clock and the lines sent); PIPE_PROGRESS=0 turns it off.

            Exit status: 0 when every receiver got every byte (send, replay) or every byte came (receive); 1 when
            the server refused, a receiver was lost, or the stream was cut off; 2 for bad usage.
            """;

    private static final Set<String> SEND = Set.of("--n", "--rate", "--content-type", "--token-file");
    private static final Set<String> RECEIVE = Set.of("--n", "-o", "--token-file");
    private static final Set<String> REPLAY = Set.of("--n", "--speed", "--from", "--to", "--max-gap", "--rate",
            "--timestamp-pattern", "--token-file");

    private final Map<String, String> env;
    private final InputStream stdin;
    private final OutputStream stdout;
    private final PrintStream stderr;
    private final Clock clock;
    private final boolean live;   // keep a status line on standard error

    PipeCommand(Map<String, String> env, InputStream stdin, OutputStream stdout, PrintStream stderr, Clock clock,
                boolean live) {
        this.env = env;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.clock = clock;
        this.live = live;
    }

    /**
     * Runs the command of {@code args} and exits the JVM with its status: 0 when the transfer reached every receiver
     * (or every byte came), 1 when it did not or the server refused, 2 for bad usage.
     *
     * @param args the command and its arguments, such as {@code send URL FILE --n 2}; {@code --help} lists them
     */
    public static void main(String[] args) {
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        int status = new PipeCommand(System.getenv(), System.in, System.out, err, Clock.SYSTEM,
                Terminal.interactive(System.getenv())).run(args);
        System.out.flush();
        System.exit(status);
    }

    /** Runs one command; returns its exit status. */
    int run(String... args) {
        List<String> all = Arrays.asList(args);
        if (all.isEmpty() || all.contains("--help") || all.contains("-h")) {
            (all.isEmpty() ? stderr : new PrintStream(stdout, true, StandardCharsets.UTF_8)).print(USAGE);
            return all.isEmpty() ? 2 : 0;
        }
        if (all.contains("--version")) {
            new PrintStream(stdout, true, StandardCharsets.UTF_8).println("pipe " + version());
            return 0;
        }
        List<String> rest = all.subList(1, all.size());
        try {
            return switch (args[0]) {
                case "send" -> send(new Arguments(rest, SEND));
                case "receive" -> receive(new Arguments(rest, RECEIVE));
                case "replay" -> replay(new Arguments(rest, REPLAY));
                default -> throw new UsageException("unknown command '" + args[0] + "': send, receive or replay");
            };
        } catch (UsageException e) {
            stderr.println("pipe: " + e.getMessage() + " (see --help)");
            return 2;
        } catch (PipeClientException e) {
            stderr.println("pipe: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            stderr.println("pipe: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        }
    }

    private int send(Arguments args) throws UsageException, IOException {
        words(args, 1, 2, "send takes URL and, if not standard input, FILE");
        Target target = target(args, args.words().get(0));
        String file = args.words().size() > 1 ? args.words().get(1) : "-";
        Path path = file.equals("-") ? null : Path.of(file);
        if (path != null && (!Files.isRegularFile(path) || !Files.isReadable(path))) {
            throw new UsageException("cannot read '" + file + "'");
        }
        long rate = args.rate("--rate");
        InputStream in = path == null ? stdin : Files.newInputStream(path);
        Counting counted = new Counting(rate > 0 ? new RateLimitedInputStream(in, rate, clock) : in);
        Upload upload = Upload.of(counted);
        if (path != null) {
            upload = upload.fileName(path.getFileName().toString());
        }
        if (args.text("--content-type") != null) {
            upload = upload.contentType(args.text("--content-type"));
        }
        return transfer(target, upload, new Terminal(stderr, clock, counted::count, null, live));
    }

    private int replay(Arguments args) throws UsageException, IOException {
        words(args, 2, 2, "replay takes LOG and URL");
        Path log = Path.of(args.words().get(0));
        if (!Files.isRegularFile(log) || !Files.isReadable(log)) {
            throw new UsageException("cannot read the log '" + log + "'");
        }
        Target target = target(args, args.words().get(1));
        LogTime times;
        try {
            times = args.text("--timestamp-pattern") == null ? new LogTime()
                    : new LogTime(args.text("--timestamp-pattern"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--timestamp-pattern: " + e.getMessage());
        }
        ReplaySchedule schedule = new ReplaySchedule(times, args.number("--speed", 1), args.duration("--max-gap",
                null), args.timeOfDay("--from"), args.timeOfDay("--to"));
        PacedInputStream paced = new PacedInputStream(Files.newInputStream(log), schedule, clock, args.rate("--rate"));
        Counting counted = new Counting(paced);
        Upload upload = Upload.of(counted).contentType("text/plain; charset=utf-8");
        Terminal terminal = new Terminal(stderr, clock, counted::count, paced, live);
        int status = transfer(target, upload, terminal);
        if (schedule.shortened() > 0) {
            stderr.println("pipe: " + schedule.shortened() + " silence(s) longer than --max-gap were shortened, "
                    + Terminal.duration(schedule.shortenedBy()) + " of log time in all");
        }
        return status;
    }

    private int transfer(Target target, Upload upload, Terminal terminal) throws IOException {
        terminal.start();
        try {
            SendResult result = target.client.send(target.path, target.n, upload, terminal::event);
            terminal.stop();
            stderr.println("pipe: sent " + result.bytesSent() + " bytes to " + target.n + " receiver(s)");
            return 0;
        } finally {
            terminal.stop();
        }
    }

    private int receive(Arguments args) throws UsageException, IOException {
        words(args, 1, 1, "receive takes URL");
        Target target = target(args, args.words().get(0));
        String out = args.text("-o");
        if (out != null) {
            long bytes = target.client.receive(target.path, target.n, Path.of(out));
            stderr.println("pipe: received " + bytes + " bytes into " + out);
            return 0;
        }
        try (Received received = target.client.receive(target.path, target.n)) {
            received.body().transferTo(stdout);
            stdout.flush();
        } catch (IOException e) {
            stdout.flush();
            throw new IOException("the stream was cut off before its end (" + e.getMessage() + ")", e);
        }
        return 0;
    }

    /** Where to send or receive: the client for the URL's server, the pipe's path and n. */
    private record Target(PipeClient client, String path, int n) {
    }

    private static void words(Arguments args, int min, int max, String usage) throws UsageException {
        if (args.words().size() < min || args.words().size() > max) {
            throw new UsageException(usage);
        }
    }

    private Target target(Arguments args, String url) throws UsageException, IOException {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new UsageException("not a URL: " + url);
        }
        if (uri.getScheme() == null || uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2
                || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new UsageException("not a pipe's URL (http or https, with a path): " + url);
        }
        int n = 1;
        String query = uri.getRawQuery();
        if (query != null && query.startsWith("n=")) {
            try {
                n = Integer.parseInt(query.substring(2));
            } catch (NumberFormatException e) {
                throw new UsageException("the URL's n is not a number: " + query);
            }
        }
        n = args.count("--n", n, 1, 256);
        PipeClient client = PipeClient.builder(URI.create(uri.getScheme() + "://" + uri.getRawAuthority()))
                .token(token(args)).build();
        return new Target(client, uri.getPath().substring(1), n);
    }

    private String token(Arguments args) throws UsageException, IOException {
        Path file = args.readableFile("--token-file");
        if (file != null) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty() || lines.get(0).isBlank()) {
                throw new UsageException("--token-file: its first line is empty");
            }
            return lines.get(0).strip();
        }
        String token = env.get("PIPE_TOKEN");
        return token == null || token.isBlank() ? null : token.strip();
    }

    static String version() {
        Package own = PipeCommand.class.getPackage();
        String version = own == null ? null : own.getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /** A stream that counts what was read from it, for the terminal's figures. */
    static final class Counting extends java.io.FilterInputStream {
        private volatile long count;

        Counting(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
