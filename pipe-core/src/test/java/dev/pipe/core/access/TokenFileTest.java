package dev.pipe.core.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeException;
import dev.pipe.core.PipeKey;
import dev.pipe.core.testing.ManualScheduler;
import dev.pipe.core.access.AccessPolicy.Decision;
import dev.pipe.core.access.AccessPolicy.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bearer-token file: its rules, its refusals, and its re-reading. */
class TokenFileTest {

    private static final String RULES = """
            # incidents: the SRE sends, the team watches
            sre-token       send     incidents/
            team-token      receive  /incidents/     # a leading slash is the same prefix
            admin-token     both     /
            team-token      send     scratch/        # a token may have several rules
            """;

    @TempDir
    Path dir;

    private Decision check(TokenFile tokens, Role role, String path, String token) throws PipeException {
        return tokens.check(role, PipeKey.of(path, 1024), new Credentials(token, null, "127.0.0.1"));
    }

    private TokenFile load(String text) throws IOException {
        Path file = dir.resolve("tokens");
        Files.writeString(file, text);
        return TokenFile.load(file);
    }

    @Test
    void eachRuleAllowsItsRoleUnderItsPrefixAndNothingElse() throws Exception {
        TokenFile tokens = load(RULES);
        assertEquals(4, tokens.size());
        assertEquals(Decision.ALLOW, check(tokens, Role.SEND, "incidents/today", "sre-token"));
        assertEquals(Decision.DENY, check(tokens, Role.RECEIVE, "incidents/today", "sre-token"), "send only");
        assertEquals(Decision.DENY, check(tokens, Role.SEND, "other", "sre-token"), "outside its prefix");
        assertEquals(Decision.ALLOW, check(tokens, Role.RECEIVE, "incidents/today", "team-token"));
        assertEquals(Decision.DENY, check(tokens, Role.SEND, "incidents/today", "team-token"));
        assertEquals(Decision.ALLOW, check(tokens, Role.SEND, "scratch/x", "team-token"), "its second rule");
        assertEquals(Decision.ALLOW, check(tokens, Role.SEND, "anything", "admin-token"));
        assertEquals(Decision.ALLOW, check(tokens, Role.RECEIVE, "anything", "admin-token"));
    }

    @Test
    void theMetricsRoleReadsFiguresOnlyAndNoOtherRoleReadsThem() throws Exception {
        TokenFile tokens = load(RULES + "ops-token metrics /\n");
        assertEquals(Decision.ALLOW, tokens.check(Role.METRICS, null, new Credentials("ops-token", null, "::1")));
        assertEquals(Decision.DENY, tokens.check(Role.METRICS, null, new Credentials("admin-token", null, "::1")),
                "both is send and receive, not metrics");
        assertEquals(Decision.UNAUTHENTICATED, tokens.check(Role.METRICS, null, new Credentials(null, null, "::1")));
        assertEquals(Decision.DENY, check(tokens, Role.SEND, "anything", "ops-token"));
        assertEquals(Decision.DENY, check(tokens, Role.RECEIVE, "anything", "ops-token"));
    }

    @Test
    void aPrefixNamesWholePathSegments() throws Exception {
        TokenFile tokens = load("t send replay\nu send team/a/\n");
        assertEquals(Decision.ALLOW, check(tokens, Role.SEND, "replay", "t"));
        assertEquals(Decision.ALLOW, check(tokens, Role.SEND, "replay/today", "t"));
        assertEquals(Decision.DENY, check(tokens, Role.SEND, "replay-secret", "t"), "not a segment of replay");
        assertEquals(Decision.DENY, check(tokens, Role.SEND, "replayX/1", "t"));
        assertEquals(Decision.ALLOW, check(tokens, Role.SEND, "team/a", "u"));
        assertEquals(Decision.ALLOW, check(tokens, Role.SEND, "team/a/b", "u"));
        assertEquals(Decision.DENY, check(tokens, Role.SEND, "team/ab", "u"));
    }

    @Test
    void noTokenIsUnauthenticatedAndAnUnknownOneIsDenied() throws Exception {
        TokenFile tokens = load(RULES);
        assertEquals(Decision.UNAUTHENTICATED, check(tokens, Role.SEND, "incidents/x", null));
        assertEquals(Decision.UNAUTHENTICATED, check(tokens, Role.SEND, "incidents/x", ""));
        assertEquals(Decision.DENY, check(tokens, Role.SEND, "incidents/x", "sre-toke"));
        assertEquals(Decision.DENY, check(tokens, Role.SEND, "incidents/x", "sre-token "));
        assertEquals(Decision.DENY, check(tokens, Role.SEND, "incidents/x", "SRE-TOKEN"), "tokens are exact");
        assertEquals(Decision.DENY, check(tokens, Role.SEND, "incidents/x", "# incidents:"), "comments are no rule");
    }

    @Test
    void aLineThatIsNotARuleIsRefusedWithItsNumberButNotItsToken() {
        IllegalArgumentException fields = assertThrows(IllegalArgumentException.class,
                () -> load("# ok\nsecret-one send\n"));
        assertEquals("line 2: expected TOKEN ROLE PATH-PREFIX, found 2 field(s)", fields.getMessage());
        IllegalArgumentException role = assertThrows(IllegalArgumentException.class,
                () -> load("secret-two write /\n"));
        assertEquals("line 1: the second field (ROLE) must be send, receive, both or metrics", role.getMessage());
        IllegalArgumentException metrics = assertThrows(IllegalArgumentException.class,
                () -> load("secret-four metrics incidents/\n"));
        assertEquals("line 1: the metrics role names no pipe: its PATH-PREFIX must be /", metrics.getMessage());
        IllegalArgumentException swapped = assertThrows(IllegalArgumentException.class,
                () -> load("both secret-three /\n"));
        assertFalse(swapped.getMessage().contains("secret"), "a token in the wrong column is not shown: "
                + swapped.getMessage());
        assertFalse(fields.getMessage().contains("secret") || role.getMessage().contains("secret"));
    }

    @Test
    void anEmptyFileAllowsNobody() throws Exception {
        TokenFile tokens = load("# nobody yet\n\n");
        assertEquals(0, tokens.size());
        assertEquals(Decision.DENY, check(tokens, Role.RECEIVE, "a", "any"));
    }

    @Test
    void aChangedFileIsReReadAndABrokenChangeKeepsTheRulesInForce() throws Exception {
        Path file = dir.resolve("tokens");
        Files.writeString(file, "old-token both /\n");
        TokenFile tokens = TokenFile.load(file);
        assertFalse(tokens.reloadIfChanged(), "unchanged");

        write(file, "new-token both /\n", 1);
        assertFalse(tokens.reloadIfChanged(), "a change is taken once two checks see the same content");
        assertEquals(Decision.ALLOW, check(tokens, Role.SEND, "a", "old-token"));
        assertTrue(tokens.reloadIfChanged());
        assertEquals(Decision.DENY, check(tokens, Role.SEND, "a", "old-token"));
        assertEquals(Decision.ALLOW, check(tokens, Role.SEND, "a", "new-token"));

        write(file, "nEw-token both /\n", 1);
        assertFalse(tokens.reloadIfChanged());
        assertTrue(tokens.reloadIfChanged(), "same size, same time, another token: seen");
        assertEquals(Decision.ALLOW, check(tokens, Role.SEND, "a", "nEw-token"));

        write(file, "new-token fly /\n", 2);
        assertFalse(tokens.reloadIfChanged());
        assertFalse(tokens.reloadIfChanged(), "a broken file is not taken");
        assertEquals(Decision.ALLOW, check(tokens, Role.SEND, "a", "nEw-token"));

        Files.delete(file);
        assertFalse(tokens.reloadIfChanged(), "a missing file is not taken either");
        assertEquals(Decision.ALLOW, check(tokens, Role.SEND, "a", "nEw-token"));

        write(file, "third-token receive logs/\n", 3);
        assertFalse(tokens.reloadIfChanged());
        assertTrue(tokens.reloadIfChanged(), "the file is back");
        assertEquals(Decision.ALLOW, check(tokens, Role.RECEIVE, "logs/1", "third-token"));
        assertEquals(Decision.DENY, check(tokens, Role.SEND, "a", "nEw-token"));
    }

    /** A file caught mid-write (a rule cut short, which would open more pipes) is not taken: it changes again. */
    @Test
    void aFileStillBeingWrittenIsNotTaken() throws Exception {
        Path file = dir.resolve("tokens");
        Files.writeString(file, "tok both /incidents\n");
        TokenFile tokens = TokenFile.load(file);
        write(file, "tok both /", 1);           // the editor's first write
        assertFalse(tokens.reloadIfChanged());
        write(file, "tok both /incidents/today\n", 1); // and its last
        assertFalse(tokens.reloadIfChanged(), "still changing");
        assertEquals(Decision.DENY, check(tokens, Role.SEND, "elsewhere", "tok"), "the cut rule was never in force");
        assertTrue(tokens.reloadIfChanged());
        assertEquals(Decision.ALLOW, check(tokens, Role.SEND, "incidents/today", "tok"));
        assertEquals(Decision.DENY, check(tokens, Role.SEND, "incidents/other", "tok"));
    }

    @Test
    void watchReReadsOnTheSchedulersTime() throws Exception {
        Path file = dir.resolve("tokens");
        Files.writeString(file, "old-token both /\n");
        TokenFile tokens = TokenFile.load(file);
        ManualScheduler scheduler = new ManualScheduler();
        tokens.watch(scheduler, java.time.Duration.ofSeconds(1));
        write(file, "new-token both /\n", 1);
        assertEquals(Decision.ALLOW, check(tokens, Role.SEND, "a", "old-token"), "not before the next check");
        scheduler.advanceBy(java.time.Duration.ofSeconds(1));
        assertEquals(Decision.ALLOW, check(tokens, Role.SEND, "a", "old-token"), "nor before it is seen twice");
        scheduler.advanceBy(java.time.Duration.ofSeconds(1));
        assertEquals(Decision.ALLOW, check(tokens, Role.SEND, "a", "new-token"));
        assertEquals(1, scheduler.pending(), "the watch goes on");
    }

    @Test
    void credentialsNeverShowTheirToken() {
        String shown = new Credentials("very-secret", null, "10.1.2.3").toString();
        assertFalse(shown.contains("very-secret"), shown);
        assertTrue(shown.contains("bearer=given"), shown);
    }

    /** Writes {@code text} and sets its modification time back to one fixed instant: only the content tells. */
    private static void write(Path file, String text, int step) throws IOException {
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
    }
}
