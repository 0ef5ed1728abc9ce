package org.mallocsim.traces.format;

import java.io.IOException;
import java.io.InputStream;

/**
 * Buffered line splitter over bytes: after {@link #nextLine()} the current line is
 * {@code buf[start, end)} without its newline. Grows the buffer only for lines longer than it.
 */
final class LineInput {
    static final int MAX_LINE = 1 << 20;
    private final InputStream in;
    private final String source;
    byte[] buf = new byte[1 << 16];
    int start;
    int end;
    private int pos;
    private int limit;
    private boolean eof;
    long lineNumber;

    LineInput(InputStream in, String source) {
        this.in = in;
        this.source = source;
    }

    /** Advances to the next line; false at end of input. A last line without '\n' counts. */
    boolean nextLine() throws IOException {
        int scan = pos;
        while (true) {
            for (int i = scan; i < limit; i++) {
                if (buf[i] == '\n') {
                    start = pos;
                    end = i;
                    pos = i + 1;
                    lineNumber++;
                    return true;
                }
            }
            if (eof) {
                if (pos < limit) {
                    start = pos;
                    end = limit;
                    pos = limit;
                    lineNumber++;
                    return true;
                }
                return false;
            }
            scan = limit - pos;
            fill();
            scan = Math.min(scan, limit);
        }
    }

    private void fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (limit == buf.length) {
            if (buf.length >= MAX_LINE) {
                throw new TraceFormatException(
                        source, lineNumber + 1, false, "expected a line shorter than " + MAX_LINE + " bytes");
            }
            buf = java.util.Arrays.copyOf(buf, buf.length * 2);
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            eof = true;
        } else {
            limit += n;
        }
    }

    String lineString() {
        return new String(buf, start, end - start, java.nio.charset.StandardCharsets.UTF_8);
    }

    String source() {
        return source;
    }

    void close() throws IOException {
        in.close();
    }
}
