package org.mallocsim.replay;

/**
 * Emulated pointer → (requested bytes, usable bytes) of each live block, for the fragmentation
 * meter: open addressing with linear probing and backward-shift deletion, as {@link PointerMap},
 * with two value columns so neither needs packing. Keys are non-zero; no boxing.
 */
final class BlockSizes {
    private long[] keys;
    private long[] requested;
    private long[] usable;
    private int size;
    /** The values {@link #remove} found, read right after it (a reused holder, not a side channel: one caller). */
    long removedRequested;
    long removedUsable;

    BlockSizes(int initialCapacity) {
        int cap = Integer.highestOneBit(Math.max(16, initialCapacity) - 1) << 1;
        keys = new long[cap];
        requested = new long[cap];
        usable = new long[cap];
    }

    private static int hash(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    int size() {
        return size;
    }

    /** Records block {@code key} (non-zero), replacing an earlier record of the same address. */
    void put(long key, long req, long use) {
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
        }
        keys[i] = key;
        requested[i] = req;
        usable[i] = use;
    }

    /** Forgets block {@code key}; true (with its sizes in the {@code removed*} fields) when it was there. */
    boolean remove(long key) {
        int mask = keys.length - 1;
        int i = hash(key) & mask;
        while (keys[i] != key) {
            if (keys[i] == 0) {
                return false;
            }
            i = (i + 1) & mask;
        }
        removedRequested = requested[i];
        removedUsable = usable[i];
        size--;
        // Knuth's Algorithm R: shift later members of the cluster back into the hole
        for (int j = (i + 1) & mask; keys[j] != 0; j = (j + 1) & mask) {
            int home = hash(keys[j]) & mask;
            if (((j - home) & mask) >= ((j - i) & mask)) {
                keys[i] = keys[j];
                requested[i] = requested[j];
                usable[i] = usable[j];
                i = j;
            }
        }
        keys[i] = 0;
        return true;
    }

    private void resize(int cap) {
        long[] k = keys;
        long[] r = requested;
        long[] u = usable;
        keys = new long[cap];
        requested = new long[cap];
        usable = new long[cap];
        size = 0;
        for (int i = 0; i < k.length; i++) {
            if (k[i] != 0) {
                put(k[i], r[i], u[i]);
            }
        }
    }
}
