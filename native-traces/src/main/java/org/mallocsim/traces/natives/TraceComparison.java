package org.mallocsim.traces.natives;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongConsumer;
import org.mallocsim.traces.format.TraceEvent;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.Traces;

/**
 * Compares a recorded trace with a replay's answers by streaming both files side by side into a
 * {@link FidelityReport}: one event of each in memory at a time, whatever their length. Thread and
 * fork events are skipped on both sides; they are events, not calls.
 */
public final class TraceComparison {
    /** How many calls pass between two progress reports. */
    private static final long PROGRESS_EVERY = 1 << 16;

    private TraceComparison() {}

    /** Compares two trace files (any format {@link Traces#open} reads). */
    public static FidelityReport compare(Path recorded, Path replayed) throws IOException {
        return compare(recorded, replayed, n -> { });
    }

    /**
     * Compares two trace files, telling {@code progress} how many recorded calls were compared
     * every so often (for a progress bar).
     */
    public static FidelityReport compare(Path recorded, Path replayed, LongConsumer progress) throws IOException {
        try (TraceReader a = Traces.open(recorded); TraceReader b = Traces.open(replayed)) {
            return compare(a, b, progress);
        }
    }

    /** Compares two open readers to their ends. */
    public static FidelityReport compare(TraceReader recorded, TraceReader replayed, LongConsumer progress)
            throws IOException {
        FidelityReport report = new FidelityReport(recorded.header().startBrk, replayed.header().startBrk);
        TraceEvent a = new TraceEvent();
        TraceEvent b = new TraceEvent();
        boolean moreA = nextCall(recorded, a);
        boolean moreB = nextCall(replayed, b);
        long n = 0;
        while (moreA && moreB) {
            report.add((char) a.op, a.position, a.result, a.chunkWord, a.brk, b.result, b.chunkWord, b.brk);
            if (++n % PROGRESS_EVERY == 0) {
                progress.accept(n);
            }
            moreA = nextCall(recorded, a);
            moreB = nextCall(replayed, b);
        }
        for (; moreA; moreA = nextCall(recorded, a)) {
            report.recordedOnly();
        }
        for (; moreB; moreB = nextCall(replayed, b)) {
            report.replayedOnly();
        }
        progress.accept(n);
        return report;
    }

    /** The next allocator call, past thread start/exit and fork events. */
    private static boolean nextCall(TraceReader r, TraceEvent e) throws IOException {
        while (r.next(e)) {
            if (e.op != TraceEvent.THREAD_START && e.op != TraceEvent.THREAD_EXIT && e.op != TraceEvent.FORK) {
                return true;
            }
        }
        return false;
    }
}
