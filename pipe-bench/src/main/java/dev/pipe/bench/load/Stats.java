package dev.pipe.bench.load;

import java.util.Arrays;
import java.util.List;

/** Percentiles of nanosecond samples, in milliseconds. */
final class Stats {

    private Stats() {
    }

    /** {p50, p99, max} in milliseconds; zeros for no sample. */
    static double[] millis(long[] nanos) {
        if (nanos.length == 0) {
            return new double[3];
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new double[] {at(sorted, 0.50) / 1e6, at(sorted, 0.99) / 1e6, sorted[sorted.length - 1] / 1e6};
    }

    static double[] millis(List<Long> nanos) {
        return millis(nanos.stream().mapToLong(Long::longValue).toArray());
    }

    /** The nearest-rank percentile. */
    private static long at(long[] sorted, double quantile) {
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
