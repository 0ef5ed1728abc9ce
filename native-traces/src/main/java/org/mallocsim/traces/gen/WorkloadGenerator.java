package org.mallocsim.traces.gen;

import java.util.SplittableRandom;

/**
 * Seeded synthetic malloc workloads. The same parameters always give the same calls, so a
 * generated trace run through the native replayer becomes ground truth for differential tests.
 *
 * <p>Shapes follow the stress tests of mimalloc-bench:
 * <ul>
 *   <li>{@link Shape#SIMPLE} — glibc's bench-malloc-simple: allocate a batch of same-size blocks,
 *       free them all, for every size class of a ladder;
 *   <li>{@link Shape#LARSON} — Larson and Krishnan's server model: each thread replaces random
 *       blocks of a slot table with blocks of random size, and slot tables pass between threads, so
 *       blocks are freed by threads that did not allocate them;
 *   <li>{@link Shape#CACHE_THRASH} — each thread allocates, uses and frees one small block in a loop;
 *   <li>{@link Shape#MIXED} — a program-like mix: mostly small blocks with geometric lifetimes,
 *       some medium and rare mmap-sized ones, realloc chains, calloc, memalign with alignments up to
 *       a page, valloc and pvalloc, and bursts that free most of the heap (so it trims).
 * </ul>
 * and, one thread each, shapes that aim at one part of glibc's malloc for differential tests
 * against the real glibc:
 * <ul>
 *   <li>{@link Shape#SMALL} — tcache, fastbin and smallbin sizes, freed at random;
 *   <li>{@link Shape#LARGE} — largebin sizes and sizes around the mmap threshold;
 *   <li>{@link Shape#MEMALIGN} — memalign with alignments from 8 B to 64 KiB (some not powers of
 *       two), valloc and pvalloc among mallocs;
 *   <li>{@link Shape#REALLOC} — realloc chains that grow, shrink, and cross into and out of mmap;
 *   <li>{@link Shape#CALLOC} — calloc, which skips the tcache, with some mmap-sized calls;
 *   <li>{@link Shape#TRIM} — waves of medium blocks freed mostly newest first, so top grows past
 *       the trim threshold and the heap shrinks;
 *   <li>{@link Shape#THRESHOLD} — mmap-sized blocks freed and reallocated, so the dynamic mmap
 *       threshold rises and later requests of the same sizes come from the heap.
 * </ul>
 * Threads other than the first announce themselves with a thread-start event and end with a
 * thread-exit event; which thread makes the next call is drawn from the seed.
 */
public final class WorkloadGenerator {

    /** The workload's shape. */
    public enum Shape {
        SIMPLE(true),
        LARSON(false),
        CACHE_THRASH(false),
        MIXED(false),
        SMALL(true),
        LARGE(true),
        MEMALIGN(true),
        REALLOC(true),
        CALLOC(true),
        TRIM(true),
        THRESHOLD(true);

        private final boolean singleThreaded;

        Shape(boolean singleThreaded) {
            this.singleThreaded = singleThreaded;
        }

        /** Whether the shape runs on the first thread only, whatever {@link Params#threads()} says. */
        public boolean singleThreaded() {
            return singleThreaded;
        }
    }

    /**
     * @param shape   the shape
     * @param seed    the seed of every random choice
     * @param calls   about how many allocator calls to make (thread events not counted)
     * @param threads threads, the first included (SIMPLE uses one)
     * @param maxLive the most blocks a thread keeps live at once
     */
    public record Params(Shape shape, long seed, int calls, int threads, int maxLive) {
        public Params {
            if (calls < 0 || threads < 1 || maxLive < 1) {
                throw new IllegalArgumentException("calls >= 0, threads >= 1 and maxLive >= 1 are needed");
            }
            if (threads > MAX_THREADS) {
                throw new IllegalArgumentException(
                        "at most " + MAX_THREADS + " threads (the native replayer's " + "limit), not " + threads);
            }
            if ((long) threads * maxLive > MAX_LIVE_BLOCKS) {
                throw new IllegalArgumentException("threads x max-live = " + (long) threads * maxLive
                        + " live blocks is more than the generator keeps (" + MAX_LIVE_BLOCKS + ")");
            }
        }
    }

    /** The most threads a trace may have: mallocsim-replay's MAX_THREADS (src/main/c/replay/trace.h). */
    public static final int MAX_THREADS = 4096;
    /** The most live blocks over all threads: 16 bytes each in the tables, 256 MiB at most. */
    public static final long MAX_LIVE_BLOCKS = 1L << 24;

    /** The first thread's id; thread i has {@code MAIN_TID + i}. */
    public static final int MAIN_TID = 1000;

    private static final long[] SIMPLE_SIZES = {8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096};

    private final Params p;
    private final CallSink sink;
    private final SplittableRandom rnd;
    /** Per thread: live block tokens and requested sizes (primitive tables, swapped for LARSON). */
    private final long[][] tokens;

    private final long[][] sizes;
    private final int[] live;
    private long nextToken = 1;
    private int made;

    private WorkloadGenerator(Params p, CallSink sink) {
        this.p = p;
        this.sink = sink;
        this.rnd = new SplittableRandom(p.seed());
        int t = p.shape().singleThreaded() ? 1 : p.threads();
        this.tokens = new long[t][p.maxLive()];
        this.sizes = new long[t][p.maxLive()];
        this.live = new int[t];
    }

    /** Generates the whole workload into the sink; returns the number of allocator calls made. */
    public static int generate(Params p, CallSink sink) {
        return new WorkloadGenerator(p, sink).run();
    }

    private int run() {
        int threads = tokens.length;
        for (int t = 1; t < threads; t++) {
            sink.call(tid(t), 't', MAIN_TID, 0, 0);
        }
        switch (p.shape()) {
            case SIMPLE -> simple();
            case LARSON -> larson();
            case CACHE_THRASH -> cacheThrash();
            case SMALL -> small();
            case LARGE -> large();
            case MEMALIGN -> aligned();
            case REALLOC -> reallocHeavy();
            case CALLOC -> callocHeavy();
            case TRIM -> trim();
            case THRESHOLD -> threshold();
            default -> mixed();
        }
        for (int t = threads - 1; t >= 0; t--) {
            freeAll(t);
            if (t > 0) {
                sink.call(tid(t), 'x', 0, 0, 0);
            }
        }
        return made;
    }

    private void simple() {
        int batch = Math.max(1, Math.min(p.maxLive(), 64));
        while (made < p.calls()) {
            for (long size : SIMPLE_SIZES) {
                for (int i = 0; i < batch && made < p.calls(); i++) {
                    malloc(0, size);
                }
                freeAll(0);
            }
        }
    }

    private void larson() {
        int rounds = 0;
        while (made < p.calls()) {
            int t = rnd.nextInt(tokens.length);
            if (live[t] == p.maxLive() || (live[t] > 0 && rnd.nextBoolean())) {
                free(t, rnd.nextInt(live[t]));
            } else {
                malloc(t, 10 + rnd.nextInt(500));
            }
            if (++rounds % 1000 == 0 && tokens.length > 1) {
                // a finished "connection" hands its blocks to another thread
                int a = rnd.nextInt(tokens.length);
                int b = (a + 1 + rnd.nextInt(tokens.length - 1)) % tokens.length;
                swapSlots(a, b);
            }
        }
    }

    private void cacheThrash() {
        while (made < p.calls()) {
            int t = rnd.nextInt(tokens.length);
            malloc(t, 8 + rnd.nextInt(3) * 8);
            free(t, live[t] - 1);
        }
    }

    private void mixed() {
        while (made < p.calls()) {
            int t = rnd.nextInt(tokens.length);
            int roll = rnd.nextInt(1000);
            if (roll < 2 && live[t] > 8) {
                // a burst: most of this thread's blocks die together, so top can be trimmed
                for (int n = live[t] * 7 / 8; n > 0; n--) {
                    free(t, live[t] - 1);
                }
            } else if (live[t] == p.maxLive() || (live[t] > 0 && roll < 420)) {
                free(t, geometricVictim(t));
            } else if (live[t] > 0 && roll < 500) {
                int i = rnd.nextInt(live[t]);
                long grown = sizes[t][i] + sizes[t][i] / 2 + 1 + rnd.nextInt(64);
                realloc(t, i, rnd.nextInt(8) == 0 ? Math.max(1, sizes[t][i] / 2) : grown);
            } else if (roll < 560) {
                calloc(t, 1 + rnd.nextInt(16), 1 + rnd.nextInt(128));
            } else if (roll < 580) {
                memalign(t, 16L << rnd.nextInt(9), mixedSize());
            } else if (roll < 583) {
                allocate(t, 'v', mixedSize(), 0);
            } else if (roll < 585) {
                allocate(t, 'p', mixedSize(), 0);
            } else {
                malloc(t, mixedSize());
            }
        }
    }

    private void small() {
        while (made < p.calls()) {
            if (live[0] == p.maxLive() || (live[0] > 0 && rnd.nextInt(100) < 45)) {
                free(0, rnd.nextInt(live[0]));
            } else {
                malloc(0, rnd.nextInt(10) == 0 ? 1 + rnd.nextInt(4096) : rnd.nextInt(1033));
            }
        }
    }

    private void large() {
        while (made < p.calls()) {
            if (live[0] == p.maxLive() || (live[0] > 0 && rnd.nextInt(100) < 45)) {
                free(0, rnd.nextInt(live[0]));
            } else {
                int r = rnd.nextInt(100);
                malloc(0, r < 70 ? between(1025, 65536) : r < 95 ? between(65537, 262144) : between(262145, 4 << 20));
            }
        }
    }

    private void aligned() {
        while (made < p.calls()) {
            int roll = rnd.nextInt(100);
            if (live[0] == p.maxLive() || (live[0] > 0 && roll < 40)) {
                free(0, rnd.nextInt(live[0]));
            } else if (roll < 75) {
                long align = 8L << rnd.nextInt(14);
                if (rnd.nextInt(10) == 0) {
                    align += 8 * (1 + rnd.nextInt(4)); // not a power of two: glibc rounds it up
                }
                memalign(0, align, rnd.nextInt(20) == 0 ? between(65536, 300000) : between(0, 8192));
            } else if (roll < 80) {
                allocate(0, 'v', between(0, 20000), 0);
            } else if (roll < 85) {
                allocate(0, 'p', between(0, 20000), 0);
            } else {
                malloc(0, between(1, 2048));
            }
        }
    }

    private void reallocHeavy() {
        while (made < p.calls()) {
            int roll = rnd.nextInt(100);
            if (live[0] == p.maxLive() || (live[0] > 0 && roll < 15)) {
                free(0, rnd.nextInt(live[0]));
            } else if (live[0] > 0 && roll < 70) {
                int i = rnd.nextInt(live[0]);
                int kind = rnd.nextInt(20);
                long size = kind == 0
                        ? between(131072, 1 << 20) // into mmap
                        : kind == 1
                                ? between(1, 100) // down to a small chunk
                                : kind < 8
                                        ? Math.max(1, sizes[0][i] / 2)
                                        : sizes[0][i] + sizes[0][i] / 2 + between(1, 256);
                realloc(0, i, size);
            } else {
                malloc(0, between(1, 2048));
            }
        }
    }

    private void callocHeavy() {
        while (made < p.calls()) {
            int roll = rnd.nextInt(100);
            if (live[0] == p.maxLive() || (live[0] > 0 && roll < 45)) {
                free(0, rnd.nextInt(live[0]));
            } else if (roll < 85) {
                calloc(0, between(1, 64), between(1, 256));
            } else if (roll < 90) {
                calloc(0, 1, between(65536, 300000));
            } else {
                malloc(0, between(0, 1032));
            }
        }
    }

    private void trim() {
        int wave = Math.max(2, Math.min(p.maxLive(), 400));
        while (made < p.calls()) {
            int n = wave / 2 + rnd.nextInt(wave / 2 + 1);
            for (int i = 0; i < n && live[0] < p.maxLive() && made < p.calls(); i++) {
                malloc(0, rnd.nextInt(16) == 0 ? between(1, 256) : between(512, 32768));
            }
            int k = live[0] * (6 + rnd.nextInt(4)) / 10;
            for (int j = 0; j < k && made < p.calls(); j++) {
                free(0, rnd.nextInt(8) == 0 ? rnd.nextInt(live[0]) : live[0] - 1);
            }
        }
    }

    private void threshold() {
        while (made < p.calls()) {
            int roll = rnd.nextInt(100);
            if (live[0] == p.maxLive() || (live[0] > 0 && roll < 40)) {
                free(0, rnd.nextInt(live[0]));
            } else if (live[0] > 0 && roll < 45) {
                int i = rnd.nextInt(live[0]);
                realloc(0, i, rnd.nextBoolean() ? sizes[0][i] * 2 + 1 : Math.max(1, sizes[0][i] / 3));
            } else if (roll < 75) {
                // log-uniform 128 KiB .. 8 MiB, and rarely above the 32 MiB that stops the threshold
                long size = rnd.nextInt(50) == 0
                        ? between(32 << 20, 40 << 20)
                        : (128L << 10) << rnd.nextInt(7) | rnd.nextInt(1 << 17);
                malloc(0, size);
            } else {
                malloc(0, between(1, 4096));
            }
        }
    }

    /** Uniform in [lo, hi]. */
    private long between(long lo, long hi) {
        return lo + rnd.nextLong(hi - lo + 1);
    }

    /** Mostly small (log-uniform 1..1024), some medium (to 64 KiB), rarely mmap-sized (to 4 MiB). */
    private long mixedSize() {
        int r = rnd.nextInt(100);
        int bits = r < 90 ? 10 : r < 99 ? 16 : 22;
        return 1 + (rnd.nextLong() >>> (64 - bits)) % (1L << bits);
    }

    /** Young blocks die first more often: a geometric draw from the newest end. */
    private int geometricVictim(int t) {
        int back = 0;
        while (back < live[t] - 1 && rnd.nextInt(4) != 0) {
            back++;
        }
        return live[t] - 1 - back;
    }

    private void swapSlots(int a, int b) {
        long[] tk = tokens[a];
        tokens[a] = tokens[b];
        tokens[b] = tk;
        long[] sz = sizes[a];
        sizes[a] = sizes[b];
        sizes[b] = sz;
        int n = live[a];
        live[a] = live[b];
        live[b] = n;
    }

    private void malloc(int t, long size) {
        allocate(t, 'm', size, 0);
    }

    private void calloc(int t, long nmemb, long size) {
        allocate(t, 'c', nmemb, size);
    }

    private void memalign(int t, long align, long size) {
        allocate(t, 'a', align, size);
    }

    private void allocate(int t, char op, long a0, long a1) {
        if (live[t] == p.maxLive()) {
            free(t, 0);
        }
        long token = newToken();
        sink.call(tid(t), op, a0, a1, token);
        made++;
        long size = op == 'c' ? a0 * a1 : op == 'a' ? a1 : a0;
        tokens[t][live[t]] = token;
        sizes[t][live[t]] = size;
        live[t]++;
    }

    private void realloc(int t, int i, long size) {
        long token = newToken();
        sink.call(tid(t), 'r', tokens[t][i], size, token);
        made++;
        tokens[t][i] = token;
        sizes[t][i] = size;
    }

    private void free(int t, int i) {
        sink.call(tid(t), 'f', tokens[t][i], 0, 0);
        made++;
        int last = --live[t];
        tokens[t][i] = tokens[t][last];
        sizes[t][i] = sizes[t][last];
    }

    private void freeAll(int t) {
        while (live[t] > 0) {
            free(t, live[t] - 1);
        }
    }

    /** Tokens look like 16-byte-aligned heap pointers and are never reused. */
    private long newToken() {
        return 0x10000L + (nextToken++ << 4);
    }

    private static int tid(int t) {
        return MAIN_TID + t;
    }
}
