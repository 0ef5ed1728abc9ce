package org.mallocsim.allocator.ptmalloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.mallocsim.allocator.MallocAbort;
import org.mallocsim.kernel.mm.SyscallKind;

/** Thread arenas, their heaps and the per-thread tcache (malloc/arena.c). */
class ThreadArenaTest {
    private static final long HEAP_MAX = 64L << 20;
    private final Heap h = new Heap();

    private long onThread(int tid, long size) {
        h.pm.switchThread(tid);
        return h.malloc(size);
    }

    @Test
    void aThreadsFirstMallocCreatesAnArenaWithItsTcacheAfterTheMallocState() {
        onThread(1, 10);
        long p = onThread(2, 100);
        long heap = p & ~(HEAP_MAX - 1);
        assertThat(p - heap).isEqualTo(0xb70);
        assertThat(h.word(p)).isEqualTo(0x75);
        long arena = heap + 0x30;
        assertThat(h.as.load64(heap + HeapInfo.AR_PTR)).isEqualTo(arena);
        assertThat(h.as.load64(heap + 0x8d0 + 8)).isEqualTo(0x295);
        assertThat(h.pm.tcache()).isEqualTo(heap + 0x8e0);
        assertThat(h.as.load64(h.pm.mainArena() + MallocState.NEXT)).isEqualTo(arena);
        assertThat(h.as.load64(arena + MallocState.NEXT)).isEqualTo(h.pm.mainArena());
        assertThat(h.as.load32(arena + MallocState.FLAGS) & MallocState.NONCONTIGUOUS_BIT)
                .isNotZero();
        assertThat(h.as.load64(heap + HeapInfo.SIZE)).isEqualTo(0x21000);
        assertThat(h.as.load64(arena + MallocState.SYSTEM_MEM)).isEqualTo(0x21000);
    }

    @Test
    void aChunkFreedByAnotherThreadGoesToThatThreadsTcache() {
        long a = onThread(1, 40);
        long b = onThread(2, 40);
        h.pm.switchThread(1);
        h.free(b);
        assertThat(h.malloc(40)).isEqualTo(b);
        h.pm.switchThread(2);
        h.free(a);
        assertThat(h.malloc(40)).isEqualTo(a);
    }

    @Test
    void anExitedThreadsArenaIsReusedByTheNextNewThread() {
        onThread(1, 10);
        long p = onThread(2, 100);
        h.free(p);
        h.pm.threadExited(2);
        h.pm.checkHeap();
        long arena = (p & ~(HEAP_MAX - 1)) + 0x30;
        assertThat(h.as.load64(h.pm.libcData() + LibcData.FREE_LIST)).isEqualTo(arena);
        long q = onThread(3, 100);
        assertThat(q & ~(HEAP_MAX - 1)).isEqualTo(p & ~(HEAP_MAX - 1));
        assertThat(h.as.load64(h.pm.libcData() + LibcData.FREE_LIST)).isZero();
        assertThat(h.as.load64(arena + MallocState.ATTACHED_THREADS)).isEqualTo(1);
    }

    @Test
    void pastTheArenaLimitThreadsShareArenasInRingOrder() {
        Heap t = new Heap(Tunables.builder().arenaMax(2).build());
        t.pm.switchThread(1);
        t.malloc(10);
        t.pm.switchThread(2);
        long p2 = t.malloc(10);
        t.pm.switchThread(3);
        long p3 = t.malloc(10);
        // narenas = 2 = arena_max: thread 3 reuses, starting from main_arena
        assertThat(t.word(p3) & Chunk.NON_MAIN_ARENA).isZero();
        t.pm.switchThread(4);
        long p4 = t.malloc(10);
        assertThat(p4 & ~(HEAP_MAX - 1)).isEqualTo(p2 & ~(HEAP_MAX - 1));
        t.pm.checkHeap();
    }

    @Test
    void aThreadArenaGrowsItsHeapThenStartsAnotherFencedOne() {
        onThread(1, 10);
        long first = onThread(2, 100_000);
        long heap = first & ~(HEAP_MAX - 1);
        long mprotects = h.as.syscallCount(SyscallKind.MPROTECT);
        long last = first;
        for (int i = 0; i < 700; i++) {
            last = h.malloc(100_000);
        }
        assertThat(h.as.syscallCount(SyscallKind.MPROTECT)).isGreaterThan(mprotects);
        assertThat(last & ~(HEAP_MAX - 1)).isNotEqualTo(heap);
        long newHeap = last & ~(HEAP_MAX - 1);
        assertThat(h.as.load64(newHeap + HeapInfo.PREV)).isEqualTo(heap);
        assertThat(h.as.load64(newHeap + HeapInfo.AR_PTR)).isEqualTo(heap + 0x30);
        h.pm.checkHeap();
    }

    @Test
    void freeingTheTopOfAThreadHeapShrinksItWithMadvise() {
        onThread(1, 10);
        long[] p = new long[20];
        for (int i = 0; i < p.length; i++) {
            p[i] = onThread(2, 100_000);
        }
        long heap = p[0] & ~(HEAP_MAX - 1);
        long arena = heap + 0x30;
        long sizeBefore = h.as.load64(heap + HeapInfo.SIZE);
        long madvises = h.as.syscallCount(SyscallKind.MADVISE);
        for (int i = p.length - 1; i >= 0; i--) {
            h.free(p[i]);
        }
        assertThat(h.as.syscallCount(SyscallKind.MADVISE)).isGreaterThan(madvises);
        long sizeAfter = h.as.load64(heap + HeapInfo.SIZE);
        assertThat(sizeAfter).isLessThan(sizeBefore);
        assertThat(h.as.load64(heap + HeapInfo.MPROTECT_SIZE)).isEqualTo(sizeBefore);
        assertThat(h.as.load64(arena + MallocState.SYSTEM_MEM)).isEqualTo(sizeAfter);
        long top = h.as.load64(arena + MallocState.TOP);
        assertThat(h.as.load64(top + 8) & ~7L).isLessThan(128 * 1024 + 33 + 4096);
    }

    @Test
    void mallinfoAndMallocInfoCoverEveryArena() {
        onThread(1, 10);
        onThread(2, 100);
        assertThat(h.pm.mallinfo2().arena()).isEqualTo(0x21000 + 0x21000);
        String info = h.pm.mallocInfo(0);
        assertThat(info).contains("<heap nr=\"1\">").contains("<aspace type=\"subheaps\" size=\"1\"/>");
        assertThat(h.pm.mallocStats()).contains("Arena 1:\n");
    }

    @Test
    void anExitingThreadWithAMisalignedTcacheEntryAborts() {
        onThread(1, 10);
        long a = onThread(2, 24);
        long b = h.malloc(24);
        h.free(a);
        h.free(b);
        h.as.store64(b, Chunk.protectPtr(b, a + 8));
        MallocAbort e = assertThrows(MallocAbort.class, () -> h.pm.threadExited(2));
        assertThat(e.glibcMessage()).isEqualTo("tcache_thread_shutdown(): unaligned tcache chunk detected");
    }

    @Test
    void errnoBelongsToTheThreadThatFailed() {
        onThread(1, 10);
        onThread(2, 10);
        assertThat(h.pm.malloc(-1L)).isZero();
        assertThat(h.pm.errno()).isEqualTo(MallocContext.ENOMEM);
        h.pm.switchThread(1);
        assertThat(h.pm.errno()).isZero();
        h.pm.switchThread(2);
        assertThat(h.pm.errno()).isEqualTo(MallocContext.ENOMEM);
    }

    @Test
    void aFreeBeforeAnyMallocMakesItsTcacheInANewArenaAsGlibcDoes() {
        long page = h.as.mmap(
                0,
                4096,
                org.mallocsim.kernel.Mman.PROT_READ | org.mallocsim.kernel.Mman.PROT_WRITE,
                org.mallocsim.kernel.Mman.MAP_PRIVATE | org.mallocsim.kernel.Mman.MAP_ANONYMOUS,
                -1,
                0);
        h.as.store64(page + 8, 0x21);
        h.as.store64(page + 0x28, 0x21);
        h.pm.free(page + 16);
        long tcache = h.pm.tcache();
        assertThat(tcache & (HEAP_MAX - 1)).isEqualTo(0x8e0);
        assertThat(h.as.load64(TcachePerthread.entryAddr(tcache, 0))).isEqualTo(page + 16);
        // tcache_key was still 0 when the entry was stamped: ptmalloc_init had not run
        assertThat(h.as.load64(page + 24)).isZero();
        // the first malloc then initializes the main arena, whose thread_arena the caller becomes
        long p = h.pm.malloc(100);
        assertThat(h.word(p) & Chunk.NON_MAIN_ARENA).isZero();
        assertThat(h.pm.tcacheKey()).isNotZero();
    }
}
