package org.mallocsim.cli.shell;

import java.io.IOException;
import java.util.Arrays;
import org.mallocsim.traces.format.TraceEvent;
import org.mallocsim.traces.format.TraceHeader;
import org.mallocsim.traces.format.TraceReader;

/**
 * A trace read once and kept in memory, parsed, so that going back in {@link TraceSession}
 * re-runs the calls without decompressing and parsing the file again (about a third of a
 * replay's time on the bundled text traces). Primitive arrays, one slot per event, 38 bytes each
 * (bash's 2.26 million calls: about 90 MB); recorded chunk words and breaks are left out, since
 * a stepwise replay checks no answers.
 *
 * <pre>
 *  event i:  tid[i]  op[i]  alignKind[i]  arg0[i]  arg1[i]  result[i]  position[i]
 * </pre>
 */
final class EventTape {
    private final TraceHeader header;
    private int[] tid = new int[1024];
    private byte[] op = new byte[1024];
    private byte[] alignKind = new byte[1024];
    private long[] arg0 = new long[1024];
    private long[] arg1 = new long[1024];
    private long[] result = new long[1024];
    private long[] position = new long[1024];
    private int events;
    private long calls;

    private EventTape(TraceHeader header) {
        this.header = header;
    }

    /** Reads every event of {@code in}; its errors name the file and the line. */
    static EventTape record(TraceReader in) throws IOException {
        EventTape t = new EventTape(in.header());
        TraceEvent e = new TraceEvent();
        while (in.next(e)) {
            t.add(e);
        }
        return t;
    }

    private void add(TraceEvent e) {
        if (events == op.length) {
            if (events == Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("a trace of more than " + events + " events does not fit in memory");
            }
            int n = (int) Math.min(Integer.MAX_VALUE - 8L, 2L * events);
            tid = Arrays.copyOf(tid, n);
            op = Arrays.copyOf(op, n);
            alignKind = Arrays.copyOf(alignKind, n);
            arg0 = Arrays.copyOf(arg0, n);
            arg1 = Arrays.copyOf(arg1, n);
            result = Arrays.copyOf(result, n);
            position = Arrays.copyOf(position, n);
        }
        int i = events++;
        tid[i] = e.tid;
        op[i] = e.op;
        alignKind[i] = e.alignKind;
        arg0[i] = e.arg0;
        arg1[i] = e.arg1;
        result[i] = e.result;
        position[i] = e.position;
        if (e.op == TraceEvent.FREE || TraceEvent.allocates(e.op)) {
            calls++;
        }
    }

    /** The trace's allocator calls. */
    long calls() {
        return calls;
    }

    /** A reader from the first event, as {@link org.mallocsim.traces.format.Traces#open} would give. */
    TraceReader reader() {
        return new TraceReader() {
            private int next;

            @Override
            public TraceHeader header() {
                return header;
            }

            @Override
            public boolean next(TraceEvent into) {
                if (next == events) {
                    return false;
                }
                int i = next++;
                into.set(tid[i], op[i], arg0[i], arg1[i], result[i], 0, 0);
                into.alignKind = alignKind[i];
                into.position = position[i];
                return true;
            }

            @Override
            public void close() {}
        };
    }
}
