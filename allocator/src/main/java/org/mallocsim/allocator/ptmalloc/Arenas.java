package org.mallocsim.allocator.ptmalloc;

import static org.mallocsim.allocator.ptmalloc.Chunk.MINSIZE;
import static org.mallocsim.allocator.ptmalloc.Chunk.PREV_INUSE;

import org.mallocsim.kernel.Mman;
import org.mallocsim.kernel.mm.AddressSpace;

/**
 * Arenas and heaps (malloc/arena.c): {@code ptmalloc_init}, {@code arena_get} and
 * {@code arena_get2} with the free list and {@code reused_arena}, {@code _int_new_arena}, the
 * 64 MiB-aligned heaps of thread arenas ({@code alloc_new_heap}, {@code grow_heap},
 * {@code shrink_heap}, {@code heap_trim}) and {@code __malloc_arena_thread_freeres}.
 */
final class Arenas {
    private static final long HEAP_MAX = MallocContext.HEAP_MAX_SIZE;
    private static final long HEAP_MIN = 32 * 1024;

    private Arenas() {}

    private static boolean ult(long a, long b) {
        return Long.compareUnsigned(a, b) < 0;
    }

    private static long ld(MallocContext c, int off) {
        return c.as.load64(c.data + off);
    }

    private static void st(MallocContext c, int off, long v) {
        c.as.store64(c.data + off, v);
    }

    /** Follows {@code arena_get}: the calling thread's arena, or a new or reused one. */
    static long arenaGet(MallocContext c, long size) {
        long a = c.threadArena();
        return a != 0 ? a : arenaGet2(c, size, 0);
    }

    /** Follows {@code arena_get_retry}: after a failure, main_arena, or another arena for main. */
    static long arenaGetRetry(MallocContext c, long av, long bytes) {
        return av != c.mainArena ? c.mainArena : arenaGet2(c, bytes, av);
    }

    /** {@code detach_arena}. */
    private static void detachArena(MallocContext c, long replaced) {
        if (replaced != 0) {
            long at = replaced + MallocState.ATTACHED_THREADS;
            c.as.store64(at, c.as.load64(at) - 1);
        }
    }

    /** Follows {@code get_free_list}: an arena whose threads all exited, if any. */
    private static long getFreeList(MallocContext c) {
        long replaced = c.threadArena();
        long result = ld(c, LibcData.FREE_LIST);
        if (result != 0) {
            st(c, LibcData.FREE_LIST, c.as.load64(result + MallocState.NEXT_FREE));
            c.as.store64(result + MallocState.ATTACHED_THREADS, 1);
            detachArena(c, replaced);
            c.setThreadArena(result);
        }
        return result;
    }

    /**
     * Follows {@code arena_get2}: a free-list arena, else a new one while narenas is under the
     * limit (8 × CPUs once narenas passes arena_test, or arena_max), else a reused one.
     */
    static long arenaGet2(MallocContext c, long size, long avoid) {
        long a = getFreeList(c);
        if (a != 0) {
            return a;
        }
        long limit = ld(c, LibcData.NARENAS_LIMIT);
        int narenas = c.as.load32(c.data + LibcData.NARENAS);
        if (limit == 0) {
            if (c.mpLoad(MallocPar.ARENA_MAX) != 0) {
                limit = c.mpLoad(MallocPar.ARENA_MAX);
            } else if (ult(c.mpLoad(MallocPar.ARENA_TEST), narenas)) {
                int n = c.tunables.nprocs();
                limit = n >= 1 ? 8L * n : 16;
            }
            st(c, LibcData.NARENAS_LIMIT, limit);
        }
        if (Long.compareUnsigned(narenas, limit - 1) <= 0) {
            c.as.store32(c.data + LibcData.NARENAS, narenas + 1);
            a = intNewArena(c, size);
            if (a == 0) {
                c.as.store32(c.data + LibcData.NARENAS, narenas);
            }
            return a;
        }
        return reusedArena(c, avoid);
    }

    /**
     * Follows {@code reused_arena}: the next arena in the ring after the last one handed out. In
     * this emulation no other thread holds a lock during a call, so the first trylock succeeds.
     */
    private static long reusedArena(MallocContext c, long avoid) {
        long next = ld(c, LibcData.NEXT_TO_USE);
        long result = next != 0 ? next : c.mainArena;
        detachArena(c, c.threadArena());
        removeFromFreeList(c, result);
        long at = result + MallocState.ATTACHED_THREADS;
        c.as.store64(at, c.as.load64(at) + 1);
        c.setThreadArena(result);
        st(c, LibcData.NEXT_TO_USE, c.as.load64(result + MallocState.NEXT));
        return result;
    }

    private static void removeFromFreeList(MallocContext c, long arena) {
        long previous = c.data + LibcData.FREE_LIST;
        for (long p = ld(c, LibcData.FREE_LIST); p != 0; p = c.as.load64(p + MallocState.NEXT_FREE)) {
            if (p == arena) {
                c.as.store64(previous, c.as.load64(p + MallocState.NEXT_FREE));
                break;
            }
            previous = p + MallocState.NEXT_FREE;
        }
    }

    /** Follows {@code _int_new_arena}: a heap with the malloc_state after its heap_info. */
    private static long intNewArena(MallocContext c, long size) {
        AddressSpace as = c.as;
        long overhead = HeapInfo.STRUCT_SIZE + MallocState.SIZE + Chunk.MALLOC_ALIGNMENT;
        long h = newHeap(c, size + overhead, c.mpLoad(MallocPar.TOP_PAD));
        if (h == 0) {
            h = newHeap(c, overhead, c.mpLoad(MallocPar.TOP_PAD));
            if (h == 0) {
                return 0;
            }
        }
        long a = h + HeapInfo.STRUCT_SIZE;
        as.store64(h + HeapInfo.AR_PTR, a);
        IntMalloc.mallocInitState(c, a);
        as.store64(a + MallocState.ATTACHED_THREADS, 1);
        long hsize = as.load64(h + HeapInfo.SIZE);
        c.setSystemMem(a, hsize);
        as.store64(a + MallocState.MAX_SYSTEM_MEM, hsize);
        long ptr = a + MallocState.SIZE;
        long misalign = Chunk.chunk2mem(ptr) & Chunk.MALLOC_ALIGN_MASK;
        if (misalign > 0) {
            ptr += Chunk.MALLOC_ALIGNMENT - misalign;
        }
        c.setTop(a, ptr);
        Chunk.setHead(as, ptr, (h + hsize - ptr) | PREV_INUSE);
        long replaced = c.threadArena();
        c.setThreadArena(a);
        as.store64(a + MallocState.NEXT, as.load64(c.mainArena + MallocState.NEXT));
        as.store64(c.mainArena + MallocState.NEXT, a);
        detachArena(c, replaced);
        return a;
    }

    private static long mmapNoreserve(MallocContext c, long addr, long len) {
        long r =
                c.as.mmap(addr, len, Mman.PROT_NONE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_NORESERVE, -1, 0);
        return r < 0 && r >= -4095 ? -1 : r;
    }

    /**
     * Follows {@code alloc_new_heap} (through {@code new_heap}): reserve 64 MiB aligned to
     * 64 MiB (mapping twice that and trimming, or at the remembered aligned_heap_area), then make
     * the first {@code size + top_pad} bytes (page-rounded, 32 KiB at least) readable and writable.
     */
    static long newHeap(MallocContext c, long size, long topPad) {
        AddressSpace as = c.as;
        if (ult(size + topPad, HEAP_MIN)) {
            size = HEAP_MIN;
        } else if (!ult(HEAP_MAX, size + topPad)) {
            size += topPad;
        } else if (ult(HEAP_MAX, size)) {
            return 0;
        } else {
            size = HEAP_MAX;
        }
        size = SysMalloc.alignUp(size, MallocContext.PAGESIZE);
        long p2 = -1;
        long hint = ld(c, LibcData.ALIGNED_HEAP_AREA);
        if (hint != 0) {
            p2 = mmapNoreserve(c, hint, HEAP_MAX);
            st(c, LibcData.ALIGNED_HEAP_AREA, 0);
            if (p2 != -1 && (p2 & (HEAP_MAX - 1)) != 0) {
                as.munmap(p2, HEAP_MAX);
                p2 = -1;
            }
        }
        if (p2 == -1) {
            long p1 = mmapNoreserve(c, 0, HEAP_MAX << 1);
            if (p1 != -1) {
                p2 = (p1 + (HEAP_MAX - 1)) & ~(HEAP_MAX - 1);
                long ul = p2 - p1;
                if (ul != 0) {
                    as.munmap(p1, ul);
                } else {
                    st(c, LibcData.ALIGNED_HEAP_AREA, p2 + HEAP_MAX);
                }
                as.munmap(p2 + HEAP_MAX, HEAP_MAX - ul);
            } else {
                p2 = mmapNoreserve(c, 0, HEAP_MAX);
                if (p2 == -1) {
                    return 0;
                }
                if ((p2 & (HEAP_MAX - 1)) != 0) {
                    as.munmap(p2, HEAP_MAX);
                    return 0;
                }
            }
        }
        if (as.mprotect(p2, size, Mman.PROT_READ | Mman.PROT_WRITE) != 0) {
            as.munmap(p2, HEAP_MAX);
            return 0;
        }
        as.store64(p2 + HeapInfo.SIZE, size);
        as.store64(p2 + HeapInfo.MPROTECT_SIZE, size);
        as.store64(p2 + HeapInfo.PAGESIZE, MallocContext.PAGESIZE);
        return p2;
    }

    /** Follows {@code grow_heap}: 0, or -1 past 64 MiB, -2 if mprotect fails. */
    static int growHeap(MallocContext c, long h, long diff) {
        AddressSpace as = c.as;
        long pagesize = as.load64(h + HeapInfo.PAGESIZE);
        diff = SysMalloc.alignUp(diff, pagesize);
        long newSize = as.load64(h + HeapInfo.SIZE) + diff;
        if (ult(HEAP_MAX, newSize)) {
            return -1;
        }
        long mprotectSize = as.load64(h + HeapInfo.MPROTECT_SIZE);
        if (ult(mprotectSize, newSize)) {
            if (as.mprotect(h + mprotectSize, newSize - mprotectSize, Mman.PROT_READ | Mman.PROT_WRITE) != 0) {
                return -2;
            }
            as.store64(h + HeapInfo.MPROTECT_SIZE, newSize);
        }
        as.store64(h + HeapInfo.SIZE, newSize);
        return 0;
    }

    /**
     * Follows {@code shrink_heap} where {@code check_may_shrink_heap} is false (overcommit not
     * 2, not setuid): MADV_DONTNEED the tail and keep it writable.
     */
    static int shrinkHeap(MallocContext c, long h, long diff) {
        AddressSpace as = c.as;
        long newSize = as.load64(h + HeapInfo.SIZE) - diff;
        if (newSize < HeapInfo.STRUCT_SIZE) {
            return -1;
        }
        if (as.config().overcommitMemory() == 2) {
            long r = as.mmap(
                    h + newSize, diff, Mman.PROT_NONE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED, -1, 0);
            if (r < 0 && r >= -4095) {
                return -2;
            }
            as.store64(h + HeapInfo.MPROTECT_SIZE, newSize);
        } else {
            as.madvise(h + newSize, diff, Mman.MADV_DONTNEED);
        }
        as.store64(h + HeapInfo.SIZE, newSize);
        return 0;
    }

    /**
     * Follows {@code heap_trim}: unmap whole heaps that hold only top (handing the previous
     * heap's end back to top), then shrink the last heap's top above the pad.
     */
    static int heapTrim(MallocContext c, long heap, long pad) {
        AddressSpace as = c.as;
        long arena = as.load64(heap + HeapInfo.AR_PTR);
        long topChunk = c.top(arena);
        while (topChunk == heap + HeapInfo.STRUCT_SIZE) {
            long prevHeap = as.load64(heap + HeapInfo.PREV);
            long prevSize = as.load64(prevHeap + HeapInfo.SIZE) - (MINSIZE - 2 * Chunk.SIZE_SZ);
            long p = prevHeap + prevSize;
            long misalign = p & Chunk.MALLOC_ALIGN_MASK;
            p = prevHeap + prevSize - misalign;
            if (Chunk.sizeNomask(as, p) != PREV_INUSE) {
                throw c.assertionFailure("heap_trim", "chunksize_nomask (p) == (0 | PREV_INUSE)");
            }
            p -= Chunk.prevSize(as, p);
            long newSize = Chunk.chunksize(as, p) + (MINSIZE - 2 * Chunk.SIZE_SZ) + misalign;
            if (!Chunk.prevInuse(as, p)) {
                newSize += Chunk.prevSize(as, p);
            }
            if (ult(
                    newSize + (HEAP_MAX - as.load64(prevHeap + HeapInfo.SIZE)),
                    pad + MINSIZE + as.load64(heap + HeapInfo.PAGESIZE))) {
                break;
            }
            c.setSystemMem(arena, c.systemMem(arena) - as.load64(heap + HeapInfo.SIZE));
            if (heap + HEAP_MAX == ld(c, LibcData.ALIGNED_HEAP_AREA)) {
                st(c, LibcData.ALIGNED_HEAP_AREA, 0);
            }
            as.munmap(heap, HEAP_MAX);
            heap = prevHeap;
            if (!Chunk.prevInuse(as, p)) {
                p -= Chunk.prevSize(as, p);
                IntFree.unlinkChunk(c, arena, p);
            }
            c.setTop(arena, p);
            topChunk = p;
            Chunk.setHead(as, topChunk, newSize | PREV_INUSE);
        }
        long topSize = Chunk.chunksize(as, topChunk);
        if (ult(topSize, c.mpLoad(MallocPar.TRIM_THRESHOLD))) {
            return 0;
        }
        long topArea = topSize - MINSIZE - 1;
        if (topArea < 0 || Long.compareUnsigned(topArea, pad) <= 0) {
            return 0;
        }
        long extra = (topArea - pad) & -as.load64(heap + HeapInfo.PAGESIZE);
        if (extra == 0) {
            return 0;
        }
        if (shrinkHeap(c, heap, extra) != 0) {
            return 0;
        }
        c.setSystemMem(arena, c.systemMem(arena) - extra);
        Chunk.setHead(as, topChunk, (topSize - extra) | PREV_INUSE);
        return 1;
    }

    /**
     * The arena half of {@code __malloc_arena_thread_freeres} (its tcache was shut down first):
     * detach the exiting thread, and put an arena left with no thread on the free list.
     */
    static void arenaThreadFreeres(MallocContext c) {
        long a = c.threadArena();
        c.setThreadArena(0);
        if (a != 0) {
            long at = a + MallocState.ATTACHED_THREADS;
            long n = c.as.load64(at) - 1;
            c.as.store64(at, n);
            if (n == 0) {
                c.as.store64(a + MallocState.NEXT_FREE, ld(c, LibcData.FREE_LIST));
                st(c, LibcData.FREE_LIST, a);
            }
        }
    }

    /**
     * Follows {@code __malloc_fork_unlock_child} (malloc/arena.c): in the child of a fork every
     * arena but the forking thread's own has lost its threads, so all of them, main_arena first
     * pushed, make up the new free list.
     */
    static void mallocForkUnlockChild(MallocContext c) {
        if (!c.initialized()) {
            return;
        }
        long mine = c.threadArena();
        if (mine != 0) {
            c.as.store64(mine + MallocState.ATTACHED_THREADS, 1);
        }
        long freeList = 0;
        long a = c.mainArena;
        do {
            if (a != mine) {
                c.as.store64(a + MallocState.ATTACHED_THREADS, 0);
                c.as.store64(a + MallocState.NEXT_FREE, freeList);
                freeList = a;
            }
            a = c.as.load64(a + MallocState.NEXT);
        } while (a != c.mainArena);
        st(c, LibcData.FREE_LIST, freeList);
    }

    /** Follows {@code ptmalloc_init} (malloc/arena.c): key, thread_arena, main arena, tunables. */
    static void ptmallocInit(MallocContext c) {
        if (c.initialized()) {
            return;
        }
        c.setInitialized();
        c.tcacheKeyInitialize();
        c.setThreadArena(c.mainArena);
        IntMalloc.mallocInitState(c, c.mainArena);
        Tunables t = c.tunables;
        if (t.isSet(Tunables.TOP_PAD)) {
            MallOpt.doSetTopPad(c, t.value(Tunables.TOP_PAD));
        }
        if (t.isSet(Tunables.PERTURB)) {
            c.setPerturbByte((int) t.value(Tunables.PERTURB));
        }
        if (t.isSet(Tunables.MMAP_THRESHOLD)) {
            MallOpt.doSetMmapThreshold(c, t.value(Tunables.MMAP_THRESHOLD));
        }
        if (t.isSet(Tunables.TRIM_THRESHOLD)) {
            MallOpt.doSetTrimThreshold(c, t.value(Tunables.TRIM_THRESHOLD));
        }
        if (t.isSet(Tunables.MMAP_MAX)) {
            MallOpt.doSetMmapsMax(c, (int) t.value(Tunables.MMAP_MAX));
        }
        if (t.isSet(Tunables.ARENA_MAX)) {
            c.mpStore(MallocPar.ARENA_MAX, t.value(Tunables.ARENA_MAX));
        }
        if (t.isSet(Tunables.ARENA_TEST)) {
            c.mpStore(MallocPar.ARENA_TEST, t.value(Tunables.ARENA_TEST));
        }
        if (t.isSet(Tunables.TCACHE_MAX)) {
            MallOpt.doSetTcacheMax(c, t.value(Tunables.TCACHE_MAX));
        }
        if (t.isSet(Tunables.TCACHE_COUNT)) {
            MallOpt.doSetTcacheCount(c, t.value(Tunables.TCACHE_COUNT));
        }
        if (t.isSet(Tunables.TCACHE_UNSORTED_LIMIT)) {
            c.mpStore(MallocPar.TCACHE_UNSORTED_LIMIT, t.value(Tunables.TCACHE_UNSORTED_LIMIT));
        }
        if (t.isSet(Tunables.MXFAST)) {
            MallOpt.doSetMxfast(c, t.value(Tunables.MXFAST));
        }
    }
}
