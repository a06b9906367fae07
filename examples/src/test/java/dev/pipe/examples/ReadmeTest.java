package dev.pipe.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's embedding example is a program that compiles: the file in this module, shown whole. */
class ReadmeTest {

    @Test
    void theReadmeShowsOpsPortalAsItCompiles() throws Exception {
        String readme = Files.readString(Path.of("../README.md"));
        String source = Files.readString(Path.of("src/main/java/dev/pipe/examples/readme/OpsPortal.java"));
        String shown = source.substring(source.indexOf('\n', source.indexOf("package ")) + 1).strip();
        assertTrue(readme.contains("```java\n" + shown + "\n```"), "README.md must show OpsPortal.java as it is,"
                + " from its imports on");
    }
}
