package org.mallocsim.cli.shell;

import java.io.IOException;
import org.mallocsim.traces.format.TraceColumns;
import org.mallocsim.traces.format.TraceEvent;
import org.mallocsim.traces.format.TraceHeader;
import org.mallocsim.traces.format.TraceReader;

/**
 * A trace read once and kept in memory, parsed, so that going back in {@link TraceSession}
 * re-runs the calls without decompressing and parsing the file again (about a third of a
 * replay's time on the bundled text traces). A {@link TraceColumns} store without answers, 38
 * bytes per event (bash's 2.26 million calls: about 90 MB): recorded chunk words and breaks are
 * left out, since a stepwise replay checks no answers.
 */
final class EventTape {
    private final TraceHeader header;
    private final TraceColumns tape = TraceColumns.growable(false);
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
        tape.add(e);
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
                if (next == tape.size()) {
                    return false;
                }
                tape.load(next++, into);
                return true;
            }

            @Override
            public void close() {}
        };
    }
}
