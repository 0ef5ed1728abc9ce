package org.mallocsim.replay;

/**
 * The live blocks of the emulated process by address, with the size asked for and the call that
 * made each: open addressing with linear probing and backward-shift deletion, as
 * {@link PointerMap}, so it holds the live heap and nothing more. It gives the live bytes at every
 * call (the data the program keeps), the usable bytes the allocator gave for them (internal
 * fragmentation, {@link HeapMeter}) and, for heap maps, which call made a chunk. No boxing.
 *
 * <pre>
 *  table: [ address 0 | size 0 | call 0 | usable 0 | address 1 | ... ]   slot i = table[4i .. 4i + 3]
 *
 *  address  the block's address in the emulated process (0 = empty slot)
 *  size     the bytes the program asked for
 *  call     the 0-based index of the call that returned it
 *  usable   its usable size, as malloc_usable_size answered
 * </pre>
 *
 * A slot's four words lie side by side (32 bytes, within one or two cache lines), so an add or
 * remove in a table larger than the cache (bash keeps 120,757 blocks live) misses there, not once
 * in each of four arrays.
 */
final class LiveBlocks {
    /** What {@link #find} answers for an absent address. */
    static final int ABSENT = -1;

    private static final int ADDRESS = 0;
    private static final int SIZE = 1;
    private static final int CALL = 2;
    private static final int USABLE = 3;
    /** Words per slot. */
    private static final int WORDS = 4;

    private long[] table;
    private int count;
    private long bytes;
    private long usableBytes;
    /** The sizes {@link #remove} took away, read right after it (a reused holder: one caller). */
    long removedBytes;

    long removedUsable;
    private long peakBytes;
    private long peakBytesCall = -1;

    LiveBlocks(int initialCapacity) {
        table = new long[WORDS * (Integer.highestOneBit(Math.max(16, initialCapacity) - 1) << 1)];
    }

    private static int hash(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    /** Records a block returned by call {@code call}, of {@code usable} usable bytes. */
    void add(long address, long size, long call, long usable) {
        if (count * 2 >= capacity()) {
            resize(capacity() * 2);
        }
        long[] t = table;
        int mask = capacity() - 1;
        int i = hash(address) & mask;
        while (t[WORDS * i] != 0 && t[WORDS * i] != address) {
            i = (i + 1) & mask;
        }
        int w = WORDS * i;
        if (t[w] == 0) {
            count++;
        } else {
            bytes -= t[w + SIZE]; // an address handed out twice without a free: the newer block wins
            usableBytes -= t[w + USABLE];
        }
        t[w + ADDRESS] = address;
        t[w + SIZE] = size;
        t[w + CALL] = call;
        t[w + USABLE] = usable;
        bytes += size;
        usableBytes += usable;
        if (Long.compareUnsigned(bytes, peakBytes) > 0) {
            peakBytes = bytes;
            peakBytesCall = call;
        }
    }

    /** The slot holding {@code address}, or {@link #ABSENT}. */
    int find(long address) {
        long[] t = table;
        int mask = capacity() - 1;
        for (int i = hash(address) & mask; ; i = (i + 1) & mask) {
            long k = t[WORDS * i];
            if (k == address) {
                return i;
            }
            if (k == 0) {
                return ABSENT;
            }
        }
    }

    long sizeAt(int slot) {
        return table[WORDS * slot + SIZE];
    }

    long callAt(int slot) {
        return table[WORDS * slot + CALL];
    }

    long addressAt(int slot) {
        return table[WORDS * slot + ADDRESS];
    }

    /** Slots, for a scan with {@link #addressAt} (0 = empty). */
    int capacity() {
        return table.length / WORDS;
    }

    /** Forgets the block at {@code address}; true (its sizes in {@code removed*}) when it was one. */
    boolean remove(long address) {
        int i = find(address);
        if (i == ABSENT) {
            return false;
        }
        long[] t = table;
        removedBytes = t[WORDS * i + SIZE];
        removedUsable = t[WORDS * i + USABLE];
        bytes -= removedBytes;
        usableBytes -= removedUsable;
        count--;
        int mask = capacity() - 1;
        for (int j = i; ; ) {
            j = (j + 1) & mask;
            long kj = t[WORDS * j];
            if (kj == 0) {
                break;
            }
            int home = hash(kj) & mask;
            // move slot j into the hole at i unless its home lies cyclically in (i, j]
            boolean movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
            if (movable) {
                System.arraycopy(t, WORDS * j, t, WORDS * i, WORDS);
                i = j;
            }
        }
        t[WORDS * i] = 0;
        if (count * 8 < capacity() && capacity() > 1024) {
            resize(capacity() / 2);
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
        long[] old = table;
        long[] t = new long[WORDS * capacity];
        int mask = capacity - 1;
        for (int w = 0; w < old.length; w += WORDS) {
            if (old[w] != 0) {
                int j = hash(old[w]) & mask;
                while (t[WORDS * j] != 0) {
                    j = (j + 1) & mask;
                }
                System.arraycopy(old, w, t, WORDS * j, WORDS);
            }
        }
        table = t;
    }
}
