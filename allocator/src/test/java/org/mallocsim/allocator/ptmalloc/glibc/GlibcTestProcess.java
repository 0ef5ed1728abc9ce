package org.mallocsim.allocator.ptmalloc.glibc;

import org.mallocsim.allocator.Allocator;
import org.mallocsim.allocator.ptmalloc.Ptmalloc;
import org.mallocsim.allocator.ptmalloc.Tunables;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;

/**
 * A fresh emulated process running glibc's malloc, as each of glibc's malloc tests runs in a process
 * of its own (support/test-driver.c): an {@link AddressSpace} with a default {@link KernelConfig}
 * and a {@link Ptmalloc} on it, optionally started with a {@code GLIBC_TUNABLES} string as the
 * tests' {@code -ENV} lines in malloc/Makefile set one. The tests speak the {@link Allocator}
 * interface only, so they hold any implementation to glibc's answers.
 */
final class GlibcTestProcess {
    static final int ENOMEM = 12;
    static final int EINVAL = 22;
    static final long PAGESIZE = 4096;

    private GlibcTestProcess() {}

    /** A fresh process with glibc's default malloc settings. */
    static Allocator ptmalloc() {
        return ptmalloc(KernelConfig.defaults(), "");
    }

    /** A fresh process started with {@code GLIBC_TUNABLES=glibcTunables}. */
    static Allocator ptmalloc(String glibcTunables) {
        return ptmalloc(KernelConfig.defaults(), glibcTunables);
    }

    /** A fresh process on a configured kernel, started with {@code GLIBC_TUNABLES=glibcTunables}. */
    static Allocator ptmalloc(KernelConfig config, String glibcTunables) {
        return ptmalloc(new AddressSpace(config), glibcTunables);
    }

    /** Ptmalloc on a given address space, started with {@code GLIBC_TUNABLES=glibcTunables}. */
    static Allocator ptmalloc(AddressSpace as, String glibcTunables) {
        Ptmalloc p = new Ptmalloc(as, glibcTunables.isEmpty() ? Tunables.defaults() : Tunables.parse(glibcTunables));
        HeapCheckAfterEach.made(p);
        return p;
    }

    // ---- the C library calls the tests make on the memory they get ------------------------------

    /** {@code memset(p, c, n)}. */
    static void memset(Allocator a, long p, int c, long n) {
        a.addressSpace().fill(p, c, n);
    }

    /** {@code memcpy(dst, src, n)}. */
    static void memcpy(Allocator a, long dst, long src, long n) {
        a.addressSpace().copy(dst, src, n);
    }

    /** The {@code n} bytes at {@code p}. */
    static byte[] bytes(Allocator a, long p, int n) {
        byte[] b = new byte[n];
        a.addressSpace().read(p, b, 0, n);
        return b;
    }

    /** The chunk's size word, 8 bytes below the user pointer. */
    static long chunkWord(Allocator a, long p) {
        return a.addressSpace().load64(p - 8);
    }

    /** An array of {@code n} bytes of value {@code c}, to compare memory with. */
    static byte[] filled(int n, int c) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) c);
        return b;
    }
}
