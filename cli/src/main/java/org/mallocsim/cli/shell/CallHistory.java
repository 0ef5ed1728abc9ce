package org.mallocsim.cli.shell;

import java.util.Arrays;
import org.mallocsim.traces.format.TraceEvent;

/**
 * What each call of a trace did to the blocks, for {@code where PTR}: the call that returned a
 * block and the one that freed it. One slot per call, numbered from 1, in parallel primitive
 * arrays; a map from the emulated pointers of live blocks to the call that returned them (open
 * addressing, linear probing, backward-shift deletion) finds the block a free ends.
 *
 * <pre>
 *  call c:  op[c]  position[c]  emulated[c]  recorded[c]  size[c]  usable[c]  freedBy[c]
 *           'm'    line 40      0x5555..2a0  0x55dd..2a0  24       24         0 (live) or the freeing call
 * </pre>
 * {@code usable} is the block's extent as glibc's malloc_usable_size gives it (the bytes asked for
 * plus the chunk's padding), or the bytes asked for under a policy without chunk headers.
 * The replay is deterministic, so the history is recorded once, as far as the process has ever
 * gone ({@link #recorded()}); a later visit to an earlier call reads it as of that call (a free
 * after it does not count), and going forward again records only the calls never reached.
 */
final class CallHistory {
    private byte[] op = new byte[1024];
    private long[] position = new long[1024];
    private long[] emulated = new long[1024];
    private long[] recorded = new long[1024];
    private long[] size = new long[1024];
    private long[] usable = new long[1024];
    private int[] freedBy = new int[1024];
    private int calls;

    /** Emulated pointer → call that returned it, for live blocks; keys non-zero. */
    private long[] live = new long[2 * 1024];

    private int liveCount;

    /** The calls recorded: the furthest call the process has reached. */
    int recorded() {
        return calls;
    }

    /**
     * Records call number {@code recorded() + 1}: {@code e} as the trace has it, {@code a} as
     * answered; {@code chunkWords}: the answer's chunk word is a ptmalloc chunk header, which gives
     * the block's usable extent.
     */
    void add(TraceEvent e, TraceEvent a, boolean chunkWords) {
        int c = ++calls;
        if (c >= op.length) {
            int n = op.length * 2;
            op = Arrays.copyOf(op, n);
            position = Arrays.copyOf(position, n);
            emulated = Arrays.copyOf(emulated, n);
            recorded = Arrays.copyOf(recorded, n);
            size = Arrays.copyOf(size, n);
            usable = Arrays.copyOf(usable, n);
            freedBy = Arrays.copyOf(freedBy, n);
        }
        op[c] = e.op;
        position[c] = e.position;
        boolean freesArgument =
                e.op == TraceEvent.FREE || (e.op == TraceEvent.REALLOC && (a.result != 0 || e.arg1 == 0));
        if (freesArgument && a.arg0 != 0) {
            int by = (int) removeLive(a.arg0);
            if (by > 0) {
                freedBy[by] = c;
            }
        }
        if (TraceEvent.allocates(e.op) && a.result != 0) {
            emulated[c] = a.result;
            recorded[c] = e.result;
            size[c] = requested(e);
            usable[c] = Math.max(size[c], chunkWords ? usableSize(a.chunkWord) : 0);
            putLive(a.result, c);
        }
    }

    /** The size asked for: the block that {@code where} finds a pointer inside. */
    private static long requested(TraceEvent e) {
        switch (e.op) {
            case TraceEvent.CALLOC:
                return e.arg0 * e.arg1;
            case TraceEvent.REALLOC:
            case TraceEvent.MEMALIGN_FAMILY:
                return e.arg1;
            default:
                return e.arg0;
        }
    }

    /**
     * What {@code malloc_usable_size} answers for an in-use chunk with header word {@code word}:
     * its size less the size field, and less the prev_size field too when it is mmapped.
     */
    static long usableSize(long word) {
        return (word & ~7L) - ((word & 2) != 0 ? 16 : 8);
    }

    /**
     * The latest call up to {@code now} that returned a block holding {@code ptr}, as an emulated
     * or a recorded pointer ({@code ptr} in [pointer, pointer + max(usable, 1))); 0 when none did.
     */
    int returnedBy(long ptr, int now) {
        for (int c = Math.min(now, calls); c > 0; c--) {
            if (inside(ptr, emulated[c], c) || inside(ptr, recorded[c], c)) {
                return c;
            }
        }
        return 0;
    }

    private boolean inside(long ptr, long start, int c) {
        return start != 0 && Long.compareUnsigned(ptr - start, Math.max(usable[c], 1)) < 0;
    }

    /** The call that freed the block call {@code c} returned, if it did by call {@code now}; else 0 (live). */
    int freedBy(int c, int now) {
        int f = freedBy[c];
        return f != 0 && f <= now ? f : 0;
    }

    byte op(int c) {
        return op[c];
    }

    long position(int c) {
        return position[c];
    }

    long emulated(int c) {
        return emulated[c];
    }

    long recorded(int c) {
        return recorded[c];
    }

    long size(int c) {
        return size[c];
    }

    long usable(int c) {
        return usable[c];
    }

    // ---- the live map ----------------------------------------------------------------------------

    private static int hash(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    private void putLive(long key, long value) {
        if (liveCount * 4 >= live.length) {
            long[] old = live;
            live = new long[2 * old.length];
            liveCount = 0;
            for (int i = 0; i < old.length; i += 2) {
                if (old[i] != 0) {
                    putLive(old[i], old[i + 1]);
                }
            }
        }
        int mask = (live.length >>> 1) - 1;
        int i = hash(key) & mask;
        while (live[2 * i] != 0 && live[2 * i] != key) {
            i = (i + 1) & mask;
        }
        if (live[2 * i] == 0) {
            liveCount++;
        }
        live[2 * i] = key;
        live[2 * i + 1] = value;
    }

    /** Removes {@code key}; its value, or 0 when absent (Knuth, TAOCP vol. 3, 6.4, Algorithm R). */
    private long removeLive(long key) {
        int mask = (live.length >>> 1) - 1;
        int i = hash(key) & mask;
        while (live[2 * i] != key) {
            if (live[2 * i] == 0) {
                return 0;
            }
            i = (i + 1) & mask;
        }
        long old = live[2 * i + 1];
        liveCount--;
        for (int j = i; ; ) {
            j = (j + 1) & mask;
            long kj = live[2 * j];
            if (kj == 0) {
                break;
            }
            int home = hash(kj) & mask;
            boolean movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
            if (movable) {
                live[2 * i] = kj;
                live[2 * i + 1] = live[2 * j + 1];
                i = j;
            }
        }
        live[2 * i] = 0;
        return old;
    }
}
