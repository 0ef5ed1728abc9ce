package org.mallocsim.traces.gen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * Writes generated calls as lines of the reference text format with unknown answers
 * ({@code TID OP ARGS = TOKEN 0x0 0x0}): the chunk word and break are left for a replayer to fill.
 */
public final class TextTraceSink implements CallSink {
    private final Writer out;
    private final StringBuilder line = new StringBuilder(64);

    /** Starts the trace with its header line. */
    public TextTraceSink(Writer out, long seed, String shape) {
        this.out = out;
        try {
            out.write("# mrec 1 generated " + shape + " seed " + seed + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void call(int tid, char op, long arg0, long arg1, long result) {
        line.setLength(0);
        line.append(tid).append(' ').append(op);
        switch (op) {
            case 'm': case 'v': case 'p': case 't':
                line.append(' ').append(arg0);
                break;
            case 'c': case 'a':
                line.append(' ').append(arg0).append(' ').append(arg1);
                break;
            case 'r':
                line.append(" 0x").append(Long.toHexString(arg0)).append(' ').append(arg1);
                break;
            case 'f':
                line.append(" 0x").append(Long.toHexString(arg0));
                break;
            case 'x':
                break;
            default:
                throw new IllegalArgumentException("unknown operation '" + op + "'");
        }
        line.append(" = 0x").append(Long.toHexString(result)).append(" 0x0 0x0\n");
        try {
            out.append(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
