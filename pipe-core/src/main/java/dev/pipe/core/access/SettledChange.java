package dev.pipe.core.access;

import dev.pipe.core.Scheduler;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;

/**
 * Tells when the content of watched files (a token file; a certificate and its key) has changed and settled: it
 * differs from the content in force (compared by digest, so a change that keeps a file's size and time is seen too)
 * and is the same as at the check before, so that files read while they are still being written (an editor saving,
 * certbot writing a key and then its certificate) are never taken half done. {@link #every} runs such checks.
 *
 * <p>Threads: {@link #settled} and {@link #unreadable} are called by one checker at a time (a scheduler's task); the
 * fields are volatile so that the state can be read from elsewhere.
 */
public final class SettledChange {

    private volatile byte[] taken;   // the digest of the content in force, or null once it could not be read
    private volatile byte[] seen;    // a changed content's digest, seen once: taken if the next check sees it again

    /**
     * Starts from {@code contents}, the content in force.
     *
     * @param contents the content of each watched file, in a fixed order
     */
    public SettledChange(byte[]... contents) {
        this.taken = digest(contents);
    }

    /**
     * True when {@code contents} is a settled change, which is then the content in force: the caller takes it (and
     * keeps what it had when it cannot use it; it is not offered again until the files change once more).
     *
     * @param contents the content of each watched file as read now, in the same order as at construction
     * @return true when the caller should take {@code contents}; false when it is the content in force, or a change
     *         not yet seen at two checks in a row
     */
    public boolean settled(byte[]... contents) {
        byte[] digest = digest(contents);
        byte[] current = taken;
        if (current != null && MessageDigest.isEqual(digest, current)) {
            seen = null;
            return false;
        }
        byte[] once = seen;
        if (once == null || !MessageDigest.isEqual(digest, once)) {
            seen = digest; // changed since the last check: take it once it has stopped changing
            return false;
        }
        seen = null;
        taken = digest;
        return true;
    }

    /**
     * The files could not be read: whatever they hold when they can be read again is a change. True the first time
     * (for the caller to say so once).
     *
     * @return true when a content was in force until now, so for the first call after the files became unreadable
     */
    public boolean unreadable() {
        boolean first = taken != null;
        taken = null;
        return first;
    }

    /**
     * Runs {@code check} every {@code every} on {@code scheduler}, until the scheduler stops.
     *
     * @param scheduler the scheduler whose timers run the checks
     * @param every     the time between the end of one check and the start of the next
     * @param check     the check; one that throws is run again all the same
     */
    public static void every(Scheduler scheduler, Duration every, Runnable check) {
        scheduler.schedule(() -> {
            try {
                check.run();
            } finally {
                every(scheduler, every, check);
            }
        }, every);
    }

    private static byte[] digest(byte[]... contents) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (byte[] content : contents) {
                sha256.update(content);
                sha256.update((byte) 0); // between files: moving a byte from one to the next is a change
            }
            return sha256.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
