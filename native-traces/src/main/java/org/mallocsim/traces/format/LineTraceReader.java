package org.mallocsim.traces.format;

import java.io.IOException;

/**
 * What the line-based readers (reference text, mtrace, heaptrack) share: the loop that turns
 * lines into events and, in lenient mode, counts a bad line as a warning and goes on; hex
 * parsing; and errors that name the file and line.
 */
abstract class LineTraceReader implements TraceReader {
    final LineInput in;
    final boolean lenient;
    final TraceHeader header = new TraceHeader();
    /** The parse position in the current line. */
    int p;
    /** A line the header parser read ahead, to be parsed before the next one is read. */
    boolean pending;

    private long warnings;

    LineTraceReader(LineInput in, boolean lenient) {
        this.in = in;
        this.lenient = lenient;
    }

    /** Parses the current line into {@code e}; false when the line holds no event. */
    abstract boolean parseLine(TraceEvent e) throws IOException;

    @Override
    public final TraceHeader header() {
        return header;
    }

    @Override
    public final long warnings() {
        return warnings;
    }

    @Override
    public boolean next(TraceEvent e) throws IOException {
        while (true) {
            if (pending) {
                pending = false;
            } else if (!in.nextLine()) {
                return false;
            }
            try {
                if (parseLine(e)) {
                    return true;
                }
            } catch (TraceFormatException ex) {
                if (!lenient) {
                    throw ex;
                }
                warnings++;
            }
        }
    }

    /** Counts a problem that lenient mode skips. */
    final void countWarning() {
        warnings++;
    }

    /** Each byte's value as a hex digit, or -1: one load instead of three range tests per digit. */
    private static final byte[] HEX_VALUE = new byte[256];

    static {
        java.util.Arrays.fill(HEX_VALUE, (byte) -1);
        for (int d = 0; d < 10; d++) {
            HEX_VALUE['0' + d] = (byte) d;
        }
        for (int d = 0; d < 6; d++) {
            HEX_VALUE['a' + d] = (byte) (10 + d);
            HEX_VALUE['A' + d] = (byte) (10 + d);
        }
    }

    /**
     * Hex digits at {@code p} (the {@code 0x} already passed): at least one, at most 16. The
     * position lives in a local while scanning, so the loop keeps it in a register.
     */
    final long hexDigits(String what) throws TraceFormatException {
        byte[] b = in.buf;
        int s = p;
        int i = s;
        int end = in.end;
        long v = 0;
        while (i < end) {
            int d = HEX_VALUE[b[i] & 0xff];
            if (d < 0) {
                break;
            }
            if (i - s >= 16) {
                p = i;
                throw error("expected " + what + " of at most 16 hex digits");
            }
            v = (v << 4) | d;
            i++;
        }
        p = i;
        if (i == s) {
            throw error("expected " + what + ": hex digits after '0x'");
        }
        return v;
    }

    final TraceFormatException error(String expected) {
        return new TraceFormatException(in.source(), in.lineNumber, false, expected);
    }

    @Override
    public final void close() throws IOException {
        in.close();
    }
}
