package dev.pipe.bench.load;

import java.util.zip.CRC32C;

/** The bytes senders send: a deterministic block, repeated, and its checksum, against which receivers are checked. */
final class Patterns {

    private Patterns() {
    }

    /** A deterministic block of bytes. */
    static byte[] pattern(int length, long seed) {
        byte[] bytes = new byte[length];
        long x = seed;
        for (int i = 0; i < length; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            bytes[i] = (byte) (x >>> 56);
        }
        return bytes;
    }

    /** The CRC32C of {@code bytes} bytes of the repeated block. */
    static long crcOfPattern(byte[] block, long bytes) {
        CRC32C crc = new CRC32C();
        for (long left = bytes; left > 0; ) {
            int length = (int) Math.min(block.length, left);
            crc.update(block, 0, length);
            left -= length;
        }
        return crc.getValue();
    }
}
