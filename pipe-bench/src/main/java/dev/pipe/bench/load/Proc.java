package dev.pipe.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What Linux says about a process: CPU time, resident memory, threads (from {@code /proc}). */
record Proc(String pid) {

    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

    static Proc self() {
        return new Proc("self");
    }

    /** User plus system CPU seconds so far; 0 when unknown. */
    double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the command: state(0) ppid ... utime is field 14 overall, index 11 here; stime 12
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * Asks a JVM process to collect its garbage ({@code jcmd PID GC.run}), so that a reading of its resident memory
     * counts what it holds rather than garbage not yet collected; false when that failed.
     */
    boolean collectGarbage() {
        try {
            Process jcmd = new ProcessBuilder("jcmd", pid, "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return jcmd.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && jcmd.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Resident set size in KiB; -1 when unknown. */
    long rssKib() {
        return status("VmRSS:");
    }

    /** Number of threads; -1 when unknown. */
    long threads() {
        return status("Threads:");
    }

    private long status(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
