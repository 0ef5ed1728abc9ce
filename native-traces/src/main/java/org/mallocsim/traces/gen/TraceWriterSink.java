package org.mallocsim.traces.gen;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.mallocsim.traces.format.TraceEvent;
import org.mallocsim.traces.format.TraceHeader;
import org.mallocsim.traces.format.TraceWriter;

/**
 * Writes generated calls to a trace in any format, with unknown answers: the result is the
 * pointer token, the chunk word and break are 0, for the native replayer to fill in. The header
 * names the shape and seed ({@code # mrec 1 generated MIXED seed 9}), and the GLIBC_TUNABLES the
 * workload is meant to run under, if any ({@code # tunables glibc.malloc.tcache_count=0}), which
 * the native replayer puts in glibc's environment.
 */
public final class TraceWriterSink implements CallSink {
    private final TraceWriter out;
    private final TraceEvent event = new TraceEvent();

    public TraceWriterSink(TraceWriter out, WorkloadGenerator.Params params) throws IOException {
        this(out, params, null);
    }

    /** A sink whose trace runs under {@code GLIBC_TUNABLES=glibcTunables} (null or empty: none). */
    public TraceWriterSink(TraceWriter out, WorkloadGenerator.Params params, String glibcTunables) throws IOException {
        this.out = out;
        TraceHeader h = new TraceHeader();
        if (glibcTunables != null && !glibcTunables.isEmpty()) {
            h.tunables = glibcTunables;
        }
        h.extraKeyValues.add(TraceHeader.GENERATED_KEY);
        h.extraKeyValues.add(params.shape().name());
        h.extraKeyValues.add("seed");
        h.extraKeyValues.add(Long.toString(params.seed()));
        out.writeHeader(h);
    }

    @Override
    public void call(int tid, char op, long arg0, long arg1, long result) {
        try {
            out.write(event.set(tid, (byte) op, arg0, arg1, result, 0, 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
