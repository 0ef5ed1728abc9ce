package org.mallocsim.traces.format;

import java.util.Arrays;

/**
 * The live-pointer slots of the mrecb format (docs/trace-format.md, "Slots"): pointer to slot,
 * slot to pointer, and a LIFO stack of released slots. Writer and reader apply the same
 * {@link #update} after each event, so they agree on every slot number.
 */
final class SlotTable {
    private final LongIntMap slotOf = new LongIntMap();
    private long[] pointerOf = new long[1024];
    private int[] released = new int[1024];
    private int releasedTop;
    private int nextFresh;

    /** The slot of live pointer {@code p}, or {@link LongIntMap#MISSING}. */
    int slot(long p) {
        return p == 0 ? LongIntMap.MISSING : slotOf.get(p);
    }

    /** The live pointer in {@code slot}, or 0 if the slot is not in use. */
    long pointer(int slot) {
        return slot >= 0 && slot < nextFresh ? pointerOf[slot] : 0;
    }

    int liveCount() {
        return slotOf.size();
    }

    void assign(long p) {
        release(p);
        int s;
        if (releasedTop > 0) {
            s = released[--releasedTop];
        } else {
            s = nextFresh++;
            if (s == pointerOf.length) {
                pointerOf = Arrays.copyOf(pointerOf, s * 2);
            }
        }
        pointerOf[s] = p;
        slotOf.put(p, s);
    }

    boolean release(long p) {
        int s = p == 0 ? LongIntMap.MISSING : slotOf.remove(p);
        if (s == LongIntMap.MISSING) {
            return false;
        }
        pointerOf[s] = 0;
        if (releasedTop == released.length) {
            released = Arrays.copyOf(released, releasedTop * 2);
        }
        released[releasedTop++] = s;
        return true;
    }

    /** Applies the slot rules for one event. */
    void update(TraceEvent e) {
        switch (e.op) {
            case TraceEvent.FREE -> release(e.arg0);
            case TraceEvent.REALLOC -> {
                if (e.arg0 != 0 && (e.result != 0 || e.arg1 == 0)) {
                    release(e.arg0);
                }
                if (e.result != 0) {
                    assign(e.result);
                }
            }
            default -> {
                if (TraceEvent.allocates(e.op) && e.result != 0) {
                    assign(e.result);
                }
            }
        }
    }
}
