package org.mallocsim.replay;

/**
 * The live blocks of the emulated process by address, with the size asked for and the call that
 * made each: open addressing with linear probing and backward-shift deletion, as
 * {@link PointerMap}, so it holds the live heap and nothing more. It gives the live bytes at every
 * call (the data the program keeps), the usable bytes the allocator gave for them (internal
 * fragmentation, {@link HeapMeter}) and, for heap maps, which call made a chunk. No boxing.
 *
 * <pre>
 *  slot i:  addresses[i]  the block's address in the emulated process (0 = empty slot)
 *           sizes[i]      the bytes the program asked for
 *           calls[i]      the 0-based index of the call that returned it
 *           usables[i]    its usable size, as malloc_usable_size answered
 * </pre>
 */
final class LiveBlocks {
    /** What {@link #find} answers for an absent address. */
    static final int ABSENT = -1;

    private long[] addresses;
    private long[] sizes;
    private long[] calls;
    private long[] usables;
    private int count;
    private long bytes;
    private long usableBytes;
    /** The sizes {@link #remove} took away, read right after it (a reused holder: one caller). */
    long removedBytes;

    long removedUsable;
    private long peakBytes;
    private long peakBytesCall = -1;

    LiveBlocks(int initialCapacity) {
        allocate(Integer.highestOneBit(Math.max(16, initialCapacity) - 1) << 1);
    }

    private void allocate(int capacity) {
        addresses = new long[capacity];
        sizes = new long[capacity];
        calls = new long[capacity];
        usables = new long[capacity];
    }

    private static int hash(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    /** Records a block returned by call {@code call}, of {@code usable} usable bytes. */
    void add(long address, long size, long call, long usable) {
        if (count * 2 >= addresses.length) {
            resize(addresses.length * 2);
        }
        int mask = addresses.length - 1;
        int i = hash(address) & mask;
        while (addresses[i] != 0 && addresses[i] != address) {
            i = (i + 1) & mask;
        }
        if (addresses[i] == 0) {
            count++;
        } else {
            bytes -= sizes[i]; // an address handed out twice without a free: the newer block wins
            usableBytes -= usables[i];
        }
        addresses[i] = address;
        sizes[i] = size;
        calls[i] = call;
        usables[i] = usable;
        bytes += size;
        usableBytes += usable;
        if (Long.compareUnsigned(bytes, peakBytes) > 0) {
            peakBytes = bytes;
            peakBytesCall = call;
        }
    }

    /** The slot holding {@code address}, or {@link #ABSENT}. */
    int find(long address) {
        int mask = addresses.length - 1;
        for (int i = hash(address) & mask; ; i = (i + 1) & mask) {
            long k = addresses[i];
            if (k == address) {
                return i;
            }
            if (k == 0) {
                return ABSENT;
            }
        }
    }

    long sizeAt(int slot) {
        return sizes[slot];
    }

    long callAt(int slot) {
        return calls[slot];
    }

    long addressAt(int slot) {
        return addresses[slot];
    }

    /** Slots, for a scan with {@link #addressAt} (0 = empty). */
    int capacity() {
        return addresses.length;
    }

    /** Forgets the block at {@code address}; true (its sizes in {@code removed*}) when it was one. */
    boolean remove(long address) {
        int i = find(address);
        if (i == ABSENT) {
            return false;
        }
        removedBytes = sizes[i];
        removedUsable = usables[i];
        bytes -= sizes[i];
        usableBytes -= usables[i];
        count--;
        int mask = addresses.length - 1;
        for (int j = i; ; ) {
            j = (j + 1) & mask;
            if (addresses[j] == 0) {
                break;
            }
            int home = hash(addresses[j]) & mask;
            boolean movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
            if (movable) {
                addresses[i] = addresses[j];
                sizes[i] = sizes[j];
                calls[i] = calls[j];
                usables[i] = usables[j];
                i = j;
            }
        }
        addresses[i] = 0;
        if (count * 8 < addresses.length && addresses.length > 1024) {
            resize(addresses.length / 2);
        }
        return true;
    }

    /** Usable bytes of the live blocks. */
    long usableBytes() {
        return usableBytes;
    }

    /** Blocks live now. */
    int count() {
        return count;
    }

    /** Bytes the program asked for and still holds. */
    long bytes() {
        return bytes;
    }

    /** The most live bytes at once. */
    long peakBytes() {
        return peakBytes;
    }

    /** The call after which the live bytes were at their peak, -1 before any block. */
    long peakBytesCall() {
        return peakBytesCall;
    }

    private void resize(int capacity) {
        long[] a = addresses;
        long[] s = sizes;
        long[] c = calls;
        long[] u = usables;
        allocate(capacity);
        count = 0;
        long keptBytes = bytes;
        for (int i = 0; i < a.length; i++) {
            if (a[i] != 0) {
                int mask = addresses.length - 1;
                int j = hash(a[i]) & mask;
                while (addresses[j] != 0) {
                    j = (j + 1) & mask;
                }
                addresses[j] = a[i];
                sizes[j] = s[i];
                calls[j] = c[i];
                usables[j] = u[i];
                count++;
            }
        }
        bytes = keptBytes;
    }
}
