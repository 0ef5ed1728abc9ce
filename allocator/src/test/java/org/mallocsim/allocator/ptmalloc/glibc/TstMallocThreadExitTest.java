package org.mallocsim.allocator.ptmalloc.glibc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mallocsim.allocator.Allocator;
import org.mallocsim.allocator.ThreadEvents;

/**
 * glibc's malloc/tst-malloc-thread-exit.c (glibc-2.36): with M_ARENA_MAX 8, two outer threads
 * keep starting rounds of four inner threads; the even ones malloc 32 bytes before a barrier and
 * free after it, the odd ones malloc and free after it; then the round's threads are joined. Arenas
 * of exited threads go to the free list and are picked up again, while other threads attach and
 * detach. glibc runs this for three seconds of real concurrency; here the two outer threads'
 * rounds are interleaved step by step in an order drawn from a seed, and at the end the heap
 * checker passes, there are exactly eight arenas, and with every thread gone and every block freed
 * only the main thread's tcache (its struct and the cached pthread_t array) and the thread arenas'
 * own headers are still in use.
 */
@ExtendWith(HeapCheckAfterEach.class)
class TstMallocThreadExitTest {
    static final int M_ARENA_MAX = -8;
    static final int INNER_THREAD_COUNT = 4;
    static final long MALLOC_SIZE = 32;
    static final int ROUNDS = 300;

    /** One step of one emulated thread. */
    private record Step(int tid, char what, int slot) {}

    private int nextTid = 2;

    @Test
    void roundsOfExitingThreadsReuseArenasWithoutLeakingSeed2036() {
        Allocator a = GlibcTestProcess.ptmalloc();
        ThreadEvents threads = (ThreadEvents) a;
        SplittableRandom rnd = new SplittableRandom(2036);
        int main = 1;
        threads.switchThread(main);
        assertThat(a.mallopt(M_ARENA_MAX, 8)).isEqualTo(1);
        long outerArray = a.calloc(8, 2); // pthread_t threads[outer_thread_count]

        int[] outer = {nextTid++, nextTid++};
        List<List<Step>> plans = new ArrayList<>();
        for (int o : outer) {
            threads.threadStarted(o, main);
            plans.add(outerThreadPlan(o, rnd));
        }
        long[] slots = new long[2 * (INNER_THREAD_COUNT + 1)];
        int[] next = new int[2];
        while (next[0] < plans.get(0).size() || next[1] < plans.get(1).size()) {
            int o = next[0] == plans.get(0).size() ? 1 : next[1] == plans.get(1).size() ? 0 : rnd.nextInt(2);
            Step s = plans.get(o).get(next[o]++);
            run(a, threads, s, o * (INNER_THREAD_COUNT + 1), slots, outer[o]);
        }
        for (int o : outer) {
            threads.threadExited(o);
        }
        threads.switchThread(main);
        a.free(outerArray);

        int heaps = a.mallocInfo(0).split("<heap nr=", -1).length - 1;
        assertThat(heaps)
                .as("arenas, main included: ten threads ran at once, M_ARENA_MAX is 8")
                .isEqualTo(8);
        // in use: main's tcache struct and the pthread_t array cached in it, and in each thread
        // arena its heap_info and malloc_state (0x8d0 bytes before the arena's first chunk)
        assertThat(a.mallinfo2().uordblks())
                .as("in use with every block freed")
                .isEqualTo(0x290 + 0x20 + (heaps - 1) * 0x8d0L);
    }

    /** ROUNDS rounds of the outer thread: its pthread_t array, then create, barrier, join. */
    private List<Step> outerThreadPlan(int o, SplittableRandom rnd) {
        List<Step> plan = new ArrayList<>();
        plan.add(new Step(o, 'c', INNER_THREAD_COUNT)); // xcalloc (sizeof (*threads), inner_thread_count)
        for (int round = 0; round < ROUNDS; round++) {
            int[] inner = new int[INNER_THREAD_COUNT];
            for (int i = 0; i < INNER_THREAD_COUNT; ++i) {
                inner[i] = nextTid++;
                plan.add(new Step(inner[i], 's', o));
            }
            for (int i = 0; i < INNER_THREAD_COUNT; i += 2) {
                plan.add(new Step(inner[i], 'm', i)); // malloc_first_thread: malloc, then the barrier
            }
            // after the barrier each inner thread runs its steps in order, interleaved with the others
            List<List<Step>> after = new ArrayList<>();
            for (int i = 0; i < INNER_THREAD_COUNT; ++i) {
                List<Step> steps = new ArrayList<>();
                if (i % 2 != 0) {
                    steps.add(new Step(inner[i], 'm', i)); // wait_first_thread: the barrier, then malloc
                }
                steps.add(new Step(inner[i], 'f', i));
                steps.add(new Step(inner[i], 'x', 0));
                after.add(steps);
            }
            while (!after.isEmpty()) {
                int k = rnd.nextInt(after.size());
                plan.add(after.get(k).remove(0));
                if (after.get(k).isEmpty()) {
                    after.remove(k);
                }
            }
        }
        plan.add(new Step(o, 'F', INNER_THREAD_COUNT)); // free (threads)
        return plan;
    }

    private static void run(Allocator a, ThreadEvents threads, Step s, int base, long[] slots, int outerTid) {
        switch (s.what()) {
            case 's' -> threads.threadStarted(s.tid(), s.slot());
            case 'x' -> threads.threadExited(s.tid());
            case 'c' -> {
                threads.switchThread(s.tid());
                slots[base + s.slot()] = a.calloc(8, INNER_THREAD_COUNT);
                assertThat(slots[base + s.slot()]).isNotZero();
            }
            case 'F' -> {
                threads.switchThread(outerTid);
                a.free(slots[base + s.slot()]);
            }
            case 'm' -> {
                threads.switchThread(s.tid());
                slots[base + s.slot()] = a.malloc(MALLOC_SIZE);
                assertThat(slots[base + s.slot()]).isNotZero();
            }
            case 'f' -> {
                threads.switchThread(s.tid());
                a.free(slots[base + s.slot()]);
            }
            default -> throw new IllegalStateException("step " + s);
        }
    }
}
