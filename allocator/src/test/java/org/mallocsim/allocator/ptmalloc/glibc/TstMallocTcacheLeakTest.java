package org.mallocsim.allocator.ptmalloc.glibc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mallocsim.allocator.Allocator;
import org.mallocsim.allocator.MallInfo2;
import org.mallocsim.allocator.ThreadEvents;

/**
 * glibc's malloc/tst-malloc-tcache-leak.c (glibc-2.36): threads are created and joined one after
 * another (10000 here, 100000 in glibc: the same program gives the same structs with either); each mallocs 32 bytes, frees it, and returns another 32-byte block that the main
 * thread frees after the join. A thread's tcache must be given back when it exits, so memory in use
 * afterwards may exceed what it was before by less than one byte per thread. The exact structs are
 * glibc 2.36-9+deb12u14's for the same program on the reference machine, with pthread_create's DTV
 * calloc kept out of the heap (as mallocsim-replay keeps it): main's 8-byte calloc and tcache
 * before; after, one thread arena reused by every thread (free-list reuse), seven returned blocks
 * in main's tcache and one in the arena's fastbin.
 */
@ExtendWith(HeapCheckAfterEach.class)
class TstMallocTcacheLeakTest {
    static final int THREADS = 10000;

    @Test
    void tenThousandThreadsInTurnLeaveNoTcacheBehind() {
        Allocator a = GlibcTestProcess.ptmalloc();
        ThreadEvents threads = (ThreadEvents) a;
        int main = 1;
        threads.switchThread(main);
        long thread = a.calloc(1, 8); // the pthread_t
        MallInfo2 before = a.mallinfo2();
        assertThat(before.uordblks()).isNotZero();

        for (int loop = 0; loop < THREADS; loop++) {
            int tid = main + 1 + loop;
            threads.threadStarted(tid, main);
            threads.switchThread(tid);
            long ret = a.malloc(32);
            assertThat(ret).isNotZero();
            a.free(ret);
            long retval = a.malloc(32);
            threads.threadExited(tid);
            threads.switchThread(main);
            a.free(retval);
        }
        MallInfo2 after = a.mallinfo2();

        assertThat(after.uordblks())
                .as("memory in use after all threads joined")
                .isLessThanOrEqualTo(before.uordblks() + THREADS);
        assertThat(before).isEqualTo(new MallInfo2(135168, 1, 0, 0, 0, 0, 0, 688, 134480, 134480));
        assertThat(after).isEqualTo(new MallInfo2(270336, 3, 1, 0, 0, 0, 48, 3280, 267056, 134480));
        a.free(thread);
    }
}
