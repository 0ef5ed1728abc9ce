package org.mallocsim.allocator.ptmalloc;

import org.mallocsim.allocator.Allocator;
import org.mallocsim.allocator.HeapCheck;
import org.mallocsim.allocator.MallInfo2;
import org.mallocsim.allocator.MallocAbort;
import org.mallocsim.allocator.ThreadEvents;
import org.mallocsim.kernel.mm.AddressSpace;

/**
 * glibc 2.36's ptmalloc2 over one emulated process, exact to the byte: every header, bin link,
 * the tcache and the arena itself live in the process's memory and are reached through its MMU.
 * The public methods are glibc's {@code __libc_*} entry points (malloc/malloc.c); the work is done
 * by the family classes of this package, one per group of glibc functions.
 *
 * <p>Threads are told through {@link ThreadEvents}: each has its own tcache and thread_arena (TLS),
 * its first allocation gives it an arena of its own while glibc's arena limit allows, and once a
 * second thread has run, calls take glibc's multi-threaded paths (SINGLE_THREAD_P false). Calls
 * are serialized, as the recorded traces serialize them, so no lock is ever contended.
 * After a {@link MallocAbort} the process is dead and every further call throws the same abort.
 * {@code -Dmallocsim.malloc.check=true} runs {@link #checkHeap()} after every call.
 */
public final class Ptmalloc implements Allocator, ThreadEvents, HeapCheck {
    private final MallocContext c;
    private final ThreadTable threads;

    /** ptmalloc with glibc's defaults (no tunables set) over {@code as}. */
    public Ptmalloc(AddressSpace as) {
        this(as, Tunables.defaults());
    }

    /** ptmalloc over {@code as} as if started with the given GLIBC_TUNABLES. */
    public Ptmalloc(AddressSpace as, Tunables tunables) {
        this.c = new MallocContext(as, tunables);
        this.threads = new ThreadTable(c, this::libcFree);
    }

    @Override
    public AddressSpace addressSpace() {
        return c.as;
    }

    /** Where malloc's static variables live (main_arena first, see {@link #mainArena()}). */
    public long libcData() {
        return c.data;
    }

    /** {@code &main_arena}. */
    public long mainArena() {
        return c.mainArena;
    }

    /** The calling thread's tcache_perthread_struct, 0 before the first allocation. */
    public long tcache() {
        return c.tcache();
    }

    /** The process-wide tcache_key. */
    public long tcacheKey() {
        return c.tcacheKey();
    }

    private void enter() {
        if (c.aborted != null) {
            throw new MallocAbort(c.aborted);
        }
    }

    private void leave() {
        if (MallocContext.CHECK) {
            checkHeap();
        }
    }

    private void init() {
        if (!c.initialized()) {
            Arenas.ptmallocInit(c);
        }
    }

    /**
     * Runs glibc's do_check_malloc_state invariants and this emulation's own (see
     * {@link HeapChecker}); throws IllegalStateException naming the first broken one.
     */
    @Override
    public void checkHeap() {
        long[] others = threads.otherTcaches();
        HeapChecker.check(c, others, others.length);
    }

    /**
     * Every arena's chunks, one line each: offset (from the initial break, or from the heap for
     * thread arenas), size, flags (A NON_MAIN_ARENA, M IS_MMAPPED, P PREV_INUSE) and where the
     * chunk is (in use, tcache, fastbin, unsorted, smallbin, largebin, top, fencepost).
     */
    public String dumpHeap() {
        return HeapDump.render(c, threads.otherTcaches()).replace(System.lineSeparator(), "\n");
    }

    /**
     * Visits every chunk of every arena's heaps with the list that holds it (see {@link HeapWalk}):
     * read-only, for heap maps. Mmapped chunks are not visited.
     */
    public void walkHeap(HeapWalk.Visitor visitor) {
        long[] others = threads.otherTcaches();
        long[] all = java.util.Arrays.copyOf(others, others.length + 1);
        all[others.length] = c.tcache();
        HeapWalk.walk(c, all, visitor);
    }

    /**
     * The heap where {@code mem} lies: the chunk holding it with {@code radius} chunks on either
     * side, drawn as {@link #dumpHeap()} draws them, then the lengths of its arena's bins and of
     * the calling thread's tcache bins. Reads memory only. A pointer in no arena (mmapped, given
     * back, or 0) is said so, followed by the main arena's bins.
     */
    public String dumpHeapAround(long mem, int radius) {
        if (radius < 0) {
            throw new IllegalArgumentException("radius " + radius + " < 0");
        }
        return HeapNeighbourhood.render(c, threads.otherTcaches(), mem, radius);
    }

    /**
     * The heap views a debugger gives (pwndbg's {@code tcachebins}, {@code fastbins},
     * {@code bins}, {@code arena}), read from the process's memory: {@code view} is one of
     * "tcache", "fastbins", "bins", "arena", "heaps". Reads only; see {@link BinsView}.
     */
    public String view(String view) {
        return BinsView.view(c, view);
    }

    /** Follows {@code __libc_malloc}. */
    @Override
    public long malloc(long bytes) {
        enter();
        long r = libcMalloc(bytes);
        leave();
        return r;
    }

    private long libcMalloc(long bytes) {
        init();
        long tbytes = Chunk.checkedRequest2size(bytes);
        if (tbytes == 0) {
            c.errno = MallocContext.ENOMEM;
            return 0;
        }
        long tcIdx = Chunk.csize2tidx(tbytes);
        Tcache.maybeInitTcache(c);
        long tcache = c.tcache();
        if (Long.compareUnsigned(tcIdx, c.mpLoad(MallocPar.TCACHE_BINS)) < 0 && tcache != 0) {
            long e = Tcache.tryGet(c, tcache, tcIdx);
            if (e != 0) {
                return e;
            }
        }
        if (!c.multiThreaded) {
            return IntMalloc.intMalloc(c, c.mainArena, bytes);
        }
        long av = Arenas.arenaGet(c, bytes);
        long victim = IntMalloc.intMalloc(c, av, bytes);
        if (victim == 0 && av != 0) {
            av = Arenas.arenaGetRetry(c, av, bytes);
            victim = IntMalloc.intMalloc(c, av, bytes);
        }
        return victim;
    }

    /** Follows {@code __libc_free}. */
    @Override
    public void free(long mem) {
        enter();
        libcFree(mem);
        leave();
    }

    private void libcFree(long mem) {
        if (mem == 0) {
            return;
        }
        int err = c.errno;
        long p = Chunk.mem2chunk(mem);
        // glibc reads p->size for chunk_is_mmapped, arena_for_chunk and _int_free's chunksize with
        // no store in between: one load gives all three
        long raw = Chunk.sizeNomask(c.as, p);
        if ((raw & Chunk.IS_MMAPPED) != 0) {
            if (c.mpLoad32(MallocPar.NO_DYN_THRESHOLD) == 0
                    && Long.compareUnsigned(raw, c.mpLoad(MallocPar.MMAP_THRESHOLD)) > 0
                    && Long.compareUnsigned(raw, MallocContext.DEFAULT_MMAP_THRESHOLD_MAX) <= 0) {
                long t = raw & ~Chunk.SIZE_BITS;
                c.mpStore(MallocPar.MMAP_THRESHOLD, t);
                c.mpStore(MallocPar.TRIM_THRESHOLD, 2 * t);
            }
            SysMalloc.munmapChunk(c, p);
        } else {
            if (c.tcache() == 0) {
                // no ptmalloc_init here, as in glibc: a first call that is a free makes its tcache
                // (and, with thread_arena still unset, an arena) before malloc was ever initialized;
                // that allocation may write over a bad pointer's header, so read it again
                Tcache.maybeInitTcache(c);
                raw = Chunk.sizeNomask(c.as, p);
            }
            long av = (raw & Chunk.NON_MAIN_ARENA) == 0 ? c.mainArena : c.arenaForChunk(p);
            IntFree.intFree(c, av, p, raw, false);
        }
        c.errno = err;
    }

    /** Follows {@code __libc_calloc}: no tcache lookup; clears only what may hold old data. */
    @Override
    public long calloc(long n, long elemSize) {
        enter();
        long r = Calloc.libcCalloc(c, n, elemSize);
        leave();
        return r;
    }

    /** Follows {@code __libc_realloc}. */
    @Override
    public long realloc(long oldmem, long bytes) {
        enter();
        long r = libcRealloc(oldmem, bytes);
        leave();
        return r;
    }

    private long libcRealloc(long oldmem, long bytes) {
        init();
        if (bytes == 0 && oldmem != 0) {
            libcFree(oldmem);
            return 0;
        }
        if (oldmem == 0) {
            return libcMalloc(bytes);
        }
        long oldp = Chunk.mem2chunk(oldmem);
        long oldsize = Chunk.chunksize(c.as, oldp);
        boolean mmapped = Chunk.isMmapped(c.as, oldp);
        long av = 0;
        if (!mmapped) {
            Tcache.maybeInitTcache(c);
            av = c.arenaForChunk(oldp);
        }
        if (Long.compareUnsigned(oldp, -oldsize) > 0 || Chunk.misaligned(oldp)) {
            throw c.printerr("realloc(): invalid pointer");
        }
        long nb = Chunk.checkedRequest2size(bytes);
        if (nb == 0) {
            c.errno = MallocContext.ENOMEM;
            return 0;
        }
        if (mmapped) {
            long newp = SysMalloc.mremapChunk(c, oldp, nb);
            if (newp != 0) {
                return Chunk.chunk2mem(newp);
            }
            if (Long.compareUnsigned(oldsize - Chunk.SIZE_SZ, nb) >= 0) {
                return oldmem;
            }
            long newmem = libcMalloc(bytes);
            if (newmem == 0) {
                return 0;
            }
            c.as.copy(newmem, oldmem, oldsize - Chunk.CHUNK_HDR_SZ);
            SysMalloc.munmapChunk(c, oldp);
            return newmem;
        }
        long newp = ReallocMemalign.intRealloc(c, av, oldp, oldsize, nb);
        if (newp == 0 && c.multiThreaded) {
            newp = libcMalloc(bytes);
            if (newp != 0) {
                c.as.copy(newp, oldmem, oldsize - Chunk.SIZE_SZ);
                IntFree.intFree(c, av, oldp, false);
            }
        }
        return newp;
    }

    /** Follows {@code __libc_reallocarray} (malloc/reallocarray.c). */
    @Override
    public long reallocarray(long ptr, long nmemb, long size) {
        enter();
        if (nmemb != 0 && Long.compareUnsigned(size, Long.divideUnsigned(-1L, nmemb)) > 0) {
            c.errno = MallocContext.ENOMEM;
            return 0;
        }
        long r = libcRealloc(ptr, nmemb * size);
        leave();
        return r;
    }

    /** Follows {@code __libc_memalign}. */
    @Override
    public long memalign(long alignment, long bytes) {
        enter();
        init();
        long r = midMemalign(alignment, bytes);
        leave();
        return r;
    }

    /** In glibc 2.36 {@code aligned_alloc} is a weak alias of memalign: no extra alignment check. */
    @Override
    public long alignedAlloc(long alignment, long bytes) {
        return memalign(alignment, bytes);
    }

    /**
     * Follows {@code __posix_memalign}: the pointer, or -EINVAL / -ENOMEM. A bad alignment leaves
     * errno alone; a failed allocation sets it to ENOMEM on the way, as glibc's internals do.
     */
    @Override
    public long posixMemalign(long alignment, long bytes) {
        enter();
        init();
        if ((alignment & 7) != 0 || ((alignment >>> 3) & ((alignment >>> 3) - 1)) != 0 || alignment == 0) {
            return -MallocContext.EINVAL;
        }
        long r = midMemalign(alignment, bytes);
        leave();
        return r != 0 ? r : -MallocContext.ENOMEM;
    }

    /** Follows {@code __libc_valloc}. */
    @Override
    public long valloc(long bytes) {
        enter();
        init();
        long r = midMemalign(MallocContext.PAGESIZE, bytes);
        leave();
        return r;
    }

    /** Follows {@code __libc_pvalloc}, including its {@code & -(pagesize - 1)} rounding. */
    @Override
    public long pvalloc(long bytes) {
        enter();
        init();
        long ps = MallocContext.PAGESIZE;
        long rounded = bytes + ps - 1;
        if (Long.compareUnsigned(rounded, bytes) < 0) {
            c.errno = MallocContext.ENOMEM;
            return 0;
        }
        long r = midMemalign(ps, rounded & -(ps - 1));
        leave();
        return r;
    }

    /** Follows {@code _mid_memalign}. */
    private long midMemalign(long alignment, long bytes) {
        if (Long.compareUnsigned(alignment, Chunk.MALLOC_ALIGNMENT) <= 0) {
            return libcMalloc(bytes);
        }
        if (Long.compareUnsigned(alignment, Chunk.MINSIZE) < 0) {
            alignment = Chunk.MINSIZE;
        }
        if (Long.compareUnsigned(alignment, Long.MIN_VALUE) > 0) {
            c.errno = MallocContext.EINVAL;
            return 0;
        }
        if ((alignment & (alignment - 1)) != 0) {
            long a = Chunk.MALLOC_ALIGNMENT * 2;
            while (Long.compareUnsigned(a, alignment) < 0) {
                a <<= 1;
            }
            alignment = a;
        }
        if (!c.multiThreaded) {
            return ReallocMemalign.intMemalign(c, c.mainArena, alignment, bytes);
        }
        long av = Arenas.arenaGet(c, bytes + alignment + Chunk.MINSIZE);
        long p = ReallocMemalign.intMemalign(c, av, alignment, bytes);
        if (p == 0 && av != 0) {
            av = Arenas.arenaGetRetry(c, av, bytes);
            p = ReallocMemalign.intMemalign(c, av, alignment, bytes);
        }
        return p;
    }

    /** Follows {@code __malloc_usable_size} and {@code musable}. */
    @Override
    public long mallocUsableSize(long mem) {
        enter();
        if (mem == 0) {
            return 0;
        }
        long p = Chunk.mem2chunk(mem);
        long raw = Chunk.sizeNomask(c.as, p); // musable reads p->size three times, storing nothing
        long size = raw & ~Chunk.SIZE_BITS;
        if ((raw & Chunk.IS_MMAPPED) != 0) {
            return size - Chunk.CHUNK_HDR_SZ;
        }
        return Chunk.inuseBitAtOffset(c.as, p, size) ? size - Chunk.SIZE_SZ : 0;
    }

    /** Follows {@code __malloc_trim}. */
    @Override
    public int mallocTrim(long pad) {
        enter();
        init();
        int r = MallocStats.mallocTrim(c, pad);
        leave();
        return r;
    }

    /** Follows {@code __libc_mallopt}. */
    @Override
    public int mallopt(int param, int value) {
        enter();
        init();
        int r = MallOpt.mallopt(c, param, value);
        leave();
        return r;
    }

    /** Follows {@code __libc_mallinfo2}. */
    @Override
    public MallInfo2 mallinfo2() {
        enter();
        init();
        return MallocStats.mallinfo2(c);
    }

    /** Follows {@code __malloc_stats}: the text it writes to stderr. */
    @Override
    public String mallocStats() {
        enter();
        init();
        return MallocStats.mallocStats(c);
    }

    /**
     * Follows {@code __malloc_info}: the XML it writes; nothing for options other than 0, which
     * glibc refuses (EINVAL) before it initializes malloc.
     */
    @Override
    public String mallocInfo(int options) {
        enter();
        if (options != 0) {
            return "";
        }
        init();
        return MallocStats.mallocInfo(c, options);
    }

    /**
     * The program's own {@code sbrk(increment)} (misc/sbrk.c), sharing libc's {@code __curbrk} with
     * malloc: a "foreign sbrk" as sysmalloc calls it. Returns the old break or -1 (errno ENOMEM).
     */
    public long sbrk(long increment) {
        enter();
        return c.morecore(increment);
    }

    // ---- threads ------------------------------------------------------------------------------

    /** A new thread: no tcache, no arena yet; from now on glibc's multi-threaded paths run. */
    @Override
    public void threadStarted(int tid, int parentTid) {
        enter();
        threads.started(tid, parentTid);
    }

    /**
     * Follows {@code __malloc_arena_thread_freeres} for thread {@code tid}: its tcache entries and
     * the tcache itself are freed to their arenas, and its arena is detached.
     */
    @Override
    public void threadExited(int tid) {
        enter();
        threads.exited(tid);
        leave();
    }

    /**
     * The calls that follow are the child's of a fork made on {@code parentTid}: {@code childTid}
     * continues that thread's tcache and arena, the other threads are gone, and a multi-threaded
     * process's arenas are reset as {@code __malloc_fork_unlock_child} does.
     */
    @Override
    public void forked(int parentTid, int childTid) {
        enter();
        threads.forked(parentTid, childTid);
        leave();
    }

    /** The following calls come from {@code tid}: swap its TLS in (the first thread named is main). */
    @Override
    public void switchThread(int tid) {
        enter();
        threads.switchTo(tid);
    }

    @Override
    public int errno() {
        return c.errno;
    }
}
