package org.mallocsim.allocator.ptmalloc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.mallocsim.allocator.MallocAbort;
import org.mallocsim.kernel.Mman;
import org.mallocsim.kernel.Page;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.VmaView;

/**
 * One process's malloc: where its static variables live in emulated memory, typed access to them,
 * and the few services every glibc function family uses ({@code malloc_printerr}, errno,
 * {@code __sbrk}). The family classes ({@link IntMalloc}, {@link IntFree}, {@link SysMalloc}, ...)
 * are static functions over one context, as glibc's are functions over its globals; they take the
 * arena (a malloc_state address) explicitly so that thread arenas slot in.
 */
final class MallocContext {
    /** {@code -Dmallocsim.malloc.check=true}: run the heap checker after every public call. */
    static final boolean CHECK = Boolean.getBoolean("mallocsim.malloc.check");

    static final long PAGESIZE = Page.PAGE_SIZE;
    static final int ENOMEM = 12;
    static final int EINVAL = 22;

    // glibc's compile-time defaults (malloc/malloc.c, sysdeps/generic/malloc-machine.h)
    static final long DEFAULT_TOP_PAD = 128 * 1024;
    static final long DEFAULT_MMAP_THRESHOLD = 128 * 1024;
    static final long DEFAULT_MMAP_THRESHOLD_MAX = 4L * 1024 * 1024 * 8;
    static final long DEFAULT_TRIM_THRESHOLD = 128 * 1024;
    static final int DEFAULT_MMAP_MAX = 65536;
    static final long DEFAULT_MXFAST = 64L * Chunk.SIZE_SZ / 4;
    static final long TCACHE_FILL_COUNT = 7;
    static final long MAX_TCACHE_COUNT = 65535;
    static final long MAX_TCACHE_SIZE = Chunk.tidx2usize(Chunk.TCACHE_MAX_BINS - 1);
    static final long MMAP_AS_MORECORE_SIZE = 1024 * 1024;
    static final long FASTBIN_CONSOLIDATION_THRESHOLD = 65536;
    static final long HEAP_MAX_SIZE = 2 * DEFAULT_MMAP_THRESHOLD_MAX;
    static final int MAX_ITERS = 10000;

    final AddressSpace as;
    final Tunables tunables;
    /** The address of malloc's static variables (see {@link LibcData}). */
    final long data;
    /** {@code &main_arena}. */
    final long mainArena;
    /** {@code &mp_}. */
    final long mp;

    private final SplittableRandom keySource;
    /** The calling thread's errno. */
    int errno;
    /** {@code !SINGLE_THREAD_P}: a second thread has run, so calls take glibc's locking paths. */
    boolean multiThreaded;
    /** Set once malloc_printerr ran: the process is dead. */
    String aborted;

    /*
     * Write-through copies of the globals every call reads (mp_, tcache, tcache_key,
     * malloc_initialized, global_max_fast, perturb_byte). Each setter below stores to emulated
     * memory first and then here, so memory always holds the value (the heap checker, malloc_info
     * and the views read it there) and a read costs a field load instead of a translated load64.
     * Any other write to their page (a program's store, a memset, ptmalloc's own store through a
     * forged link, as in a large bin attack on mp_.tcache_bins) reaches copiedWritten, which reads
     * them all again: the next call sees the new values, as glibc's next read would. mp_'s 64-bit
     * and 32-bit fields never overlap, so each width has its copy. Reading a copy never faults:
     * a program that unmaps or protects that page would see glibc fault where this does not.
     */
    private final long[] mp64 = new long[MallocPar.SIZE / 8];
    private final int[] mp32 = new int[MallocPar.SIZE / 4];
    private long tcacheCopy;
    private long tcacheKeyCopy;
    private long globalMaxFastCopy;
    private boolean initializedCopy;
    private int perturbByteCopy;
    /** Set while a setter stores to a copied global: its own write need not be read back. */
    private boolean storingCopy;

    MallocContext(AddressSpace as, Tunables tunables) {
        this.as = as;
        this.tunables = tunables;
        this.keySource = new SplittableRandom(tunables.tcacheKeySeed());
        this.data = placeLibcData(as);
        this.mainArena = data + LibcData.MAIN_ARENA;
        this.mp = data + LibcData.MP;
        staticInit();
        as.watchWrites(data + LibcData.COPIED, LibcData.SIZE - LibcData.COPIED, this::copiedWritten);
    }

    /**
     * Finds room for malloc's statics: inside libc.so.6's read-write mapping when the process
     * started from a listing that shows one, else in a page mmapped for them.
     */
    private static long placeLibcData(AddressSpace as) {
        for (VmaView v : as.vmas()) {
            if (v.name() != null
                    && v.name().endsWith("/libc.so.6")
                    && "rw-p".equals(v.perms())
                    && v.size() >= LibcData.SIZE) {
                return v.start();
            }
        }
        long size = Page.pageAlign(LibcData.SIZE);
        long a = as.mmap(0, size, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        if (a < 0 && a > -4096) {
            throw new IllegalStateException("cannot map malloc's static data: errno " + (-a));
        }
        return a;
    }

    /** The static initializers of main_arena and mp_ (malloc/malloc.c); the rest is .bss zero. */
    private void staticInit() {
        as.fill(data, 0, LibcData.SIZE);
        as.store64(mainArena + MallocState.NEXT, mainArena);
        as.store64(mainArena + MallocState.ATTACHED_THREADS, 1);
        mpStore(MallocPar.TOP_PAD, DEFAULT_TOP_PAD);
        mpStore32(MallocPar.N_MMAPS_MAX, DEFAULT_MMAP_MAX);
        mpStore(MallocPar.MMAP_THRESHOLD, DEFAULT_MMAP_THRESHOLD);
        mpStore(MallocPar.TRIM_THRESHOLD, DEFAULT_TRIM_THRESHOLD);
        mpStore(MallocPar.ARENA_TEST, 8);
        mpStore(MallocPar.TCACHE_BINS, Chunk.TCACHE_MAX_BINS);
        mpStore(MallocPar.TCACHE_MAX_BYTES, MAX_TCACHE_SIZE);
        mpStore(MallocPar.TCACHE_COUNT, TCACHE_FILL_COUNT);
        as.store32(data + LibcData.NARENAS, 1);
    }

    // ---- malloc_printerr and assertions ---------------------------------------------------------

    /** Follows {@code malloc_printerr}: the process aborts with glibc's message. */
    MallocAbort printerr(String message) {
        aborted = message;
        throw new MallocAbort(message);
    }

    /** glibc's {@code assert} in malloc.c: "Fatal glibc error: malloc assertion failure in F: E". */
    MallocAbort assertionFailure(String function, String expression) {
        return printerr("Fatal glibc error: malloc assertion failure in " + function + ": " + expression);
    }

    // ---- mp_ and other globals ------------------------------------------------------------------

    long mpLoad(int off) {
        return mp64[off >>> 3];
    }

    void mpStore(int off, long v) {
        storeCopied(mp + off, v, 8);
        mp64[off >>> 3] = v;
    }

    int mpLoad32(int off) {
        return mp32[off >>> 2];
    }

    void mpStore32(int off, int v) {
        storeCopied(mp + off, v, 4);
        mp32[off >>> 2] = v;
    }

    long tcache() {
        return tcacheCopy;
    }

    void setTcache(long t) {
        storeCopied(data + LibcData.TCACHE, t, 8);
        tcacheCopy = t;
    }

    long tcacheKey() {
        return tcacheKeyCopy;
    }

    long globalMaxFast() {
        return globalMaxFastCopy;
    }

    void setMaxFast(long s) {
        long v = Chunk.maxFastFor(s);
        storeCopied(data + LibcData.GLOBAL_MAX_FAST, v, 8);
        globalMaxFastCopy = v;
    }

    boolean initialized() {
        return initializedCopy;
    }

    int perturbByte() {
        return perturbByteCopy;
    }

    /** A setter's store of {@code width} bytes to a copied global, which its caller then copies. */
    private void storeCopied(long addr, long v, int width) {
        storingCopy = true;
        try {
            if (width == 8) {
                as.store64(addr, v);
            } else {
                as.store32(addr, (int) v);
            }
        } finally {
            storingCopy = false;
        }
    }

    /** The watcher of the copied globals' page (see the copies' comment above). */
    private void copiedWritten(long vaddr, long length) {
        if (storingCopy) {
            return;
        }
        byte[] bytes = new byte[LibcData.SIZE - LibcData.COPIED];
        as.read(data + LibcData.COPIED, bytes, 0, bytes.length);
        ByteBuffer m = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int mpAt = LibcData.MP - LibcData.COPIED;
        for (int i = 0; i < mp64.length; i++) {
            mp64[i] = m.getLong(mpAt + 8 * i);
        }
        for (int i = 0; i < mp32.length; i++) {
            mp32[i] = m.getInt(mpAt + 4 * i);
        }
        tcacheCopy = m.getLong(LibcData.TCACHE - LibcData.COPIED);
        tcacheKeyCopy = m.getLong(LibcData.TCACHE_KEY - LibcData.COPIED);
        globalMaxFastCopy = m.getLong(LibcData.GLOBAL_MAX_FAST - LibcData.COPIED);
        initializedCopy = m.getInt(LibcData.MALLOC_INITIALIZED - LibcData.COPIED) != 0;
        perturbByteCopy = m.getInt(LibcData.PERTURB_BYTE - LibcData.COPIED);
    }

    long threadArena() {
        return as.load64(data + LibcData.THREAD_ARENA);
    }

    /** Follows {@code tcache_key_initialize} (malloc/malloc.c); getrandom becomes a seeded draw. */
    void tcacheKeyInitialize() {
        long key = keySource.nextLong();
        storeCopied(data + LibcData.TCACHE_KEY, key, 8);
        tcacheKeyCopy = key;
    }

    void setInitialized() {
        storeCopied(data + LibcData.MALLOC_INITIALIZED, 1, 4);
        initializedCopy = true;
    }

    boolean tcacheShuttingDown() {
        return as.load32(data + LibcData.TCACHE_SHUTTING_DOWN) != 0;
    }

    void setTcacheShuttingDown() {
        as.store32(data + LibcData.TCACHE_SHUTTING_DOWN, 1);
    }

    void setThreadArena(long av) {
        as.store64(data + LibcData.THREAD_ARENA, av);
    }

    void setPerturbByte(int v) {
        storeCopied(data + LibcData.PERTURB_BYTE, v, 4);
        perturbByteCopy = v;
    }

    // ---- arena fields ---------------------------------------------------------------------------

    long top(long av) {
        return as.load64(av + MallocState.TOP);
    }

    void setTop(long av, long p) {
        as.store64(av + MallocState.TOP, p);
    }

    long systemMem(long av) {
        return as.load64(av + MallocState.SYSTEM_MEM);
    }

    void setSystemMem(long av, long v) {
        as.store64(av + MallocState.SYSTEM_MEM, v);
    }

    boolean contiguous(long av) {
        return (as.load32(av + MallocState.FLAGS) & MallocState.NONCONTIGUOUS_BIT) == 0;
    }

    void setNoncontiguous(long av) {
        as.store32(av + MallocState.FLAGS, as.load32(av + MallocState.FLAGS) | MallocState.NONCONTIGUOUS_BIT);
    }

    boolean haveFastchunks(long av) {
        return as.load32(av + MallocState.HAVE_FASTCHUNKS) != 0;
    }

    void setHaveFastchunks(long av, boolean v) {
        as.store32(av + MallocState.HAVE_FASTCHUNKS, v ? 1 : 0);
    }

    long lastRemainder(long av) {
        return as.load64(av + MallocState.LAST_REMAINDER);
    }

    void setLastRemainder(long av, long p) {
        as.store64(av + MallocState.LAST_REMAINDER, p);
    }

    /** {@code av != &main_arena ? NON_MAIN_ARENA : 0}. */
    long arenaBit(long av) {
        return av != mainArena ? Chunk.NON_MAIN_ARENA : 0;
    }

    /** {@code mark_bin(m, i)}. */
    void markBin(long av, int i) {
        long w = MallocState.binmapWord(av, MallocState.idx2block(i));
        as.store32(w, as.load32(w) | MallocState.idx2bit(i));
    }

    /**
     * Follows {@code arena_for_chunk} (malloc/arena.c): the main arena unless NON_MAIN_ARENA is
     * set, else the arena recorded in the chunk's heap_info ({@code heap_for_ptr(p)->ar_ptr}).
     */
    long arenaForChunk(long p) {
        if (Chunk.isMainArena(as, p)) {
            return mainArena;
        }
        return as.load64(p & ~(HEAP_MAX_SIZE - 1));
    }

    // ---- perturb ---------------------------------------------------------------------------------

    /** {@code alloc_perturb(p, n)}. */
    void allocPerturb(long mem, long n) {
        int b = perturbByte();
        if (b != 0) {
            as.fill(mem, (b ^ 0xff) & 0xff, n);
        }
    }

    /** {@code free_perturb(p, n)}. */
    void freePerturb(long mem, long n) {
        int b = perturbByte();
        if (b != 0) {
            as.fill(mem, b & 0xff, n);
        }
    }

    // ---- MORECORE --------------------------------------------------------------------------------

    /** {@code MORECORE_FAILURE}: (void *) -1 as __sbrk returns it. */
    static final long MORECORE_FAILURE = -1;

    /**
     * Follows {@code __sbrk} (misc/sbrk.c) as {@code __glibc_morecore} calls it: the first call
     * learns the break with brk(0); an increment of 0 then makes no syscall; otherwise
     * brk(cur + increment), returning the old break or MORECORE_FAILURE (errno ENOMEM).
     */
    long morecore(long increment) {
        long cur = as.load64(data + LibcData.CURBRK);
        if (cur == 0) {
            cur = as.brk(0);
            as.store64(data + LibcData.CURBRK, cur);
        }
        if (increment == 0) {
            return cur;
        }
        if (increment > 0
                ? Long.compareUnsigned(cur + increment, cur) < 0
                : Long.compareUnsigned(cur, -increment) < 0) {
            errno = ENOMEM;
            return MORECORE_FAILURE;
        }
        long newBrk = as.brk(cur + increment);
        as.store64(data + LibcData.CURBRK, newBrk);
        if (Long.compareUnsigned(newBrk, cur + increment) < 0) {
            errno = ENOMEM;
            return MORECORE_FAILURE;
        }
        return cur;
    }

    /** {@code MMAP(0, size, PROT_READ|PROT_WRITE, extra_flags)}: the address or MAP_FAILED (-1). */
    long mmap(long size, int extraFlags) {
        long r = as.mmap(
                0, size, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | extraFlags, -1, 0);
        if (r < 0 && r >= -4095) {
            errno = (int) -r;
            return -1;
        }
        return r;
    }
}
