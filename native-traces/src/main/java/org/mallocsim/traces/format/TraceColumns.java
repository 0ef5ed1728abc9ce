package org.mallocsim.traces.format;

import java.util.Arrays;

/**
 * {@link TraceEvent}s kept in memory as primitive columns, one slot per event, so that holding a
 * trace or a batch of one costs no object per event and filling or reading a slot allocates
 * nothing. A store ({@link #growable}) holds a whole trace, doubling its columns up to the
 * largest Java array. A
 * store made without answers leaves the chunk-word and break columns out (16 bytes less per
 * event) and loads them as 0.
 *
 * <pre>
 *  slot i   tid[i]    op[i]    alignKind[i]   arg0[i]   arg1[i]   result[i]   position[i]
 *           int 4 B   byte 1   byte 1         long 8    long 8    long 8      long 8       = 38 B
 *  with answers:      chunkWord[i]   brk[i]
 *                     long 8         long 8                                                 + 16 B
 * </pre>
 */
public final class TraceColumns {
    /** The most slots a store can hold: the largest array length every JVM allows. */
    public static final int MAX_EVENTS = Integer.MAX_VALUE - 8;

    private final boolean answers;
    private int[] tid;
    private byte[] op;
    private byte[] alignKind;
    private long[] arg0;
    private long[] arg1;
    private long[] result;
    private long[] position;
    private long[] chunkWord;
    private long[] brk;
    private int size;

    private TraceColumns(int capacity, boolean answers) {
        this.answers = answers;
        tid = new int[capacity];
        op = new byte[capacity];
        alignKind = new byte[capacity];
        arg0 = new long[capacity];
        arg1 = new long[capacity];
        result = new long[capacity];
        position = new long[capacity];
        chunkWord = answers ? new long[capacity] : null;
        brk = answers ? new long[capacity] : null;
    }

    /** A store that grows as events are added; {@code answers}: keep chunk words and breaks. */
    public static TraceColumns growable(boolean answers) {
        return new TraceColumns(1024, answers);
    }

    /** The events stored. */
    public int size() {
        return size;
    }

    /**
     * Stores {@code e} in the next slot; returns its index.
     *
     * @throws IllegalStateException when the store holds {@link #MAX_EVENTS}
     */
    public int add(TraceEvent e) {
        if (size == op.length) {
            grow();
        }
        int i = size++;
        tid[i] = e.tid;
        op[i] = e.op;
        alignKind[i] = e.alignKind;
        arg0[i] = e.arg0;
        arg1[i] = e.arg1;
        result[i] = e.result;
        position[i] = e.position;
        if (answers) {
            chunkWord[i] = e.chunkWord;
            brk[i] = e.brk;
        }
        return i;
    }

    private void grow() {
        if (size == MAX_EVENTS) {
            throw new IllegalStateException("a trace of more than " + size + " events does not fit in memory");
        }
        int n = (int) Math.min(MAX_EVENTS, 2L * size);
        tid = Arrays.copyOf(tid, n);
        op = Arrays.copyOf(op, n);
        alignKind = Arrays.copyOf(alignKind, n);
        arg0 = Arrays.copyOf(arg0, n);
        arg1 = Arrays.copyOf(arg1, n);
        result = Arrays.copyOf(result, n);
        position = Arrays.copyOf(position, n);
        if (answers) {
            chunkWord = Arrays.copyOf(chunkWord, n);
            brk = Arrays.copyOf(brk, n);
        }
    }

    /** Fills {@code into} with every field of slot {@code i} (chunk word and break 0 when not kept). */
    public void load(int i, TraceEvent into) {
        into.tid = tid[i];
        into.op = op[i];
        into.alignKind = alignKind[i];
        into.arg0 = arg0[i];
        into.arg1 = arg1[i];
        into.result = result[i];
        into.position = position[i];
        into.chunkWord = answers ? chunkWord[i] : 0;
        into.brk = answers ? brk[i] : 0;
    }

    /** Thread id of slot {@code i}, as the trace wrote it. */
    public int tid(int i) {
        return tid[i];
    }

    /** Operation of slot {@code i}, one of {@link TraceEvent}'s op letters. */
    public byte op(int i) {
        return op[i];
    }

    /** First argument of slot {@code i}. */
    public long arg0(int i) {
        return arg0[i];
    }

    /** Second argument of slot {@code i}. */
    public long arg1(int i) {
        return arg1[i];
    }

    /** The recorded result of slot {@code i}. */
    public long result(int i) {
        return result[i];
    }

    /** Where slot {@code i}'s event stood in its file. */
    public long position(int i) {
        return position[i];
    }

    /** The recorded chunk word of slot {@code i}; 0 in a store without answers. */
    public long chunkWord(int i) {
        return answers ? chunkWord[i] : 0;
    }

    /** The recorded break of slot {@code i}; 0 in a store without answers. */
    public long brk(int i) {
        return answers ? brk[i] : 0;
    }
}
