package org.mallocsim.allocator.ptmalloc;

import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;

/**
 * A fresh emulated process with ptmalloc, for tests: every call runs the heap checker afterwards,
 * and addresses are also given as offsets from the initial break ({@link #base}).
 */
final class Heap {
    final AddressSpace as;
    final Ptmalloc pm;
    final long base;

    Heap() {
        this(Tunables.defaults());
    }

    Heap(Tunables t) {
        as = new AddressSpace(KernelConfig.defaults());
        pm = new Ptmalloc(as, t);
        base = as.startBrk();
    }

    long malloc(long n) {
        long p = pm.malloc(n);
        pm.checkHeap();
        return p;
    }

    void free(long p) {
        pm.free(p);
        pm.checkHeap();
    }

    long calloc(long n, long s) {
        long p = pm.calloc(n, s);
        pm.checkHeap();
        return p;
    }

    long realloc(long p, long n) {
        long r = pm.realloc(p, n);
        pm.checkHeap();
        return r;
    }

    long memalign(long a, long n) {
        long r = pm.memalign(a, n);
        pm.checkHeap();
        return r;
    }

    /** The chunk word below user pointer {@code p}. */
    long word(long p) {
        return as.load64(p - 8);
    }

    long off(long p) {
        return p - base;
    }

    long brkOff() {
        return as.currentBrk() - base;
    }
}
