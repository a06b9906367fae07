package dev.pipe.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The slow-receiver policy reads and prints as {@code block} or {@code drop-after=<duration>}. */
class SlowReceiverPolicyTest {

    @Test
    void blockIsTheDefaultAndReadsBack() {
        assertSame(SlowReceiverPolicy.block(), PipeConfig.defaults().slowReceiver());
        assertSame(SlowReceiverPolicy.block(), SlowReceiverPolicy.parse("block"));
        assertSame(SlowReceiverPolicy.block(), SlowReceiverPolicy.parse(" block "));
        assertTrue(SlowReceiverPolicy.block().isBlock());
        assertNull(SlowReceiverPolicy.block().dropAfter());
        assertEquals("block", SlowReceiverPolicy.block().toString());
    }

    @Test
    void dropAfterReadsItsDuration() {
        SlowReceiverPolicy policy = SlowReceiverPolicy.parse("drop-after=30s");
        assertFalse(policy.isBlock());
        assertEquals(Duration.ofSeconds(30), policy.dropAfter());
        assertEquals(SlowReceiverPolicy.dropAfter(Duration.ofSeconds(30)), policy);
        assertEquals(SlowReceiverPolicy.dropAfter(Duration.ofSeconds(30)).hashCode(), policy.hashCode());
        assertEquals("drop-after=30s", policy.toString());
        assertEquals(Duration.ofMillis(1500), SlowReceiverPolicy.parse("drop-after=1500ms").dropAfter());
    }

    @ParameterizedTest
    @ValueSource(strings = {"drop-after=30s", "drop-after=5m", "drop-after=1h", "drop-after=250ms", "block"})
    void toStringReadsBackAsTheSamePolicy(String text) {
        SlowReceiverPolicy policy = SlowReceiverPolicy.parse(text);
        assertEquals(text, policy.toString());
        assertEquals(policy, SlowReceiverPolicy.parse(policy.toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Block", "drop", "drop-after", "drop-after=", "drop-after=0s", "drop-after=-5s",
            "drop-after=30", "drop-after 30s", "drop-after=30s,block"})
    void anythingElseIsRefused(String text) {
        assertThrows(IllegalArgumentException.class, () -> SlowReceiverPolicy.parse(text));
    }

    @Test
    void dropAfterMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> SlowReceiverPolicy.dropAfter(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> SlowReceiverPolicy.dropAfter(Duration.ofSeconds(-1)));
        assertThrows(NullPointerException.class, () -> SlowReceiverPolicy.dropAfter(null));
    }
}
