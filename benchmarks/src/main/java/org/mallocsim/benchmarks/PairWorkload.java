package org.mallocsim.benchmarks;

/**
 * The malloc+free pairs of {@link PtmallocPathBenchmark}, defined once so that the C baseline
 * ({@code benchmarks/src/main/c/alloc_baseline.c}) can make the very same calls: a table of
 * {@link #SLOTS} live blocks with a request size each, and {@link #INDICES} precomputed slot
 * indexes; step k frees slot {@code indices[k]} and allocates it again with the slot's size. Both
 * sides draw the sizes and indexes from the same xorshift64* generator with the same seed, so
 * the emulated allocator and the real glibc see identical call sequences.
 *
 * <p>Each path is chosen by its request sizes and tcache setting (malloc/malloc.c, glibc 2.36):
 * <pre>
 *  path      requests       tcache   where free puts the chunk / where malloc finds it
 *  tcache    16..1024       on       tcache bin / tcache_get
 *  fastbin   16..120        off      fastbin / fastbin (chunks of 32..128 bytes)
 *  smallbin  128..1000      off      unsorted (coalescing) / smallbin or unsorted scan
 *  large     1100..65536    on       unsorted (coalescing) / unsorted scan, largebins, top
 * </pre>
 */
final class PairWorkload {
    /** Live blocks. */
    static final int SLOTS = 1024;
    /** Precomputed slot indexes; a power of two so the cursor wraps by a mask. */
    static final int INDICES = 1 << 16;

    static final long SEED = 0x9E37_79B9_7F4A_7C15L;

    final int[] indices = new int[INDICES];
    final long[] sizes = new long[SLOTS];
    /** "glibc.malloc.tcache_count=0" for the paths that turn the tcache off, else null. */
    final String tunables;

    PairWorkload(String path) {
        long lo;
        long hi;
        switch (path) {
            case "tcache":
                lo = 16;
                hi = 1024;
                tunables = null;
                break;
            case "fastbin":
                lo = 16;
                hi = 120;
                tunables = "glibc.malloc.tcache_count=0";
                break;
            case "smallbin":
                lo = 128;
                hi = 1000;
                tunables = "glibc.malloc.tcache_count=0";
                break;
            case "large":
                lo = 1100;
                hi = 65536;
                tunables = null;
                break;
            default:
                throw new IllegalArgumentException("unknown path " + path);
        }
        long x = SEED;
        for (int i = 0; i < SLOTS; i++) {
            x = next(x);
            sizes[i] = lo + Long.remainderUnsigned(x * 0x2545_F491_4F6C_DD1DL >>> 1, hi - lo + 1);
        }
        for (int i = 0; i < INDICES; i++) {
            x = next(x);
            indices[i] = (int) ((x * 0x2545_F491_4F6C_DD1DL) >>> 54);
        }
    }

    /** One xorshift64* state step (Vigna, "An experimental exploration of Marsaglia's xorshift generators", 2016). */
    static long next(long x) {
        x ^= x >>> 12;
        x ^= x << 25;
        x ^= x >>> 27;
        return x;
    }
}
