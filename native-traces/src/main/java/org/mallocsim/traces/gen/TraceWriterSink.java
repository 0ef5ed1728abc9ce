package org.mallocsim.traces.gen;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.mallocsim.traces.format.TraceEvent;
import org.mallocsim.traces.format.TraceHeader;
import org.mallocsim.traces.format.TraceWriter;

/**
 * Writes generated calls to a trace in any format, with unknown answers: the result is the
 * pointer token, the chunk word and break are 0, for the native replayer to fill in. The header
 * names the shape and seed ({@code # mrec 1 generated MIXED seed 9}).
 */
public final class TraceWriterSink implements CallSink {
    private final TraceWriter out;
    private final TraceEvent event = new TraceEvent();

    public TraceWriterSink(TraceWriter out, WorkloadGenerator.Params params) throws IOException {
        this.out = out;
        TraceHeader h = new TraceHeader();
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
