package org.mallocsim.traces.format;

/**
 * One allocator call (or thread/fork event) of a trace: a mutable holder that readers fill in
 * place, so reading a trace allocates nothing per event.
 *
 * <p>Argument meaning by {@link #op}: malloc, valloc, pvalloc: {@code arg0} = size; calloc:
 * (nmemb, size); realloc: (old, size); free: {@code arg0} = pointer; memalign family: (align,
 * size); thread start: {@code arg0} = parent tid; fork: {@code arg0} = child pid. {@code result}
 * is the returned pointer (0 for NULL and for events without one), {@code chunkWord} the size
 * word just below the result after the call, {@code brk} the program break after the call.
 */
public final class TraceEvent {
    public static final byte MALLOC = 'm';
    public static final byte CALLOC = 'c';
    public static final byte REALLOC = 'r';
    public static final byte FREE = 'f';
    public static final byte MEMALIGN_FAMILY = 'a';
    public static final byte VALLOC = 'v';
    public static final byte PVALLOC = 'p';
    public static final byte THREAD_START = 't';
    public static final byte THREAD_EXIT = 'x';
    public static final byte FORK = 'k';

    /** {@link #alignKind}: the format does not say which memalign-family function it was. */
    public static final byte ALIGN_UNSPECIFIED = 0;

    public static final byte ALIGN_MEMALIGN = 1;
    public static final byte ALIGN_ALIGNED_ALLOC = 2;
    public static final byte ALIGN_POSIX_MEMALIGN = 3;

    public int tid;
    public byte op;
    /** For {@link #MEMALIGN_FAMILY} only: which function, one of the {@code ALIGN_*} constants. */
    public byte alignKind;

    public long arg0;
    public long arg1;
    public long result;
    public long chunkWord;
    public long brk;
    /** Where the event was read: a 1-based line (text formats) or a byte offset (binary). */
    public long position;

    /** Sets every field at once; returns this. */
    public TraceEvent set(int tid, byte op, long arg0, long arg1, long result, long chunkWord, long brk) {
        this.tid = tid;
        this.op = op;
        this.alignKind = ALIGN_UNSPECIFIED;
        this.arg0 = arg0;
        this.arg1 = arg1;
        this.result = result;
        this.chunkWord = chunkWord;
        this.brk = brk;
        return this;
    }

    /** Copies every field of {@code other} into this event; returns this. */
    public TraceEvent copyFrom(TraceEvent other) {
        set(other.tid, other.op, other.arg0, other.arg1, other.result, other.chunkWord, other.brk);
        alignKind = other.alignKind;
        position = other.position;
        return this;
    }

    /** Whether {@code op} is one of the ops this model knows. */
    public static boolean isKnownOp(int op) {
        return switch (op) {
            case MALLOC, CALLOC, REALLOC, FREE, MEMALIGN_FAMILY, VALLOC, PVALLOC, THREAD_START, THREAD_EXIT, FORK ->
                true;
            default -> false;
        };
    }

    /** Whether {@code op} returns a pointer (and so has a slot, a result and a chunk word). */
    public static boolean allocates(int op) {
        return op == MALLOC || op == CALLOC || op == REALLOC || op == MEMALIGN_FAMILY || op == VALLOC || op == PVALLOC;
    }

    @Override
    public String toString() {
        return tid + " " + (char) op + " " + Long.toUnsignedString(arg0) + " " + Long.toUnsignedString(arg1)
                + " = 0x" + Long.toHexString(result) + " 0x" + Long.toHexString(chunkWord)
                + " 0x" + Long.toHexString(brk);
    }
}
