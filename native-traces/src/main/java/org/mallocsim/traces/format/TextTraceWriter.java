package org.mallocsim.traces.format;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writes the canonical mrec text format; formats into a reused byte buffer. */
final class TextTraceWriter implements TraceWriter {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private final OutputStream out;
    private final byte[] buf = new byte[1 << 16];
    private int n;
    /** Set when the header promises the closing {@code # end N} line; then the events written. */
    private boolean endLine;

    private long events;

    TextTraceWriter(OutputStream out) {
        this.out = out;
    }

    @Override
    public void writeHeader(TraceHeader h) throws IOException {
        StringBuilder sb = new StringBuilder("# mrec ").append(h.version);
        if (h.glibcVersion != null) {
            sb.append(" glibc ").append(h.glibcVersion);
        }
        if (h.nprocs != 0) {
            sb.append(" nprocs ").append(h.nprocs);
        }
        if (h.hasStartBrk) {
            sb.append(" start-brk 0x").append(Long.toHexString(h.startBrk));
        }
        for (int i = 0; i + 1 < h.extraKeyValues.size(); i += 2) {
            sb.append(' ').append(h.extraKeyValues.get(i)).append(' ').append(h.extraKeyValues.get(i + 1));
        }
        sb.append('\n');
        for (String m : h.maps) {
            sb.append("# map ").append(m).append('\n');
        }
        if (h.tunables != null) {
            sb.append("# tunables ").append(h.tunables).append('\n');
        }
        for (String l : h.otherLines) {
            sb.append("# ").append(l).append('\n');
        }
        flush();
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        endLine = h.promisesEndLine();
    }

    @Override
    public void write(TraceEvent e) throws IOException {
        if (n > buf.length - 256) {
            flush();
        }
        decimal(e.tid & 0xffffffffL);
        buf[n++] = ' ';
        buf[n++] = e.op;
        switch (e.op) {
            case TraceEvent.MALLOC, TraceEvent.VALLOC, TraceEvent.PVALLOC, TraceEvent.THREAD_START, TraceEvent.FORK -> {
                buf[n++] = ' ';
                decimal(e.arg0);
            }
            case TraceEvent.CALLOC, TraceEvent.MEMALIGN_FAMILY -> {
                buf[n++] = ' ';
                decimal(e.arg0);
                buf[n++] = ' ';
                decimal(e.arg1);
            }
            case TraceEvent.REALLOC -> {
                buf[n++] = ' ';
                hex(e.arg0);
                buf[n++] = ' ';
                decimal(e.arg1);
            }
            case TraceEvent.FREE -> {
                buf[n++] = ' ';
                hex(e.arg0);
            }
            case TraceEvent.THREAD_EXIT -> {}
            default -> throw new IllegalArgumentException("unknown op " + e.op);
        }
        buf[n++] = ' ';
        buf[n++] = '=';
        buf[n++] = ' ';
        hex(e.result);
        buf[n++] = ' ';
        hex(e.chunkWord);
        buf[n++] = ' ';
        hex(e.brk);
        buf[n++] = '\n';
        events++;
    }

    private void decimal(long v) {
        if (v >= 0 && v < 10) {
            buf[n++] = (byte) ('0' + v);
            return;
        }
        int digits = 0;
        long t = v;
        do {
            digits++;
            t = Long.divideUnsigned(t, 10);
        } while (t != 0);
        int i = n + digits;
        n = i;
        do {
            buf[--i] = (byte) ('0' + Long.remainderUnsigned(v, 10));
            v = Long.divideUnsigned(v, 10);
        } while (v != 0);
    }

    private void hex(long v) {
        buf[n++] = '0';
        buf[n++] = 'x';
        int digits = Math.max(1, (67 - Long.numberOfLeadingZeros(v)) >> 2);
        for (int s = (digits - 1) * 4; s >= 0; s -= 4) {
            buf[n++] = HEX[(int) (v >>> s) & 0xf];
        }
    }

    private void flush() throws IOException {
        out.write(buf, 0, n);
        n = 0;
    }

    @Override
    public void close() throws IOException {
        try {
            if (endLine) {
                flush();
                out.write(("# end " + events + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            flush();
        } finally {
            out.close();
        }
    }
}
