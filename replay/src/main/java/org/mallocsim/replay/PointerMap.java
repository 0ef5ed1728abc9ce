package org.mallocsim.replay;

/**
 * Recorded pointer → emulated pointer, for the blocks that are live: open addressing with linear
 * probing and backward-shift deletion (Knuth, TAOCP vol. 3, 6.4, Algorithm R), so removals leave
 * no tombstones and the table stays as small as the live heap, however long the trace. Keys are
 * non-zero (a trace never maps NULL); no boxing.
 *
 * <pre>
 *  table: [ key 0 | value 0 | key 1 | value 1 | ... ]   slot i = table[2i], table[2i + 1]
 * </pre>
 * A key and its value share a cache line, so a lookup in a table larger than the cache (bash
 * keeps 120,757 blocks live at its peak) misses once, not once in each of two arrays.
 */
final class PointerMap {
    /** What {@link #get} and {@link #remove} answer for an absent key: never a user-space pointer. */
    static final long MISSING = -1;

    private long[] table;
    private int size;
    private int peak;

    PointerMap(int initialCapacity) {
        int cap = Integer.highestOneBit(Math.max(16, initialCapacity) - 1) << 1;
        table = new long[2 * cap];
    }

    private static int hash(long k) {
        long h = k * 0x9E3779B97F4A7C15L; // Fibonacci hashing: pointers differ mostly in middle bits
        return (int) (h ^ (h >>> 32));
    }

    long get(long key) {
        long[] t = table;
        int mask = (t.length >>> 1) - 1;
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            long k = t[2 * i];
            if (k == key) {
                return t[2 * i + 1];
            }
            if (k == 0) {
                return MISSING;
            }
        }
    }

    /** Maps {@code key} (non-zero) to {@code value}, replacing an earlier mapping. */
    void put(long key, long value) {
        if (size * 4 >= table.length) {
            resize(table.length); // twice the slots
        }
        long[] t = table;
        int mask = (t.length >>> 1) - 1;
        int i = hash(key) & mask;
        while (t[2 * i] != 0 && t[2 * i] != key) {
            i = (i + 1) & mask;
        }
        if (t[2 * i] == 0) {
            size++;
            if (size > peak) {
                peak = size;
            }
        }
        t[2 * i] = key;
        t[2 * i + 1] = value;
    }

    /** Removes {@code key}; returns its value or {@link #MISSING}. */
    long remove(long key) {
        long[] t = table;
        int mask = (t.length >>> 1) - 1;
        int i = hash(key) & mask;
        while (t[2 * i] != key) {
            if (t[2 * i] == 0) {
                return MISSING;
            }
            i = (i + 1) & mask;
        }
        long old = t[2 * i + 1];
        size--;
        for (int j = i; ; ) {
            j = (j + 1) & mask;
            long kj = t[2 * j];
            if (kj == 0) {
                break;
            }
            int home = hash(kj) & mask;
            // move slot j into the hole at i unless its home lies cyclically in (i, j]
            boolean movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
            if (movable) {
                t[2 * i] = kj;
                t[2 * i + 1] = t[2 * j + 1];
                i = j;
            }
        }
        t[2 * i] = 0;
        if (size * 8 < capacity() && capacity() > 1024) {
            resize(capacity() / 2); // give memory back after a burst of frees
        }
        return old;
    }

    int size() {
        return size;
    }

    /** The most keys live at once. */
    int peak() {
        return peak;
    }

    /** The table's slots (for tests that check memory follows the live heap). */
    int capacity() {
        return table.length >>> 1;
    }

    /** Rehashes into a table of {@code slots} slots. */
    private void resize(int slots) {
        long[] old = table;
        table = new long[2 * slots];
        size = 0;
        int savedPeak = peak;
        for (int i = 0; i < old.length; i += 2) {
            if (old[i] != 0) {
                put(old[i], old[i + 1]);
            }
        }
        peak = savedPeak;
    }
}
