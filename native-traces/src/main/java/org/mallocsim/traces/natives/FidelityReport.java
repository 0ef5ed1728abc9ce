package org.mallocsim.traces.natives;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How many of a replay's answers equal the recorded ones, in each class of "What a faithful
 * emulation reproduces" (traces/REFERENCE-FORMAT.md): main-arena results and the break as offsets
 * from start-brk, thread-arena results as (heap in order of first appearance, offset inside the
 * 64 MiB heap), mmapped results by page offset and chunk word, and the chunk word of every call
 * that returns a pointer. Absolute mmapped addresses are counted too, though they are not always
 * reachable.
 */
public final class FidelityReport {
    /** The classes compared, in report order. */
    public enum Kind {
        /** The program break after every call, as an offset from start-brk. */
        BRK("brk offset"),
        /** The chunk word of every call that returned a pointer. */
        CHUNK_WORD("chunk word"),
        /** Main-arena results as offsets from start-brk. */
        MAIN_ARENA("main-arena offset"),
        /** Thread-arena results as (heap number, offset in heap). */
        THREAD_ARENA("thread-arena heap+offset"),
        /** Mmapped results: page offset and chunk word. */
        MMAPPED("mmapped page offset+word"),
        /** Mmapped results at the very same address (informational). */
        MMAPPED_ABSOLUTE("mmapped absolute address"),
        /** Calls that returned NULL (failed, or realloc to 0) return NULL again. */
        NULL_RESULT("NULL result");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** Human-readable name of the class. */
        public String label() {
            return label;
        }
    }

    /** Matches and totals of one class. */
    public record Count(long matched, long total) {
        /** True when every call of the class matched (also when the class is empty). */
        public boolean complete() {
            return matched == total;
        }
    }

    private static final long HEAP_SHIFT = 26; // non-main heaps are 64 MiB-aligned (HEAP_MAX_SIZE)
    private final Map<Kind, long[]> counts = new LinkedHashMap<>();
    private final int recordedCalls;
    private final int replayedCalls;
    private int firstMismatch = -1;

    private FidelityReport(int recordedCalls, int replayedCalls) {
        this.recordedCalls = recordedCalls;
        this.replayedCalls = replayedCalls;
        for (Kind k : Kind.values()) {
            counts.put(k, new long[2]);
        }
    }

    /** Compares a replay's answers with the recorded trace, call by call. */
    public static FidelityReport compare(ReferenceTrace recorded, ReferenceTrace replayed) {
        int n = Math.min(recorded.size(), replayed.size());
        FidelityReport r = new FidelityReport(recorded.size(), replayed.size());
        Map<Long, Long> recordedHeaps = new HashMap<>();
        Map<Long, Long> replayedHeaps = new HashMap<>();
        for (int i = 0; i < n; i++) {
            boolean ok = r.count(Kind.BRK,
                    recorded.brk(i) - recorded.startBrk() == replayed.brk(i) - replayed.startBrk());
            long res = recorded.result(i);
            long cw = recorded.chunkWord(i);
            long live = replayed.result(i);
            if (recorded.op(i) == 'f') {
                r.noteMismatch(i, ok);
                continue;
            }
            if (res == 0) {
                ok &= r.count(Kind.NULL_RESULT, live == 0);
                r.noteMismatch(i, ok);
                continue;
            }
            ok &= r.count(Kind.CHUNK_WORD, cw == replayed.chunkWord(i));
            if ((cw & 2) != 0) {
                ok &= r.count(Kind.MMAPPED, (res & 0xfff) == (live & 0xfff) && cw == replayed.chunkWord(i));
                r.count(Kind.MMAPPED_ABSOLUTE, res == live);
            } else if ((cw & 4) != 0) {
                long a = heapNumber(recordedHeaps, res);
                long b = heapNumber(replayedHeaps, live);
                long mask = (1L << HEAP_SHIFT) - 1;
                ok &= r.count(Kind.THREAD_ARENA, a == b && (res & mask) == (live & mask));
            } else {
                ok &= r.count(Kind.MAIN_ARENA,
                        res - recorded.startBrk() == live - replayed.startBrk());
            }
            r.noteMismatch(i, ok);
        }
        return r;
    }

    private static long heapNumber(Map<Long, Long> heaps, long ptr) {
        return heaps.computeIfAbsent(ptr >>> HEAP_SHIFT, k -> (long) heaps.size());
    }

    private boolean count(Kind k, boolean matched) {
        long[] c = counts.get(k);
        c[1]++;
        if (matched) {
            c[0]++;
        }
        return matched;
    }

    private void noteMismatch(int i, boolean ok) {
        if (!ok && firstMismatch < 0) {
            firstMismatch = i;
        }
    }

    /** The count of one class. */
    public Count count(Kind k) {
        long[] c = counts.get(k);
        return new Count(c[0], c[1]);
    }

    /** Calls in the recorded trace. */
    public int recordedCalls() {
        return recordedCalls;
    }

    /** Calls answered by the replay. */
    public int replayedCalls() {
        return replayedCalls;
    }

    /** Index (0-based, among calls) of the first call with any mismatch, or -1. */
    public int firstMismatch() {
        return firstMismatch;
    }

    /**
     * True when the replay answered every call and every class that a faithful emulation must
     * reproduce matched (absolute mmapped addresses are not required).
     */
    public boolean faithful() {
        if (recordedCalls != replayedCalls) {
            return false;
        }
        for (Kind k : Kind.values()) {
            if (k != Kind.MMAPPED_ABSOLUTE && !count(k).complete()) {
                return false;
            }
        }
        return true;
    }

    /** Fraction of pointer-returning calls whose chunk word matched (1.0 when there are none). */
    public double chunkWordMatchRate() {
        Count c = count(Kind.CHUNK_WORD);
        return c.total() == 0 ? 1.0 : (double) c.matched() / c.total();
    }

    /** One line per class: "label: matched/total". */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add(String.format("calls: %d recorded, %d replayed", recordedCalls, replayedCalls));
        for (Kind k : Kind.values()) {
            Count c = count(k);
            out.add(String.format("%s: %d/%d%s", k.label(), c.matched(), c.total(),
                    c.complete() ? "" : String.format(" (%.2f%%)", 100.0 * c.matched() / c.total())));
        }
        out.add(firstMismatch < 0 ? "first mismatch: none" : "first mismatch: call " + (firstMismatch + 1));
        return out;
    }
}
