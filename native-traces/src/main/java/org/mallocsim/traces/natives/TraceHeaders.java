package org.mallocsim.traces.natives;

import java.io.IOException;
import java.nio.file.Path;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.Traces;

/** Reads the recorder's header lines without reading the calls. */
final class TraceHeaders {
    private TraceHeaders() {}

    /** True when the trace (any format) was written by a forked child ("# forked-from PID"). */
    static boolean isForkChild(Path trace) throws IOException {
        try (TraceReader r = Traces.open(trace, true)) {
            return r.header().forkChild();
        }
    }
}
