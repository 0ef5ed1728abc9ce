package org.mallocsim.traces.natives;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import org.mallocsim.traces.format.TraceColumns;
import org.mallocsim.traces.format.TraceEvent;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.Traces;

/**
 * The calls of a trace held in memory in primitive columns, a {@link TraceColumns} (for tests and small traces; a
 * comparison of whole traces streams them instead, {@link TraceComparison}): per call the thread
 * id, operation, arguments and glibc's three answers (result, chunk word, program break). The
 * trace is read by {@link Traces#open}, so any format works; mallocsim's thread and fork events
 * ({@code t}, {@code x}, {@code k}; docs/trace-format.md) are skipped, being events but not calls.
 */
public final class ReferenceTrace {
    private long startBrk;
    private final TraceColumns calls = TraceColumns.growable(true);

    private ReferenceTrace() {}

    /** Reads a whole trace file, in any format {@link Traces#open} reads. */
    public static ReferenceTrace read(Path path) throws IOException {
        try (TraceReader r = Traces.open(path)) {
            return read(r);
        }
    }

    /**
     * Reads a trace from a stream (any format {@link Traces#open} reads).
     *
     * @param source named in error messages
     * @throws IOException also when a record is malformed, naming the source and line
     */
    public static ReferenceTrace read(InputStream in, String source) throws IOException {
        try (TraceReader r = Traces.open(in, source, false)) {
            return read(r);
        }
    }

    private static ReferenceTrace read(TraceReader r) throws IOException {
        ReferenceTrace t = new ReferenceTrace();
        t.startBrk = r.header().startBrk;
        TraceEvent e = new TraceEvent();
        while (r.next(e)) {
            if (e.op != TraceEvent.THREAD_START && e.op != TraceEvent.THREAD_EXIT && e.op != TraceEvent.FORK) {
                t.calls.add(e);
            }
        }
        return t;
    }

    /** The program break before the first call (0 when the header has none). */
    public long startBrk() {
        return startBrk;
    }

    /** Number of calls. */
    public int size() {
        return calls.size();
    }

    /** Kernel thread id of call {@code i}. */
    public long tid(int i) {
        return calls.tid(i) & 0xffffffffL;
    }

    /** Operation letter of call {@code i}: m c r f a v p. */
    public char op(int i) {
        return (char) calls.op(i);
    }

    /** First argument as written (size, count, alignment or pointer). */
    public long arg1(int i) {
        return calls.arg0(i);
    }

    /** Second argument (0 for one-argument calls). */
    public long arg2(int i) {
        return calls.arg1(i);
    }

    /** The pointer glibc returned (0 for NULL and for free). */
    public long result(int i) {
        return calls.result(i);
    }

    /** The 8 bytes below the result after the call. */
    public long chunkWord(int i) {
        return calls.chunkWord(i);
    }

    /** The program break after the call. */
    public long brk(int i) {
        return calls.brk(i);
    }

    /** Where call {@code i} stands in its file: line number in text, record number in mrecb. */
    public long position(int i) {
        return calls.position(i);
    }

    /** Number of distinct thread ids. */
    public int threadCount() {
        int[] ids = new int[calls.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = calls.tid(i);
        }
        return (int) Arrays.stream(ids).distinct().count();
    }
}
