package org.mallocsim.replay;

import java.util.Arrays;

/**
 * The blocks live in a replay, by the pointer the trace recorded for each: the emulated block it
 * stands for, the size asked for, the call that made it and its usable size. One table serves the
 * engine (recorded pointer → emulated pointer, for frees and reallocs), the meter (live and usable
 * bytes at every call) and heap maps (which call made a chunk), so a call finds its block with one
 * probe. Open addressing with linear probing and backward-shift deletion (Knuth, TAOCP vol. 3,
 * 6.4, Algorithm R): removals leave no tombstones, and the table stays as small as the live heap
 * however long the trace. No boxing.
 *
 * <pre>
 *  table: [ key | block | size | call | usable | key | ... ]   slot i = table[5i .. 5i + 4]
 *
 *  key      the recorded pointer (0 = empty slot), or UNRECORDED | block for a block the trace
 *           holds no pointer to
 *  block    the emulated block; 0 when glibc's call made a block and ours did not (freeing the
 *           key is then free(NULL))
 *  size     the bytes the program asked for
 *  call     the 0-based index of the call that made the block
 *  usable   its usable size, as malloc_usable_size answered
 * </pre>
 *
 * A slot's five words lie side by side (40 bytes, within one or two adjacent cache lines), so an
 * add or a remove in a table larger than the cache (bash keeps 120,757 blocks live at its peak)
 * misses once.
 *
 * <p>A block is unrecorded when our call succeeded where glibc's returned NULL, or when the trace
 * returns a pointer again while the block it stood for is still live here (a free the recorder
 * never saw, such as one libc makes internally): that block stays allocated in the emulated
 * process, so it stays counted, under its own address.
 */
final class LiveBlocks {
    /** What {@link #find} answers for an absent key. */
    static final int ABSENT = -1;
    /** Marks a key made from an emulated block's address; a user-space pointer never has bit 63. */
    static final long UNRECORDED = Long.MIN_VALUE;

    private static final int KEY = 0;
    private static final int BLOCK = 1;
    private static final int SIZE = 2;
    private static final int CALL = 3;
    private static final int USABLE = 4;
    /** Words per slot. */
    private static final int WORDS = 5;

    private long[] table;
    private int mask;
    /** Occupied slots. */
    private int entries;
    /** Slots holding a block (block != 0). */
    private int blocks;
    /** Recorded keys (not UNRECORDED), with and without a block, and the most at once. */
    private int recorded;

    private int peakRecorded;
    private long bytes;
    private long usableBytes;
    private long peakBytes;
    private long peakBytesCall = -1;
    /** Slots by block address for {@link #slotOfBlock}, built on demand; null after any change. */
    private int[] byBlock;

    LiveBlocks(int initialCapacity) {
        allocate(Integer.highestOneBit(Math.max(16, initialCapacity) - 1) << 1);
    }

    private void allocate(int slots) {
        table = new long[WORDS * slots];
        mask = slots - 1;
    }

    private static int hash(long k) {
        long h = k * 0x9E3779B97F4A7C15L; // Fibonacci hashing: pointers differ mostly in middle bits
        return (int) (h ^ (h >>> 32));
    }

    /** The slot of {@code key} (non-zero), or {@link #ABSENT}. */
    int find(long key) {
        long[] t = table;
        int m = mask;
        for (int i = hash(key) & m; ; i = (i + 1) & m) {
            long k = t[WORDS * i];
            if (k == key) {
                return i;
            }
            if (k == 0) {
                return ABSENT;
            }
        }
    }

    /**
     * Records {@code block} (non-zero), made by call {@code call} for {@code size} bytes and giving
     * {@code usable}, under {@code key}: a recorded pointer, or {@code UNRECORDED | block}. A key
     * already holding another live block keeps that block counted under its own address.
     */
    void add(long key, long block, long size, long call, long usable) {
        byBlock = null;
        int i = slotFor(key);
        int w = WORDS * i;
        long[] t = table;
        if (t[w + KEY] == 0) {
            occupy(key);
        } else {
            long old = t[w + BLOCK];
            if (old != 0 && old != block) {
                long oldSize = t[w + SIZE];
                long oldCall = t[w + CALL];
                long oldUsable = t[w + USABLE];
                uncount(w); // the block moves to a key of its own, where it is counted again
                t[w + BLOCK] = 0;
                add(UNRECORDED | old, old, oldSize, oldCall, oldUsable);
                add(key, block, size, call, usable); // the move may have resized the table
                return;
            }
            uncount(w); // the same block handed out twice without a free: the newer one wins
        }
        put(i, key, block, size, call, usable);
    }

    /** Records that glibc's call made a block under {@code key} and ours did not, unless the key is known. */
    void addEmpty(long key) {
        byBlock = null;
        int i = slotFor(key);
        int w = WORDS * i;
        if (table[w + KEY] == 0) {
            occupy(key);
            Arrays.fill(table, w, w + WORDS, 0); // a removal leaves the sizes behind
            table[w + KEY] = key;
        }
    }

    private void put(int i, long key, long block, long size, long call, long usable) {
        long[] t = table;
        int w = WORDS * i;
        t[w + KEY] = key;
        t[w + BLOCK] = block;
        t[w + SIZE] = size;
        t[w + CALL] = call;
        t[w + USABLE] = usable;
        blocks++;
        bytes += size;
        usableBytes += usable;
        if (Long.compareUnsigned(bytes, peakBytes) > 0) {
            peakBytes = bytes;
            peakBytesCall = call;
        }
    }

    /** The slot holding {@code key}, or the empty slot it goes into, growing the table first if due. */
    private int slotFor(long key) {
        if (entries * 2 >= mask + 1) {
            resize(2 * (mask + 1));
        }
        long[] t = table;
        int m = mask;
        int i = hash(key) & m;
        while (t[WORDS * i] != 0 && t[WORDS * i] != key) {
            i = (i + 1) & m;
        }
        return i;
    }

    private void occupy(long key) {
        entries++;
        if (key > 0 && ++recorded > peakRecorded) {
            peakRecorded = recorded;
        }
    }

    /** Takes the block at word {@code w}, if there is one, out of the counts and sums. */
    private void uncount(int w) {
        if (table[w + BLOCK] != 0) {
            blocks--;
            bytes -= table[w + SIZE];
            usableBytes -= table[w + USABLE];
        }
    }

    /** Forgets slot {@code i}'s key and block; the block's bytes leave the sums. */
    void removeAt(int i) {
        byBlock = null;
        long[] t = table;
        int w = WORDS * i;
        uncount(w);
        if (t[w + KEY] > 0) {
            recorded--;
        }
        entries--;
        int m = mask;
        for (int j = i; ; ) {
            j = (j + 1) & m;
            long kj = t[WORDS * j];
            if (kj == 0) {
                break;
            }
            int home = hash(kj) & m;
            // move slot j into the hole at i unless its home lies cyclically in (i, j]
            boolean movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
            if (movable) {
                System.arraycopy(t, WORDS * j, t, WORDS * i, WORDS);
                i = j;
            }
        }
        t[WORDS * i + KEY] = 0;
        t[WORDS * i + BLOCK] = 0; // scans read the block word alone
        if (entries * 8 < mask + 1 && mask + 1 > 1024) {
            resize((mask + 1) / 2); // give memory back after a burst of frees
        }
    }

    long blockAt(int slot) {
        return table[WORDS * slot + BLOCK];
    }

    long sizeAt(int slot) {
        return table[WORDS * slot + SIZE];
    }

    long callAt(int slot) {
        return table[WORDS * slot + CALL];
    }

    long usableAt(int slot) {
        return table[WORDS * slot + USABLE];
    }

    /** Slots, for a scan with {@link #blockAt} (0 = no block there). */
    int capacity() {
        return mask + 1;
    }

    /**
     * The slot whose block is {@code block}, or {@link #ABSENT}: for heap maps, which look chunks up
     * by address. The index behind it is built on the first lookup after a change, in one pass.
     */
    int slotOfBlock(long block) {
        int[] index = byBlock;
        if (index == null) {
            index = indexByBlock();
        }
        int m = index.length - 1;
        for (int j = hash(block) & m; ; j = (j + 1) & m) {
            int s = index[j] - 1;
            if (s < 0) {
                return ABSENT;
            }
            if (blockAt(s) == block) {
                return s;
            }
        }
    }

    /** Slot + 1 of every block by its address (0 = empty), at most half full. */
    private int[] indexByBlock() {
        int[] index = new int[Integer.highestOneBit(Math.max(8, 2 * blocks)) * 2];
        int m = index.length - 1;
        for (int s = 0; s <= mask; s++) {
            long b = blockAt(s);
            if (b != 0) {
                int j = hash(b) & m;
                while (index[j] != 0) {
                    j = (j + 1) & m;
                }
                index[j] = s + 1;
            }
        }
        byBlock = index;
        return index;
    }

    /** Blocks live now. */
    int count() {
        return blocks;
    }

    /** The most recorded pointers live at once, with or without a block of ours. */
    int peakRecorded() {
        return peakRecorded;
    }

    /** Usable bytes of the live blocks. */
    long usableBytes() {
        return usableBytes;
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

    private void resize(int slots) {
        long[] old = table;
        allocate(slots);
        long[] t = table;
        int m = mask;
        for (int w = 0; w < old.length; w += WORDS) {
            if (old[w] != 0) {
                int j = hash(old[w]) & m;
                while (t[WORDS * j] != 0) {
                    j = (j + 1) & m;
                }
                System.arraycopy(old, w, t, WORDS * j, WORDS);
            }
        }
    }
}
