package org.mallocsim.allocator.ptmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** malloc, free, calloc and realloc allocate no Java objects once the emulated process is warm. */
class HotPathAllocationTest {

    @Test
    void steadyStateCallsAllocateNoJavaObjects() {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Heap h = new Heap();
        long[] slots = new long[256];
        long[] sizes = new long[1024];
        java.util.SplittableRandom r = new java.util.SplittableRandom(9);
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = r.nextInt(3000);
        }
        Ptmalloc pm = h.pm;
        for (int round = 0; round < 3; round++) {
            long before = bean.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 200_000; i++) {
                int s = i & 255;
                if (slots[s] != 0) {
                    if ((i & 3) == 0) {
                        slots[s] = pm.realloc(slots[s], sizes[i & 1023] + 1);
                        continue;
                    }
                    pm.free(slots[s]);
                    slots[s] = 0;
                } else {
                    slots[s] = (i & 7) == 0 ? pm.calloc(1, sizes[i & 1023]) : pm.malloc(sizes[i & 1023]);
                }
            }
            long used = bean.getCurrentThreadAllocatedBytes() - before;
            if (round == 2) {
                assertThat(used).as("bytes allocated by 200,000 calls").isLessThan(64 * 1024);
            }
        }
    }
}
