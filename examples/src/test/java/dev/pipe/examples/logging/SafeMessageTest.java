package dev.pipe.examples.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A log line never carries a client's text as it was sent: no terminal escapes, no forged lines, no megabytes. */
class SafeMessageTest {

    @Test
    void controlCharactersAreWrittenAsEscapes() {
        assertEquals("a\\u001b[31mred\\u000d\\u000aforged line\\u0000",
                SafeMessage.escape("a\u001b[31mred\r\nforged line\u0000"));
    }

    @Test
    void lineSeparatorsAndDirectionOverridesAreWrittenAsEscapes() {
        assertEquals("x\\u2028y\\u202ez\\u2066", SafeMessage.escape("x\u2028y\u202ez\u2066"));
    }

    @Test
    void plainTextIsLeftAlone() {
        assertEquals("Encountered multiple `Host` headers: `a`, `héllo`", SafeMessage.escape(
                "Encountered multiple `Host` headers: `a`, `héllo`"));
    }

    @Test
    void aLongMessageIsCutAndSaysHowMuchIsLeftOut() {
        String text = "b".repeat(7_000);
        assertEquals("b".repeat(SafeMessage.MAX_CHARS) + "... (" + (7_000 - SafeMessage.MAX_CHARS)
                + " more characters)", SafeMessage.escape(text));
    }
}
