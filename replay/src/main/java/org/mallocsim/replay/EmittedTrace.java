package org.mallocsim.replay;

import org.mallocsim.traces.format.TraceHeader;

/** The header of the trace {@code --emit} writes: the replay's answers in the input's format. */
final class EmittedTrace {
    /** The header line naming the policy whose answers an emitted trace holds. */
    static final String ANSWERED_BY = "answered-by ";

    private EmittedTrace() {}

    /**
     * The input's header with the emulated start-brk, without the {@code generated} marker (its
     * results are now real answers) and with a line {@code # answered-by mallocsim POLICY}.
     */
    static TraceHeader header(TraceHeader in, long startBrk, String allocatorName) {
        TraceHeader h = new TraceHeader();
        h.copyFrom(in);
        h.startBrk(startBrk);
        for (int i = 0; i + 1 < h.extraKeyValues.size(); i += 2) {
            if (h.extraKeyValues.get(i).equals(TraceHeader.GENERATED_KEY)) {
                h.extraKeyValues.remove(i + 1);
                h.extraKeyValues.remove(i);
                break;
            }
        }
        h.otherLines.removeIf(l -> l.startsWith(ANSWERED_BY));
        h.otherLines.add(ANSWERED_BY + "mallocsim " + allocatorName);
        return h;
    }
}
