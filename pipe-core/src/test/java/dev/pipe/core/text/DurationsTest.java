package dev.pipe.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeConfig;
import dev.pipe.core.SlowReceiverPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Durations read and print as people write them in flags ({@code 300ms}, {@code 45s}, {@code 5m}, {@code 1h}). */
class DurationsTest {

    @ParameterizedTest
    @CsvSource({
            "300ms, PT0.3S",
            "0ms, PT0S",
            "45s, PT45S",
            "5m, PT5M",
            "1h, PT1H",
            "2d, PT48H",
            "' 90s ', PT1M30S",
    })
    void parseReadsANumberAndAUnit(String text, String expected) {
        assertEquals(Duration.parse(expected), Durations.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "m", "1.5s", "-1s", "5 m", "5M", "5min", "1h30m", "PT5M", "1234567890123s",
            "366d", "8785h", "999999999999d"})
    void parseRefusesAnythingElseAndQuotesIt(String text) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertTrue(refused.getMessage().contains("'" + text + "'"), refused.getMessage());
    }

    @Test
    void aYearIsTheLongestSetting() {
        assertEquals(Durations.MAX, Durations.parse("365d"));
        assertThrows(IllegalArgumentException.class, () -> PipeConfig.defaults().withJoinTimeout(Duration.ofDays(366)));
        assertThrows(IllegalArgumentException.class, () -> SlowReceiverPolicy.dropAfter(Duration.ofDays(366)));
    }

    @ParameterizedTest
    @CsvSource({
            "PT0.3S, 300ms",
            "PT1.5S, 1500ms",
            "PT45S, 45s",
            "PT90S, 90s",
            "PT5M, 5m",
            "PT1H, 1h",
            "PT1H30M, 90m",
            "PT48H, 2d",
            "PT0S, 0s",
    })
    void formatPrintsTheShortestExactText(String duration, String expected) {
        assertEquals(expected, Durations.format(Duration.parse(duration)));
    }

    @Test
    void formatThenParseGivesTheSameDuration() {
        for (String text : new String[] {"1ms", "999ms", "1s", "59s", "61s", "1m", "59m", "61m", "1h", "23h", "25h",
                "1d", "365d"}) {
            Duration duration = Durations.parse(text);
            assertEquals(duration, Durations.parse(Durations.format(duration)), text);
        }
    }
}
