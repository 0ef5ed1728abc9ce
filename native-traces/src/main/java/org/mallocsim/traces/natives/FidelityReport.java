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
 *
 * <p>A report is built incrementally: construct it with both start-brks, then feed it one call's
 * recorded and replayed answers at a time ({@link #add}); it keeps counters only, so a replay
 * engine can compare as it goes without holding either trace. {@link TraceComparison} feeds it
 * from two trace readers, {@link #compare(ReferenceTrace, ReferenceTrace)} from two in-memory
 * traces.
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

    /**
     * The first call whose answers differ, with both sides' answers.
     *
     * @param call its index among calls (0-based)
     * @param position where it stands in the recorded trace (line number in text, record in mrecb)
     * @param op its operation letter
     * @param recorded the recorded result, chunk word and break
     * @param replayed the replay's result, chunk word and break
     */
    public record Mismatch(long call, long position, char op, long[] recorded, long[] replayed) {
        /** "call N (line L): m 24 -> recorded 0x.. 0x.. 0x.., replayed 0x.. 0x.. 0x..". */
        @Override
        public String toString() {
            return "call " + (call + 1) + " (position " + position + ", op " + op + "): recorded "
                    + answers(recorded) + ", replayed " + answers(replayed) + " (result chunk-word brk)";
        }

        private static String answers(long[] a) {
            return "0x" + Long.toHexString(a[0]) + " 0x" + Long.toHexString(a[1]) + " 0x" + Long.toHexString(a[2]);
        }
    }

    private static final long HEAP_SHIFT = 26; // non-main heaps are 64 MiB-aligned (HEAP_MAX_SIZE)
    private final Map<Kind, long[]> counts = new LinkedHashMap<>();
    private final long recordedStartBrk;
    private final long replayedStartBrk;
    /** Heap numbers by 64 MiB-aligned heap, in order of first appearance: as many as heaps, not calls. */
    private final Map<Long, Long> recordedHeaps = new HashMap<>();
    private final Map<Long, Long> replayedHeaps = new HashMap<>();
    private long recordedCalls;
    private long replayedCalls;
    private Mismatch firstMismatch;

    /**
     * An empty report, to be fed one call at a time with {@link #add} (and {@link #recordedOnly()}
     * / {@link #replayedOnly()} for calls one side has beyond the other). It holds only counters
     * and a number per thread heap, so a comparison of any length runs in constant memory.
     *
     * @param recordedStartBrk the recorded trace's start-brk
     * @param replayedStartBrk the replay's start-brk
     */
    public FidelityReport(long recordedStartBrk, long replayedStartBrk) {
        this.recordedStartBrk = recordedStartBrk;
        this.replayedStartBrk = replayedStartBrk;
        for (Kind k : Kind.values()) {
            counts.put(k, new long[2]);
        }
    }

    /** Compares a replay's answers with the recorded trace, call by call. */
    public static FidelityReport compare(ReferenceTrace recorded, ReferenceTrace replayed) {
        int n = Math.min(recorded.size(), replayed.size());
        FidelityReport r = new FidelityReport(recorded.startBrk(), replayed.startBrk());
        for (int i = 0; i < n; i++) {
            r.add(recorded.op(i), recorded.position(i), recorded.result(i), recorded.chunkWord(i), recorded.brk(i),
                    replayed.result(i), replayed.chunkWord(i), replayed.brk(i));
        }
        for (int i = n; i < recorded.size(); i++) {
            r.recordedOnly();
        }
        for (int i = n; i < replayed.size(); i++) {
            r.replayedOnly();
        }
        return r;
    }

    /**
     * Counts one call answered on both sides (an allocator call, not a thread or fork event).
     *
     * @param op the call's operation letter (m c r f a v p)
     * @param position where the call stands in the recorded trace, for {@link #firstMismatch()}
     * @return whether every answer of the call matched
     */
    public boolean add(char op, long position, long recordedResult, long recordedChunkWord, long recordedBrk,
            long replayedResult, long replayedChunkWord, long replayedBrk) {
        long i = recordedCalls;
        recordedCalls++;
        replayedCalls++;
        boolean ok = count(Kind.BRK, recordedBrk - recordedStartBrk == replayedBrk - replayedStartBrk);
        long res = recordedResult;
        long cw = recordedChunkWord;
        long live = replayedResult;
        if (op == 'f') {
            // a free answers only with the break
        } else if (res == 0) {
            ok &= count(Kind.NULL_RESULT, live == 0);
        } else {
            ok &= count(Kind.CHUNK_WORD, cw == replayedChunkWord);
            if ((cw & 2) != 0) {
                ok &= count(Kind.MMAPPED, (res & 0xfff) == (live & 0xfff) && cw == replayedChunkWord);
                count(Kind.MMAPPED_ABSOLUTE, res == live);
            } else if ((cw & 4) != 0) {
                long a = heapNumber(recordedHeaps, res);
                long b = heapNumber(replayedHeaps, live);
                long mask = (1L << HEAP_SHIFT) - 1;
                ok &= count(Kind.THREAD_ARENA, a == b && (res & mask) == (live & mask));
            } else {
                ok &= count(Kind.MAIN_ARENA, res - recordedStartBrk == live - replayedStartBrk);
            }
        }
        if (!ok && firstMismatch == null) {
            firstMismatch = new Mismatch(i, position, op, new long[] {recordedResult, recordedChunkWord, recordedBrk},
                    new long[] {replayedResult, replayedChunkWord, replayedBrk});
        }
        return ok;
    }

    /** Counts a recorded call the replay did not answer. */
    public void recordedOnly() {
        recordedCalls++;
    }

    /** Counts a replayed call the recorded trace does not have. */
    public void replayedOnly() {
        replayedCalls++;
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

    /** The count of one class. */
    public Count count(Kind k) {
        long[] c = counts.get(k);
        return new Count(c[0], c[1]);
    }

    /** Calls in the recorded trace (counted as long; an int overflow throws rather than wraps). */
    public int recordedCalls() {
        return Math.toIntExact(recordedCalls);
    }

    /** Calls answered by the replay. */
    public int replayedCalls() {
        return Math.toIntExact(replayedCalls);
    }

    /** Index (0-based, among calls) of the first call with any mismatch, or -1. */
    public int firstMismatch() {
        return firstMismatch == null ? -1 : Math.toIntExact(firstMismatch.call());
    }

    /** The first call with any mismatch and both sides' answers, or null when none differed. */
    public Mismatch firstMismatchAnswers() {
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
        out.add(firstMismatch == null ? "first mismatch: none" : "first mismatch: " + firstMismatch);
        return out;
    }
}
