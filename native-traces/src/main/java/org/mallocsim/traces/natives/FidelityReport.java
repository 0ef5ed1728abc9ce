package org.mallocsim.traces.natives;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.mallocsim.traces.format.TraceEvent;
import org.mallocsim.traces.format.TraceReader;

/**
 * How many of a replay's answers equal the recorded ones, in each class of "What a faithful
 * emulation reproduces" (traces/REFERENCE-FORMAT.md): main-arena results and the break as offsets
 * from start-brk, thread-arena results as (heap in order of first appearance, offset inside the
 * 64 MiB heap), mmapped results by page offset and chunk word, and the chunk word of every call
 * that returns a pointer. Absolute mmapped addresses are counted too, though they are not always
 * reachable.
 *
 * <p>The comparison is streaming: a replay feeds one call at a time with {@link #add} (and
 * {@link #addUnanswered()} / {@link #addUnrecorded()} for calls one side has beyond the other),
 * allocating nothing per call and holding only counters and a number per thread heap, so the
 * native replayer ({@link #compare(TraceReader, TraceReader)}, {@link TraceComparison}) and the
 * emulated replay engine share this one definition of "the same answer" and compare traces of any
 * length in constant memory. The first call that differs is kept, with both answers, as a
 * {@link Mismatch} ({@link #firstMismatchAnswers()}, {@link #firstMismatchDescription()}).
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
     * @param arg0 its first recorded argument (size, or the pointer freed or reallocated)
     * @param arg1 its second recorded argument (0 when it has one)
     * @param recorded the recorded result, chunk word and break
     * @param replayed the replay's result, chunk word and break
     * @param kinds the classes it failed, in report order
     */
    public record Mismatch(
            long call,
            long position,
            char op,
            long arg0,
            long arg1,
            long[] recorded,
            long[] replayed,
            List<Kind> kinds) {}

    /** How many calls pass between two progress reports of a streaming comparison. */
    private static final long PROGRESS_EVERY = 1 << 16;

    private static final int HEAP_SHIFT = 26; // non-main heaps are 64 MiB-aligned (HEAP_MAX_SIZE)
    private static final Kind[] KINDS = Kind.values();

    private final long recordedStartBrk;
    private final long replayedStartBrk;
    private final long[] matched = new long[KINDS.length];
    private final long[] total = new long[KINDS.length];
    private final HeapNumbers recordedHeaps = new HeapNumbers();
    private final HeapNumbers replayedHeaps = new HeapNumbers();
    private long recordedCalls;
    private long replayedCalls;

    private Mismatch firstMismatch;

    /**
     * An empty report, to be fed call by call.
     *
     * @param recordedStartBrk the recorded process's start-brk (offsets are taken from it)
     * @param replayedStartBrk the replaying process's start-brk
     */
    public FidelityReport(long recordedStartBrk, long replayedStartBrk) {
        this.recordedStartBrk = recordedStartBrk;
        this.replayedStartBrk = replayedStartBrk;
    }

    /** Compares a replay's answers with the recorded trace, call by call. */
    public static FidelityReport compare(ReferenceTrace recorded, ReferenceTrace replayed) {
        int n = Math.min(recorded.size(), replayed.size());
        FidelityReport r = new FidelityReport(recorded.startBrk(), replayed.startBrk());
        for (int i = 0; i < n; i++) {
            r.add(
                    recorded.op(i),
                    recorded.position(i),
                    recorded.arg1(i),
                    recorded.arg2(i),
                    recorded.result(i),
                    recorded.chunkWord(i),
                    recorded.brk(i),
                    replayed.result(i),
                    replayed.chunkWord(i),
                    replayed.brk(i));
        }
        for (int i = n; i < recorded.size(); i++) {
            r.addUnanswered();
        }
        for (int i = n; i < replayed.size(); i++) {
            r.addUnrecorded();
        }
        return r;
    }

    /**
     * Compares two traces call by call as they stream in (thread and fork events skipped), holding
     * neither in memory: the recorded one and a replay's answers to it.
     *
     * @throws IOException when either trace is malformed
     */
    public static FidelityReport compare(TraceReader recorded, TraceReader replayed) throws IOException {
        return compare(recorded, replayed, n -> {});
    }

    /**
     * Compares two traces as they stream in, telling {@code progress} how many recorded calls were
     * compared every so often (for a progress bar) and once at the end.
     *
     * @throws IOException when either trace is malformed
     */
    public static FidelityReport compare(TraceReader recorded, TraceReader replayed, LongConsumer progress)
            throws IOException {
        FidelityReport r = new FidelityReport(recorded.header().startBrk, replayed.header().startBrk);
        TraceEvent a = new TraceEvent();
        TraceEvent b = new TraceEvent();
        boolean moreA = nextCall(recorded, a);
        boolean moreB = nextCall(replayed, b);
        long n = 0;
        while (moreA && moreB) {
            r.add(a, b.result, b.chunkWord, b.brk);
            if (++n % PROGRESS_EVERY == 0) {
                progress.accept(n);
            }
            moreA = nextCall(recorded, a);
            moreB = nextCall(replayed, b);
        }
        for (; moreA; moreA = nextCall(recorded, a)) {
            r.addUnanswered();
        }
        for (; moreB; moreB = nextCall(replayed, b)) {
            r.addUnrecorded();
        }
        progress.accept(n);
        return r;
    }

    /** The next allocator call, past thread start/exit and fork events. */
    private static boolean nextCall(TraceReader in, TraceEvent e) throws IOException {
        while (in.next(e)) {
            if (e.op != TraceEvent.THREAD_START && e.op != TraceEvent.THREAD_EXIT && e.op != TraceEvent.FORK) {
                return true;
            }
        }
        return false;
    }

    /**
     * Compares one call: {@code recorded} holds the trace's event with glibc's answers, the other
     * arguments the replay's answers to the same call.
     *
     * @return whether every class the call belongs to matched
     */
    public boolean add(TraceEvent recorded, long result, long chunkWord, long brk) {
        return add(
                recorded.op,
                recorded.position,
                recorded.arg0,
                recorded.arg1,
                recorded.result,
                recorded.chunkWord,
                recorded.brk,
                result,
                chunkWord,
                brk);
    }

    /**
     * Compares one call given by its fields (op letter m c r f a v p, where it stands in the
     * recorded trace, the recorded arguments and answers, then the replay's answers);
     * allocation-free until the first mismatch, which is kept.
     *
     * @param position where the call stands in the recorded trace (line in text, record in mrecb)
     * @return whether every class the call belongs to matched
     */
    public boolean add(
            int op,
            long position,
            long arg0,
            long arg1,
            long recResult,
            long recChunkWord,
            long recBrk,
            long result,
            long chunkWord,
            long brk) {
        int failed = 0;
        failed |= count(Kind.BRK, recBrk - recordedStartBrk == brk - replayedStartBrk);
        if (op == TraceEvent.FREE) {
            // free returns nothing: only the break is an answer
        } else if (recResult == 0) {
            failed |= count(Kind.NULL_RESULT, result == 0);
        } else {
            failed |= count(Kind.CHUNK_WORD, recChunkWord == chunkWord);
            if ((recChunkWord & 2) != 0) {
                failed |= count(Kind.MMAPPED, (recResult & 0xfff) == (result & 0xfff) && recChunkWord == chunkWord);
                count(Kind.MMAPPED_ABSOLUTE, recResult == result);
            } else if ((recChunkWord & 4) != 0) {
                long mask = (1L << HEAP_SHIFT) - 1;
                boolean sameHeap =
                        recordedHeaps.number(recResult >>> HEAP_SHIFT) == replayedHeaps.number(result >>> HEAP_SHIFT);
                failed |= count(Kind.THREAD_ARENA, sameHeap && (recResult & mask) == (result & mask));
            } else {
                failed |= count(Kind.MAIN_ARENA, recResult - recordedStartBrk == result - replayedStartBrk);
            }
        }
        if (failed != 0 && firstMismatch == null) {
            firstMismatch = new Mismatch(
                    recordedCalls,
                    position,
                    (char) op,
                    arg0,
                    arg1,
                    new long[] {recResult, recChunkWord, recBrk},
                    new long[] {result, chunkWord, brk},
                    kinds(failed));
        }
        recordedCalls++;
        replayedCalls++;
        return failed == 0;
    }

    /** Counts a recorded call the replay never answered (its process died before it, or it stopped short). */
    public void addUnanswered() {
        recordedCalls++;
    }

    /** Counts a replayed call the recorded trace does not have. */
    public void addUnrecorded() {
        replayedCalls++;
    }

    /** Returns 0 when matched, else the class's bit (for the mismatch's "differs in" list). */
    private int count(Kind k, boolean ok) {
        int i = k.ordinal();
        total[i]++;
        if (ok) {
            matched[i]++;
            return 0;
        }
        return 1 << i;
    }

    /** The count of one class. */
    public Count count(Kind k) {
        return new Count(matched[k.ordinal()], total[k.ordinal()]);
    }

    /** Calls in the recorded trace. */
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

    /** The classes the first mismatching call failed, in report order (empty when none did). */
    public List<Kind> firstMismatchKinds() {
        return firstMismatch == null ? List.of() : firstMismatch.kinds();
    }

    private static List<Kind> kinds(int bits) {
        List<Kind> out = new ArrayList<>();
        for (Kind k : KINDS) {
            if ((bits & (1 << k.ordinal())) != 0) {
                out.add(k);
            }
        }
        return List.copyOf(out);
    }

    /**
     * The first mismatching call, both answers side by side, e.g. {@code call 17 (index 16, position
     * 18): m 24: recorded 0x55..2c0 (start-brk+0x2c0) chunk word 0x21 brk start-brk+0x21000; replayed ...;
     * differs in: chunk word}; "none" when every call matched.
     */
    public String firstMismatchDescription() {
        Mismatch m = firstMismatch;
        if (m == null) {
            return "none";
        }
        long[] rec = m.recorded();
        long[] rep = m.replayed();
        StringBuilder sb = new StringBuilder();
        sb.append("call ")
                .append(m.call() + 1)
                .append(" (index ")
                .append(m.call())
                .append(", position ")
                .append(m.position())
                .append("): ")
                .append(m.op())
                .append(' ')
                .append(arguments(m))
                .append(": recorded ")
                .append(answer(rec[0], rec[1], rec[2], recordedStartBrk, rec[1]))
                .append("; replayed ")
                .append(answer(rep[0], rep[1], rep[2], replayedStartBrk, rec[1]))
                .append("; differs in: ");
        List<Kind> kinds = m.kinds();
        for (int i = 0; i < kinds.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(kinds.get(i).label());
        }
        return sb.toString();
    }

    private static String arguments(Mismatch m) {
        return switch (m.op()) {
            case TraceEvent.FREE -> hex(m.arg0());
            case TraceEvent.REALLOC -> hex(m.arg0()) + " " + Long.toUnsignedString(m.arg1());
            case TraceEvent.CALLOC, TraceEvent.MEMALIGN_FAMILY ->
                Long.toUnsignedString(m.arg0()) + " " + Long.toUnsignedString(m.arg1());
            default -> Long.toUnsignedString(m.arg0());
        };
    }

    /** One side's answer, its pointer shown in the terms of the class the recorded chunk word names. */
    private static String answer(long result, long chunkWord, long brk, long startBrk, long classWord) {
        String where;
        if (result == 0) {
            where = "";
        } else if ((classWord & 2) != 0) {
            where = " (page offset " + hex(result & 0xfff) + ")";
        } else if ((classWord & 4) != 0) {
            where = " (heap offset " + hex(result & ((1L << HEAP_SHIFT) - 1)) + ")";
        } else {
            where = " (start-brk" + signedHex(result - startBrk) + ")";
        }
        return hex(result) + where + " chunk word " + hex(chunkWord) + " brk start-brk" + signedHex(brk - startBrk);
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static String signedHex(long d) {
        return d < 0 ? "-0x" + Long.toHexString(-d) : "+0x" + Long.toHexString(d);
    }

    /**
     * True when the replay answered every call and every class that a faithful emulation must
     * reproduce matched (absolute mmapped addresses are not required).
     */
    public boolean faithful() {
        if (recordedCalls != replayedCalls) {
            return false;
        }
        for (Kind k : KINDS) {
            if (k != Kind.MMAPPED_ABSOLUTE && matched[k.ordinal()] != total[k.ordinal()]) {
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

    /** One line per class: "label: matched/total", after the calls and before the first mismatch. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add(String.format("calls: %d recorded, %d replayed", recordedCalls, replayedCalls));
        for (Kind k : KINDS) {
            Count c = count(k);
            out.add(String.format(
                    "%s: %d/%d%s",
                    k.label(),
                    c.matched(),
                    c.total(),
                    c.complete() ? "" : String.format(" (%.2f%%)", 100.0 * c.matched() / c.total())));
        }
        out.add("first mismatch: " + firstMismatchDescription());
        return out;
    }

    /**
     * Numbers 64 MiB heaps in order of first appearance, without boxing: a trace has a few heaps
     * per arena, so a linear scan with a one-entry cache is enough.
     */
    private static final class HeapNumbers {
        private long[] keys = new long[8];
        private int size;
        private long lastKey = -1;
        private int lastNumber;

        int number(long key) {
            if (key == lastKey) {
                return lastNumber;
            }
            int n = -1;
            for (int i = 0; i < size; i++) {
                if (keys[i] == key) {
                    n = i;
                    break;
                }
            }
            if (n < 0) {
                if (size == keys.length) {
                    keys = java.util.Arrays.copyOf(keys, size * 2);
                }
                keys[size] = key;
                n = size++;
            }
            lastKey = key;
            lastNumber = n;
            return n;
        }
    }
}
