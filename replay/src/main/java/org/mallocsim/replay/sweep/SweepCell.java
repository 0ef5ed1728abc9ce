package org.mallocsim.replay.sweep;

import java.io.Serializable;
import java.util.Map;

/**
 * One replay of a sweep: a trace, a policy and the glibc tunables set on top of the trace's own.
 *
 * @param index     the cell's place in the plan, which is the row's place in every output
 * @param trace     the trace file, as given
 * @param policy    a registered policy's name
 * @param tunables  {@code glibc.malloc.NAME} to value, in the order given; empty for none
 */
public record SweepCell(int index, String trace, String policy, Map<String, String> tunables) implements Serializable {
    private static final long serialVersionUID = 1L;

    public SweepCell {
        tunables = Map.copyOf(tunables);
    }

    /** The tunables as a {@code GLIBC_TUNABLES} value, names sorted, or "" for none. */
    public String glibcTunables() {
        return SweepPlan.tunableString(tunables);
    }
}
