package org.mallocsim.traces.format;

import java.io.IOException;
import java.io.InputStream;

/**
 * Imports glibc's mtrace output (MALLOC_TRACE; malloc/mtrace-impl.c). Every {@code +} becomes a
 * malloc (mtrace cannot tell calloc or the memalign family apart), {@code -} a free, a
 * {@code <}/{@code >} pair one realloc, {@code !} a failed realloc. Threads, chunk words and brk
 * are not in mtrace: tid, chunkWord and brk are 0.
 */
final class MtraceReader extends LineTraceReader {

    MtraceReader(InputStream in, String source, boolean lenient) {
        super(new LineInput(in, source), lenient);
        header.otherLines.add(TraceHeader.IMPORTED_FROM + "mtrace");
    }

    @Override
    boolean parseLine(TraceEvent e) throws IOException {
        return parse(e);
    }

    /** Parses one line; false for lines that are not events ({@code = Start}, blank). */
    private boolean parse(TraceEvent e) throws IOException {
        skipCaller();
        byte[] b = in.buf;
        if (p >= in.end) {
            return false;
        }
        byte op = b[p++];
        e.set(0, TraceEvent.MALLOC, 0, 0, 0, 0, 0);
        e.position = in.lineNumber;
        switch (op) {
            case '=' -> {
                return false;
            }
            case '+' -> {
                e.result = pointer();
                e.arg0 = number();
            }
            case '-' -> {
                e.op = TraceEvent.FREE;
                e.arg0 = pointer();
            }
            case '!' -> {
                e.op = TraceEvent.REALLOC;
                e.arg0 = pointer();
                e.arg1 = number();
            }
            case '<' -> {
                e.op = TraceEvent.REALLOC;
                e.arg0 = pointer();
                end();
                if (!in.nextLine()) {
                    throw error("expected a '> NEW SIZE' line after '< OLD', found the end of the file");
                }
                skipCaller();
                if (p >= in.end || b[p] != '>') {
                    throw error("expected a '> NEW SIZE' line after '< OLD'");
                }
                p++;
                e.result = pointer();
                e.arg1 = number();
            }
            default -> throw error("expected an mtrace line (@, +, -, <, >, !, =), found '" + (char) (op & 0xff) + "'");
        }
        end();
        return true;
    }

    private void skipCaller() {
        byte[] b = in.buf;
        p = in.start;
        if (p + 1 < in.end && b[p] == '@' && b[p + 1] == ' ') {
            for (int i = in.end - 1; i > p; i--) {
                if (b[i] == ']' && i + 1 < in.end && b[i + 1] == ' ') {
                    // The op follows the last "] " whose next character is an op.
                    if (i + 2 < in.end && isOp(b[i + 2])) {
                        p = i + 2;
                        return;
                    }
                }
            }
        }
    }

    private static boolean isOp(byte c) {
        return c == '+' || c == '-' || c == '<' || c == '>' || c == '!' || c == '=';
    }

    private void space() throws TraceFormatException {
        if (p >= in.end || in.buf[p] != ' ') {
            throw error("expected a space at column " + (p - in.start + 1));
        }
        p++;
    }

    private void end() throws TraceFormatException {
        if (p != in.end) {
            throw error("expected the end of the line at column " + (p - in.start + 1));
        }
    }

    private long pointer() throws TraceFormatException {
        space();
        byte[] b = in.buf;
        if (p + 5 <= in.end
                && b[p] == '('
                && b[p + 1] == 'n'
                && b[p + 2] == 'i'
                && b[p + 3] == 'l'
                && b[p + 4] == ')') {
            p += 5;
            return 0;
        }
        return hex("a pointer ('0x...' or '(nil)')");
    }

    private long number() throws TraceFormatException {
        space();
        return hex("a size (%#lx: '0x...' or '0')");
    }

    private long hex(String what) throws TraceFormatException {
        byte[] b = in.buf;
        if (p + 1 < in.end && b[p] == '0' && b[p + 1] == 'x') {
            p += 2;
        } else if (p < in.end && b[p] == '0') {
            p++;
            return 0;
        } else {
            throw error("expected " + what);
        }
        return hexDigits(what);
    }
}
