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

    /** Hex digits at {@code p} (the {@code 0x} already passed): at least one, at most 16. */
    final long hexDigits(String what) throws TraceFormatException {
        byte[] b = in.buf;
        int s = p;
        long v = 0;
        while (p < in.end) {
            int c = b[p];
            int d;
            if (c >= '0' && c <= '9') {
                d = c - '0';
            } else if (c >= 'a' && c <= 'f') {
                d = c - 'a' + 10;
            } else if (c >= 'A' && c <= 'F') {
                d = c - 'A' + 10;
            } else {
                break;
            }
            if (p - s >= 16) {
                throw error("expected " + what + " of at most 16 hex digits");
            }
            v = (v << 4) | d;
            p++;
        }
        if (p == s) {
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
