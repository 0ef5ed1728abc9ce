package org.mallocsim.traces.natives;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongConsumer;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.Traces;

/**
 * Compares a recorded trace file with a replay's answers file by streaming both side by side into
 * a {@link FidelityReport} ({@link FidelityReport#compare(TraceReader, TraceReader, LongConsumer)}):
 * one event of each in memory at a time, whatever their length. Thread and fork events are skipped
 * on both sides; they are events, not calls.
 */
public final class TraceComparison {
    private TraceComparison() {}

    /** Compares two trace files (any format {@link Traces#open} reads). */
    public static FidelityReport compare(Path recorded, Path replayed) throws IOException {
        return compare(recorded, replayed, n -> {});
    }

    /**
     * Compares two trace files, telling {@code progress} how many recorded calls were compared
     * every so often (for a progress bar).
     */
    public static FidelityReport compare(Path recorded, Path replayed, LongConsumer progress) throws IOException {
        try (TraceReader a = Traces.open(recorded);
                TraceReader b = Traces.open(replayed)) {
            return FidelityReport.compare(a, b, progress);
        }
    }
}
