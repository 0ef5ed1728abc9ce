package org.mallocsim.replay;

import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.SyscallKind;

/**
 * RSS, VM size, heap size and live bytes over the calls of a replay, in a fixed number of
 * buckets whatever the trace's length: each bucket covers {@link #width()} consecutive calls and
 * keeps the minimum and maximum of each metric over them, and the syscall counts at its end.
 * When the buckets are full, neighbours are merged in pairs and the width doubles, so memory is
 * bounded and every extreme survives: the peak of a million calls is still a bucket's maximum.
 *
 * <pre>
 *  bucket b covers calls [b * width, (b + 1) * width)
 *  min[m][b], max[m][b]   metric m = RSS (pages), VM size (pages), heap (pages), live (bytes)
 *  sys[k][b]              syscalls of kind k made up to the end of bucket b (cumulative)
 * </pre>
 *
 * {@link #add} is called once per call and allocates nothing.
 */
public final class Timeline {
    /** Metric index: resident pages. */
    public static final int RSS = 0;
    /** Metric index: mapped pages. */
    public static final int VM = 1;
    /** Metric index: private writable pages mapped since the first call (the allocator's heap). */
    public static final int HEAP = 2;
    /** Metric index: bytes of live blocks. */
    public static final int LIVE = 3;

    static final int METRICS = 4;
    private static final SyscallKind[] KIND_VALUES = SyscallKind.values();
    private static final int KINDS = KIND_VALUES.length;

    private final AddressSpace space;
    private final int capacity;
    private final long[][] min = new long[METRICS][];
    private final long[][] max = new long[METRICS][];
    private final long[][] sys = new long[KINDS][];
    private long width = 1;
    private int buckets;
    private long inBucket;
    // The open bucket's extremes, stored into min/max when it closes: a call costs compares of
    // fields instead of eight loads and stores through the two-level arrays.
    private long rssLo;
    private long rssHi;
    private long vmLo;
    private long vmHi;
    private long heapLo;
    private long heapHi;
    private long liveLo;
    private long liveHi;

    /** {@code capacity} buckets (even, at least 2) for the calls of {@code space}. */
    Timeline(AddressSpace space, int capacity) {
        if (capacity < 2 || (capacity & 1) != 0) {
            throw new IllegalArgumentException("capacity must be even and at least 2: " + capacity);
        }
        this.space = space;
        this.capacity = capacity;
        for (int m = 0; m < METRICS; m++) {
            min[m] = new long[capacity];
            max[m] = new long[capacity];
        }
        for (int k = 0; k < KINDS; k++) {
            sys[k] = new long[capacity];
        }
    }

    /** Records the state after one call. */
    void add(long rss, long vm, long heap, long live) {
        if (inBucket == 0) {
            rssLo = rssHi = rss;
            vmLo = vmHi = vm;
            heapLo = heapHi = heap;
            liveLo = liveHi = live;
        } else {
            if (rss < rssLo) {
                rssLo = rss;
            } else if (rss > rssHi) {
                rssHi = rss;
            }
            if (vm < vmLo) {
                vmLo = vm;
            } else if (vm > vmHi) {
                vmHi = vm;
            }
            if (heap < heapLo) {
                heapLo = heap;
            } else if (heap > heapHi) {
                heapHi = heap;
            }
            if (live < liveLo) {
                liveLo = live;
            } else if (live > liveHi) {
                liveHi = live;
            }
        }
        if (++inBucket == width) {
            closeBucket();
        }
    }

    private void closeBucket() {
        int b = buckets;
        min[RSS][b] = rssLo;
        max[RSS][b] = rssHi;
        min[VM][b] = vmLo;
        max[VM][b] = vmHi;
        min[HEAP][b] = heapLo;
        max[HEAP][b] = heapHi;
        min[LIVE][b] = liveLo;
        max[LIVE][b] = liveHi;
        for (int k = 0; k < KINDS; k++) {
            sys[k][buckets] = space.syscallCount(KIND_VALUES[k]);
        }
        buckets++;
        inBucket = 0;
        if (buckets == capacity) {
            mergePairs();
        }
    }

    /** Halves the buckets: bucket i becomes buckets 2i and 2i+1 together. */
    private void mergePairs() {
        for (int i = 0; i < capacity / 2; i++) {
            for (int m = 0; m < METRICS; m++) {
                min[m][i] = Math.min(min[m][2 * i], min[m][2 * i + 1]);
                max[m][i] = Math.max(max[m][2 * i], max[m][2 * i + 1]);
            }
            for (int k = 0; k < KINDS; k++) {
                sys[k][i] = sys[k][2 * i + 1];
            }
        }
        buckets = capacity / 2;
        width *= 2;
    }

    /** Closes a partly filled last bucket; call once, after the last call. */
    void finish() {
        if (inBucket > 0) {
            closeBucket();
        }
    }

    /** Calls per bucket (the last bucket may hold fewer). */
    public long width() {
        return width;
    }

    /** Buckets filled. */
    public int buckets() {
        return buckets;
    }

    /** The smallest value of metric {@code m} in bucket {@code b}. */
    public long min(int m, int b) {
        return min[m][b];
    }

    /** The largest value of metric {@code m} in bucket {@code b}. */
    public long max(int m, int b) {
        return max[m][b];
    }

    /** Syscalls of {@code kind} made up to the end of bucket {@code b}. */
    public long syscallsUpTo(SyscallKind kind, int b) {
        return sys[kind.ordinal()][b];
    }
}
