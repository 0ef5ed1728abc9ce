package org.mallocsim.allocator.ptmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The child of a fork: the forking thread's state goes on, the other threads' arenas are free (posix/fork.c). */
class ForkTest {
    private static final long HEAP_MAX = 64L << 20;
    private final Heap h = new Heap();

    private long onThread(int tid, long size) {
        h.pm.switchThread(tid);
        return h.malloc(size);
    }

    @Test
    void theChildsThreadKeepsTheForkingThreadsTcache() {
        onThread(1, 10);
        long p = onThread(1, 40);
        h.free(p);

        h.pm.forked(1, 100);

        assertThat(h.malloc(40)).as("served from the inherited tcache").isEqualTo(p);
        h.pm.checkHeap();
    }

    @Test
    void anArenaWhoseThreadIsGoneAfterTheForkIsOnTheChildsFreeList() {
        onThread(1, 10);
        long p = onThread(2, 100); // thread 2 still holds its arena when thread 1 forks
        h.pm.switchThread(1);
        long arena = (p & ~(HEAP_MAX - 1)) + 0x30;

        h.pm.forked(1, 100);

        assertThat(h.as.load64(h.pm.libcData() + LibcData.FREE_LIST)).isEqualTo(arena);
        assertThat(h.as.load64(arena + MallocState.ATTACHED_THREADS)).isZero();
        assertThat(h.as.load64(h.pm.mainArena() + MallocState.ATTACHED_THREADS)).isEqualTo(1);
        h.pm.threadStarted(101, 100);
        long q = onThread(101, 100);
        assertThat(q & ~(HEAP_MAX - 1))
                .as("the child's new thread reuses the arena")
                .isEqualTo(p & ~(HEAP_MAX - 1));
        assertThat(q).isNotEqualTo(p);
        h.pm.checkHeap();
    }

    @Test
    void aForkOnAThreadArenaKeepsThatArenaAndFreesMain() {
        onThread(1, 10);
        long p = onThread(2, 100);
        long arena = (p & ~(HEAP_MAX - 1)) + 0x30;
        h.pm.switchThread(1);

        h.pm.forked(2, 200);

        assertThat(h.as.load64(h.pm.libcData() + LibcData.FREE_LIST)).isEqualTo(h.pm.mainArena());
        assertThat(h.as.load64(arena + MallocState.ATTACHED_THREADS)).isEqualTo(1);
        long q = h.malloc(100);
        assertThat(q & ~(HEAP_MAX - 1))
                .as("the child's calls stay in the forking thread's arena")
                .isEqualTo(p & ~(HEAP_MAX - 1));
        h.pm.checkHeap();
    }
}
