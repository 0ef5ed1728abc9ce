package org.mallocsim.traces.natives;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import org.mallocsim.traces.format.TraceEvent;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.Traces;

/**
 * The calls of a trace held in memory in primitive columns (for tests and small traces; a
 * comparison of whole traces streams them instead, {@link TraceComparison}): per call the thread
 * id, operation, arguments and glibc's three answers (result, chunk word, program break). The
 * trace is read by {@link Traces#open}, so any format works; mallocsim's thread and fork events
 * ({@code t}, {@code x}, {@code k}; docs/trace-format.md) are skipped, being events but not calls.
 */
public final class ReferenceTrace {
    private long startBrk;
    private int size;
    private long[] tid = new long[1024];
    private byte[] op = new byte[1024];
    private long[] arg1 = new long[1024];
    private long[] arg2 = new long[1024];
    private long[] result = new long[1024];
    private long[] chunkWord = new long[1024];
    private long[] brk = new long[1024];
    private long[] position = new long[1024];

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
                t.add(e);
            }
        }
        return t;
    }

    private void add(TraceEvent e) {
        if (size == tid.length) {
            int n = size * 2;
            tid = Arrays.copyOf(tid, n);
            op = Arrays.copyOf(op, n);
            arg1 = Arrays.copyOf(arg1, n);
            arg2 = Arrays.copyOf(arg2, n);
            result = Arrays.copyOf(result, n);
            chunkWord = Arrays.copyOf(chunkWord, n);
            brk = Arrays.copyOf(brk, n);
            position = Arrays.copyOf(position, n);
        }
        tid[size] = e.tid & 0xffffffffL;
        op[size] = e.op;
        arg1[size] = e.arg0;
        arg2[size] = e.arg1;
        result[size] = e.result;
        chunkWord[size] = e.chunkWord;
        brk[size] = e.brk;
        position[size] = e.position;
        size++;
    }

    /** The program break before the first call (0 when the header has none). */
    public long startBrk() {
        return startBrk;
    }

    /** Number of calls. */
    public int size() {
        return size;
    }

    /** Kernel thread id of call {@code i}. */
    public long tid(int i) {
        return tid[i];
    }

    /** Operation letter of call {@code i}: m c r f a v p. */
    public char op(int i) {
        return (char) op[i];
    }

    /** First argument as written (size, count, alignment or pointer). */
    public long arg1(int i) {
        return arg1[i];
    }

    /** Second argument (0 for one-argument calls). */
    public long arg2(int i) {
        return arg2[i];
    }

    /** The pointer glibc returned (0 for NULL and for free). */
    public long result(int i) {
        return result[i];
    }

    /** The 8 bytes below the result after the call. */
    public long chunkWord(int i) {
        return chunkWord[i];
    }

    /** The program break after the call. */
    public long brk(int i) {
        return brk[i];
    }

    /** Where call {@code i} stands in its file: line number in text, record number in mrecb. */
    public long position(int i) {
        return position[i];
    }

    /** Number of distinct thread ids. */
    public int threadCount() {
        return (int) Arrays.stream(tid, 0, size).distinct().count();
    }
}
