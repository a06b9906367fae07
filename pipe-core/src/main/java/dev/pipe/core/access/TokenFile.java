package dev.pipe.core.access;

import dev.pipe.core.PipeKey;
import dev.pipe.core.Scheduler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AccessPolicy} read from a file of bearer tokens, one rule per line:
 *
 * <pre>
 * # TOKEN                          ROLE     PATH-PREFIX
 * 6f1e0c2b9a7d4e58b3c1f0a29d8e7b64 send     incidents/
 * 0b8a3f6d2c1e4975a8b6c3d2e1f09a7b receive  incidents/
 * c3d2e1f09a7b0b8a3f6d2c1e4975a8b6 both     /
 * 9d8e7b646f1e0c2b9a7d4e58b3c1f0a2 metrics  /
 * </pre>
 *
 * ROLE is {@code send}, {@code receive}, {@code both} or {@code metrics} (the server's figures, which name no pipe:
 * its PATH-PREFIX must be {@code /}); PATH-PREFIX names the pipes, by whole path segments:
 * {@code incidents/} or {@code incidents} is the pipe {@code incidents} and every pipe under {@code incidents/}, never
 * {@code incidents-old}; {@code /} is every pipe; a leading {@code /} is ignored. {@code #} starts a comment. A token
 * may have several rules. A request without a token is {@code UNAUTHENTICATED}; a token that no rule allows for the role
 * and path is {@code DENY}. Tokens are kept only as SHA-256 digests and compared in constant time, every rule every
 * time, so that timing tells nothing of which token or rule matched.
 *
 * <p>{@link #watch} re-reads the file when its content changes (compared by digest, so a change that keeps the
 * file's size and time is seen too) and has stayed the same for two checks in a row, so that a file read while an
 * editor is still writing it (a rule cut short, {@code /incidents} read as {@code /}) is never taken; a change that
 * does not parse, or a file that cannot be read (deleted, say), leaves the rules as they were, with a warning in the
 * log, which never shows a line's fields.
 */
public final class TokenFile implements AccessPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(TokenFile.class);

    private record Rule(byte[] digest, boolean send, boolean receive, boolean metrics, String prefix) {
    }

    private final Path file;
    private final SettledChange changes;
    private volatile List<Rule> rules;

    private TokenFile(Path file, List<Rule> rules, byte[] content) {
        this.file = file;
        this.rules = rules;
        this.changes = new SettledChange(content);
    }

    /**
     * Reads {@code file}.
     *
     * @param file the token file, in UTF-8
     * @return the policy with the file's rules; {@link #watch} keeps them up to date
     * @throws IOException when it cannot be read
     * @throws IllegalArgumentException when a line is not a rule; the message names the line, never its token
     */
    public static TokenFile load(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        byte[] content = Files.readAllBytes(file);
        return new TokenFile(file, parse(lines(content)), content);
    }

    /**
     * The number of rules in force.
     *
     * @return the number of rules read from the file last taken; 0 when it had none
     */
    public int size() {
        return rules.size();
    }

    @Override
    public Decision check(Role role, PipeKey key, Credentials credentials) {
        String token = credentials.bearerToken();
        if (token == null || token.isEmpty()) {
            return Decision.UNAUTHENTICATED;
        }
        byte[] digest = sha256(token);
        String path = key == null ? "" : key.path();
        boolean allowed = false;
        for (Rule rule : rules) {
            // every rule, no early exit: the time taken does not depend on which rule matched
            boolean same = MessageDigest.isEqual(digest, rule.digest);
            boolean may = switch (role) {
                case SEND -> rule.send;
                case RECEIVE -> rule.receive;
                case METRICS -> rule.metrics;
            };
            allowed |= same & may & under(path, rule.prefix);
        }
        return allowed ? Decision.ALLOW : Decision.DENY;
    }

    /**
     * Re-reads the file if its content changed since it was last read and is the same as at the check before this
     * one; true when the rules changed. A file that cannot be read or parsed leaves the rules as they were (logged
     * once per change).
     *
     * @return true when the file was re-read and its rules are now in force
     */
    public boolean reloadIfChanged() {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            if (changes.unreadable()) {
                LOG.warn("token file cannot be read ({}); keeping its {} rules", e.getClass().getSimpleName(),
                        rules.size());
            }
            return false;
        }
        if (!changes.settled(content)) {
            return false;
        }
        try {
            List<Rule> read = parse(lines(content));
            rules = read;
            LOG.info("token file re-read: {} rules", read.size());
            return true;
        } catch (IllegalArgumentException e) {
            LOG.warn("token file not re-read, keeping its {} rules: {}", rules.size(), e.getMessage());
            return false;
        }
    }

    /**
     * Checks the file for changes every {@code every}, on {@code scheduler}, until {@code scheduler} stops.
     *
     * @param scheduler the scheduler whose timers run the checks
     * @param every     the time between two checks; a change is taken at the second check that sees it
     */
    public void watch(Scheduler scheduler, Duration every) {
        SettledChange.every(scheduler, every, this::reloadIfChanged);
    }

    static List<Rule> parse(List<String> lines) {
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String text = (hash < 0 ? line : line.substring(0, hash)).trim();
            if (text.isEmpty()) {
                continue;
            }
            String[] fields = text.split("\\s+");
            if (fields.length != 3) {
                throw new IllegalArgumentException("line " + (i + 1) + ": expected TOKEN ROLE PATH-PREFIX, found "
                        + fields.length + " field(s)");
            }
            String role = fields[1].toLowerCase(Locale.ROOT);
            if (!List.of("send", "receive", "both", "metrics").contains(role)) {
                // the field is not shown: in a line whose columns are swapped, it may be a token
                throw new IllegalArgumentException("line " + (i + 1) + ": the second field (ROLE) must"
                        + " be send, receive, both or metrics");
            }
            boolean send = role.equals("send") || role.equals("both");
            boolean receive = role.equals("receive") || role.equals("both");
            boolean metrics = role.equals("metrics");
            if (metrics && !fields[2].equals("/")) {
                throw new IllegalArgumentException("line " + (i + 1) + ": the metrics role names no pipe: its"
                        + " PATH-PREFIX must be /");
            }
            String prefix = fields[2].startsWith("/") ? fields[2].substring(1) : fields[2];
            if (!prefix.isEmpty() && !prefix.endsWith("/")) {
                prefix = prefix + "/";
            }
            rules.add(new Rule(sha256(fields[0]), send, receive, metrics, prefix));
        }
        return List.copyOf(rules);
    }

    /** Is {@code path} the pipe {@code prefix} names (which ends with "/", or is empty: every pipe) or under it? */
    private static boolean under(String path, String prefix) {
        return path.startsWith(prefix) || (path.length() == prefix.length() - 1 && prefix.startsWith(path));
    }

    private static List<String> lines(byte[] content) {
        return new String(content, StandardCharsets.UTF_8).lines().toList();
    }

    private static byte[] sha256(String token) {
        return sha256(token.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "TokenFile[" + rules.size() + " rules]";
    }
}
