package org.mallocsim.replay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.mallocsim.traces.format.TraceEvent;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.Traces;
import org.mallocsim.traces.natives.FidelityReport;

/**
 * Replays a named trace with a named allocator and says how close its answers came to glibc's:
 * the per-class counts of {@link FidelityReport} and the first call that differs, with both
 * answers. For allocator work, e.g.
 *
 * <pre>
 *   TraceFidelity.Outcome o = TraceFidelity.replay("grep", "glibc");
 *   assertThat(o.faithful()).as(o.describe() + o.contextBeforeFirstMismatch(10)).isTrue();
 * </pre>
 */
public final class TraceFidelity {
    private TraceFidelity() {}

    /** What one replay of {@code trace} gave. */
    public record Outcome(Path trace, ReplayResult result) {
        /** The comparison (never null: {@link #replay} refuses traces without recorded answers). */
        public FidelityReport report() {
            return result.fidelity();
        }

        /** Matched and total calls per class, in report order. */
        public Map<FidelityReport.Kind, FidelityReport.Count> counts() {
            Map<FidelityReport.Kind, FidelityReport.Count> m = new LinkedHashMap<>();
            for (FidelityReport.Kind k : FidelityReport.Kind.values()) {
                m.put(k, report().count(k));
            }
            return m;
        }

        /**
         * The first mismatching call: its number and index, op and arguments, recorded and
         * emulated result, chunk word and break, and the classes it failed; "none" if none.
         */
        public String firstMismatch() {
            return report().firstMismatchDescription();
        }

        /** Every required class matched and the process answered every call. */
        public boolean faithful() {
            return result.death() == null && report().faithful();
        }

        /**
         * The recorded calls leading to the first mismatch, the mismatching one last, one per line
         * as {@code [index] TID OP ARGS = RESULT CHUNKWORD BRK}; empty when nothing mismatched.
         */
        public String contextBeforeFirstMismatch(int calls) throws IOException {
            int last = report().firstMismatch();
            if (last < 0) {
                return "";
            }
            StringBuilder sb = new StringBuilder();
            try (TraceReader in = Traces.open(trace)) {
                TraceEvent e = new TraceEvent();
                int index = -1;
                while (index < last && in.next(e)) {
                    if (e.op == TraceEvent.FREE || TraceEvent.allocates(e.op)) {
                        index++;
                        if (index >= last - calls) {
                            sb.append('[').append(index).append("] ").append(e).append('\n');
                        }
                    }
                }
            }
            return sb.toString();
        }

        /** The counts, the first mismatch and the process's death if any, one per line. */
        public String describe() {
            StringBuilder sb = new StringBuilder(result.traceName())
                    .append(" with ")
                    .append(result.allocator())
                    .append('\n');
            for (String line : report().lines()) {
                sb.append("  ").append(line).append('\n');
            }
            if (result.death() != null) {
                sb.append("  ").append(result.death().describe()).append('\n');
            }
            return sb.toString();
        }
    }

    /** Replays {@code traces/NAME.mrec.zst} of the repository with the registered allocator. */
    public static Outcome replay(String traceName, String allocatorName) throws IOException {
        return replay(trace(traceName), ReplayOptions.of(allocatorName));
    }

    /** Replays any trace file that carries glibc's answers. */
    public static Outcome replay(Path trace, ReplayOptions options) throws IOException {
        ReplayResult r = ReplayEngine.replay(trace, options);
        if (r.fidelity() == null) {
            throw new IllegalArgumentException(trace + " holds no recorded answers to compare with");
        }
        return new Outcome(trace, r);
    }

    /** The threads a trace saw start ({@code t} events), counted by tid. */
    public static int threadsStarted(Path trace) throws IOException {
        Set<Integer> tids = new HashSet<>();
        try (TraceReader r = Traces.open(trace)) {
            TraceEvent e = new TraceEvent();
            while (r.next(e)) {
                if (e.op == TraceEvent.THREAD_START) {
                    tids.add(e.tid);
                }
            }
        }
        return tids.size();
    }

    /**
     * The thread-arena heaps glibc's answers used: 64 MiB-aligned regions holding a result whose
     * chunk word says NON_MAIN_ARENA and not IS_MMAPPED. A thread arena's first heap is one of
     * them, so once the arena limit is reached this stays at the limit minus main_arena.
     */
    public static int threadHeaps(Path trace) throws IOException {
        Set<Long> heaps = new HashSet<>();
        try (TraceReader r = Traces.open(trace)) {
            TraceEvent e = new TraceEvent();
            while (r.next(e)) {
                if (e.result != 0 && (e.chunkWord & 0x4) != 0 && (e.chunkWord & 0x2) == 0) {
                    heaps.add(e.result >>> 26);
                }
            }
        }
        return heaps.size();
    }

    /** The repository's {@code traces/NAME.mrec.zst}, found from the module directory upwards. */
    public static Path trace(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path t = dir.resolve("traces").resolve(name + ".mrec.zst");
            if (Files.exists(t)) {
                return t;
            }
        }
        throw new IllegalStateException(
                "traces/" + name + ".mrec.zst not found above " + Path.of("").toAbsolutePath());
    }
}
