package org.mallocsim.allocator.ptmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The read-only heap walk: every chunk once, in address order, with the list that holds it. */
class HeapWalkTest {

    /** One visited chunk, as text: "offset size state". */
    private static List<String> walk(Heap h) {
        List<String> out = new ArrayList<>();
        long[] first = {0};
        h.pm.walkHeap(new HeapWalk.Visitor() {
            @Override
            public void heap(long start, long end, boolean main) {
                first[0] = start;
                out.add("heap " + (end - start) + (main ? " main" : " thread"));
            }

            @Override
            public void chunk(long chunk, long size, int state) {
                out.add(Long.toHexString(chunk - first[0]) + " " + Long.toHexString(size) + " "
                        + HeapWalk.stateName(state));
            }
        });
        return out;
    }

    @Test
    void walkNamesTheListOfEveryChunkAndEndsAtTop() {
        Heap h = new Heap();
        long[] small = new long[9];
        for (int i = 0; i < small.length; i++) {
            small[i] = h.malloc(24); // 0x20 chunks: 7 go to the tcache, 2 to the fastbin
            h.malloc(24); // keeps them apart
        }
        long big1 = h.malloc(2000);
        h.malloc(24);
        long big2 = h.malloc(3000);
        h.malloc(24);
        h.free(big1); // over tcache_max: unsorted
        h.free(big2);
        h.malloc(5000); // sorts the unsorted bin: big1 and big2 go to largebins
        for (long p : small) {
            h.free(p);
        }
        List<String> w = walk(h);
        assertThat(w.get(0)).startsWith("heap ").endsWith(" main");
        assertThat(w.get(1)).isEqualTo("0 290 in use"); // the tcache_perthread_struct
        assertThat(w.stream().filter(s -> s.endsWith(" tcache")).count()).isEqualTo(7);
        assertThat(w.stream().filter(s -> s.endsWith(" fastbin")).count()).isEqualTo(2);
        assertThat(w.stream().filter(s -> s.endsWith(" large")).count()).isEqualTo(2);
        assertThat(w.get(w.size() - 1)).endsWith(" top");
        long sum = 0;
        long expect = 0;
        for (String s : w.subList(1, w.size())) {
            String[] f = s.split(" ", -1);
            assertThat(Long.parseLong(f[0], 16)).isEqualTo(expect); // contiguous, no chunk skipped
            expect += Long.parseLong(f[1], 16);
            sum += Long.parseLong(f[1], 16);
        }
        assertThat(w.get(0)).isEqualTo("heap " + sum + " main");
    }

    @Test
    void walkOfAThreadArenaVisitsItsHeapToo() {
        Heap h = new Heap();
        h.malloc(100);
        h.pm.threadStarted(2, 1);
        h.pm.switchThread(2);
        long p = h.pm.malloc(100);
        h.pm.malloc(100);
        h.pm.free(p);
        List<String> w = walk(h);
        assertThat(w.stream().filter(s -> s.endsWith(" thread")).count()).isEqualTo(1);
        assertThat(w.stream().filter(s -> s.endsWith(" top")).count()).isEqualTo(2);
        assertThat(w.stream().filter(s -> s.endsWith(" tcache")).count()).isEqualTo(1);
    }

    @Test
    void walkBeforeTheFirstCallVisitsNothing() {
        assertThat(walk(new Heap())).isEmpty();
    }
}
