package org.mallocsim.traces.format;

import java.io.InputStream;
import java.util.Arrays;

/**
 * Imports heaptrack data files. Raw files ({@code + size trace ptr}, {@code - ptr}) give sizes and
 * pointers. Interpreted files ({@code a size trace} defines allocation info {@code n},
 * {@code + n}, {@code - n}) carry no pointers: each live allocation gets a synthetic pointer
 * {@code ((n + 1) << 24) + 16 * depth}, freed last-in first-out per allocation info. All events
 * become malloc/free (realloc is logged as free then malloc; memalign and pvalloc are not hooked),
 * with tid, chunkWord and brk 0. Other lines (modules, traces, timestamps, RSS) are skipped.
 */
final class HeaptrackReader extends LineTraceReader {
    private long[] infoSize = new long[1024];
    private int[] infoDepth = new int[1024];
    private int infos;

    HeaptrackReader(InputStream in, String source, boolean lenient) {
        super(new LineInput(in, source), lenient);
        header.otherLines.add(TraceHeader.IMPORTED_FROM + "heaptrack");
    }

    @Override
    boolean parseLine(TraceEvent e) throws TraceFormatException {
        return parse(e);
    }

    private boolean parse(TraceEvent e) throws TraceFormatException {
        p = in.start;
        if (in.end - in.start < 1) {
            return false;
        }
        byte op = in.buf[p++];
        e.set(0, TraceEvent.MALLOC, 0, 0, 0, 0, 0);
        e.position = in.lineNumber;
        switch (op) {
            case 'a' -> {
                long size = field("the size of an allocation info");
                field("the trace index of an allocation info");
                if (infos == infoSize.length) {
                    infoSize = Arrays.copyOf(infoSize, infos * 2);
                    infoDepth = Arrays.copyOf(infoDepth, infos * 2);
                }
                infoSize[infos++] = size;
                return false;
            }
            case '+' -> {
                long first = field("a size or allocation info index");
                if (p == in.end) {
                    int info = info(first);
                    e.arg0 = infoSize[info];
                    e.result = ((info + 1L) << 24) + 16L * infoDepth[info]++;
                    return true;
                }
                field("a trace index");
                e.arg0 = first;
                e.result = field("a pointer");
            }
            case '-' -> {
                long v = field("a pointer or allocation info index");
                e.op = TraceEvent.FREE;
                if (infos > 0) {
                    int info = info(v);
                    if (infoDepth[info] == 0) {
                        throw error("expected a free of a live allocation of info " + info);
                    }
                    e.arg0 = ((info + 1L) << 24) + 16L * --infoDepth[info];
                } else {
                    e.arg0 = v;
                }
            }
            default -> {
                return false;
            }
        }
        if (p != in.end) {
            throw error("expected the end of the line at column " + (p - in.start + 1));
        }
        return true;
    }

    private int info(long index) throws TraceFormatException {
        if (index < 0 || index >= infos) {
            throw error("expected an allocation info index below " + infos + " (defined by 'a' lines)");
        }
        return (int) index;
    }

    private long field(String what) throws TraceFormatException {
        byte[] b = in.buf;
        if (p >= in.end || b[p] != ' ') {
            throw error("expected a space then " + what);
        }
        p++;
        int s = p;
        long v = 0;
        while (p < in.end && b[p] != ' ') {
            int d = Character.digit(b[p], 16);
            if (d < 0 || p - s >= 16) {
                throw error("expected " + what + " in hex (at most 16 digits)");
            }
            v = (v << 4) | d;
            p++;
        }
        if (p == s) {
            throw error("expected " + what);
        }
        return v;
    }
}
