package org.mallocsim.replay;

/**
 * Recorded pointer → emulated pointer, for the blocks that are live: open addressing with linear
 * probing and backward-shift deletion (Knuth, TAOCP vol. 3, 6.4, Algorithm R), so removals leave
 * no tombstones and the table stays as small as the live heap, however long the trace. Keys are
 * non-zero (a trace never maps NULL); no boxing.
 */
final class PointerMap {
    /** What {@link #get} and {@link #remove} answer for an absent key: never a user-space pointer. */
    static final long MISSING = -1;

    private long[] keys;
    private long[] values;
    private int size;
    private int peak;

    PointerMap(int initialCapacity) {
        int cap = Integer.highestOneBit(Math.max(16, initialCapacity) - 1) << 1;
        keys = new long[cap];
        values = new long[cap];
    }

    private static int hash(long k) {
        long h = k * 0x9E3779B97F4A7C15L; // Fibonacci hashing: pointers differ mostly in middle bits
        return (int) (h ^ (h >>> 32));
    }

    long get(long key) {
        int mask = keys.length - 1;
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) {
                return values[i];
            }
            if (k == 0) {
                return MISSING;
            }
        }
    }

    /** Maps {@code key} (non-zero) to {@code value}, replacing an earlier mapping. */
    void put(long key, long value) {
        if (size * 2 >= keys.length) {
            resize(keys.length * 2);
        }
        int mask = keys.length - 1;
        int i = hash(key) & mask;
        while (keys[i] != 0 && keys[i] != key) {
            i = (i + 1) & mask;
        }
        if (keys[i] == 0) {
            size++;
            if (size > peak) {
                peak = size;
            }
        }
        keys[i] = key;
        values[i] = value;
    }

    /** Removes {@code key}; returns its value or {@link #MISSING}. */
    long remove(long key) {
        int mask = keys.length - 1;
        int i = hash(key) & mask;
        while (keys[i] != key) {
            if (keys[i] == 0) {
                return MISSING;
            }
            i = (i + 1) & mask;
        }
        long old = values[i];
        size--;
        for (int j = i; ; ) {
            j = (j + 1) & mask;
            if (keys[j] == 0) {
                break;
            }
            int home = hash(keys[j]) & mask;
            // move keys[j] into the hole at i unless its home lies cyclically in (i, j]
            boolean movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
            if (movable) {
                keys[i] = keys[j];
                values[i] = values[j];
                i = j;
            }
        }
        keys[i] = 0;
        if (size * 8 < keys.length && keys.length > 1024) {
            resize(keys.length / 2); // give memory back after a burst of frees
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
        return keys.length;
    }

    private void resize(int capacity) {
        long[] oldKeys = keys;
        long[] oldValues = values;
        keys = new long[capacity];
        values = new long[capacity];
        size = 0;
        int savedPeak = peak;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                put(oldKeys[i], oldValues[i]);
            }
        }
        peak = savedPeak;
    }
}
