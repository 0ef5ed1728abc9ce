package org.mallocsim.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;

/** Every policy's malloc, free, calloc and realloc allocate no Java objects once the process is warm. */
class PolicyHotPathAllocationTest {
    static java.util.stream.Stream<String> policies() {
        // ptmalloc has a test of its own; bump never reuses, so its steady state is a growing heap
        // whose brk calls build kernel objects
        return Allocators.names().stream().filter(n -> !n.equals("glibc") && !n.equals("bump"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void steadyStateCallsAllocateNoJavaObjects(String policy) {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Allocator a = Allocators.factory(policy).create(new AddressSpace(KernelConfig.defaults()), Map.of());
        long[] slots = new long[256];
        long[] sizes = new long[1024];
        SplittableRandom r = new SplittableRandom(9);
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = r.nextInt(3000);
        }
        for (int round = 0; round < 3; round++) {
            long before = bean.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 50_000; i++) {
                int s = i & 255;
                if (slots[s] != 0) {
                    if ((i & 3) == 0) {
                        slots[s] = a.realloc(slots[s], sizes[i & 1023] + 1);
                        continue;
                    }
                    a.free(slots[s]);
                    slots[s] = 0;
                } else {
                    slots[s] = (i & 7) == 0 ? a.calloc(1, sizes[i & 1023]) : a.malloc(sizes[i & 1023]);
                }
            }
            long used = bean.getCurrentThreadAllocatedBytes() - before;
            if (round == 2) {
                assertThat(used).as("bytes allocated by 50,000 calls").isLessThan(16 * 1024);
            }
        }
    }
}
