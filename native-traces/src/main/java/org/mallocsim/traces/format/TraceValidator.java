package org.mallocsim.traces.format;

/**
 * Checks that a trace's frees and reallocs name live pointers: a free of a pointer never
 * returned (or already freed) is an error, or in lenient mode a counted warning. Tracks live
 * pointers in a primitive open-addressing hash map, so checking allocates nothing per event.
 */
public final class TraceValidator {
    private final LongIntMap live = new LongIntMap();
    private final String source;
    private final boolean lenient;
    private final boolean byteOffsets;
    private long warnings;

    /** @param lenient count problems in {@link #warnings()} instead of throwing */
    public TraceValidator(String source, boolean lenient) {
        this(source, lenient, false);
    }

    /** @param byteOffsets whether event positions are byte offsets (binary traces) */
    public TraceValidator(String source, boolean lenient, boolean byteOffsets) {
        this.source = source;
        this.lenient = lenient;
        this.byteOffsets = byteOffsets;
    }

    /** Checks one event and updates the live set. */
    public void check(TraceEvent e) throws TraceFormatException {
        switch (e.op) {
            case TraceEvent.FREE -> {
                if (e.arg0 != 0 && live.remove(e.arg0) == LongIntMap.MISSING) {
                    problem(
                            e,
                            "expected free of a live pointer, but 0x" + Long.toHexString(e.arg0)
                                    + " was never returned or was already freed");
                }
            }
            case TraceEvent.REALLOC -> {
                if (e.arg0 != 0) {
                    if (live.get(e.arg0) == LongIntMap.MISSING) {
                        problem(
                                e,
                                "expected realloc of a live pointer, but 0x" + Long.toHexString(e.arg0)
                                        + " was never returned or was already freed");
                    } else if (e.result != 0 || e.arg1 == 0) {
                        live.remove(e.arg0);
                    }
                }
                addResult(e);
            }
            default -> {
                if (TraceEvent.allocates(e.op)) {
                    addResult(e);
                }
            }
        }
    }

    private void addResult(TraceEvent e) throws TraceFormatException {
        if (e.result == 0) {
            return;
        }
        if (live.get(e.result) != LongIntMap.MISSING) {
            problem(e, "expected a new pointer, but 0x" + Long.toHexString(e.result) + " is still live");
        }
        live.put(e.result, 1);
    }

    private void problem(TraceEvent e, String expected) throws TraceFormatException {
        if (!lenient) {
            throw new TraceFormatException(source, e.position, byteOffsets, expected);
        }
        warnings++;
    }

    /** Problems counted in lenient mode. */
    public long warnings() {
        return warnings;
    }

    /** Pointers currently live. */
    public int liveCount() {
        return live.size();
    }
}
