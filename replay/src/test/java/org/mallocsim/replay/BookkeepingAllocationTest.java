package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;

/** What the engine adds to every call (live blocks, the timeline) allocates no Java objects once warm. */
class BookkeepingAllocationTest {

    @Test
    void liveBlocksAndTheTimelineAllocateNothingPerCall() {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        AddressSpace space = new AddressSpace(KernelConfig.defaults());
        LiveBlocks blocks = new LiveBlocks(1024);
        Timeline timeline = new Timeline(space, 1 << 10);
        long[] slots = new long[512];
        SplittableRandom r = new SplittableRandom(5);
        long call = 0;
        for (int round = 0; round < 3; round++) {
            long before = bean.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 300_000; i++, call++) {
                int s = r.nextInt(slots.length);
                if (slots[s] != 0) {
                    blocks.removeAt(blocks.find(slots[s]));
                    slots[s] = 0;
                } else {
                    slots[s] = 0x5555_0000_0000L + 16L * (call & 0xffffff) + 16;
                    blocks.add(slots[s], slots[s] + 0x1000_0000L, r.nextInt(4096), call, 0);
                }
                timeline.add(space.rssPages(), space.totalVmPages(), call & 1023, blocks.bytes());
            }
            long used = bean.getCurrentThreadAllocatedBytes() - before;
            if (round == 2) {
                assertThat(used)
                        .as("bytes allocated by 300,000 calls' bookkeeping")
                        .isLessThan(16 * 1024);
            }
        }
        assertThat(timeline.width()).isGreaterThan(1);
    }

    /**
     * The report's per-call series allocates only the growth of its compressed output (random live
     * deltas, which compress poorly: about 2 bytes per call), under half of the 16 bytes per call
     * that one boxed value or one small object per call would cost.
     */
    @Test
    void theCallSeriesAllocatesOnlyItsCompressedOutput() {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        AddressSpace space = new AddressSpace(KernelConfig.defaults());
        CallSeries series = new CallSeries(space);
        SplittableRandom r = new SplittableRandom(9);
        long live = 0;
        int calls = 300_000;
        for (int i = 0; i < 10_000; i++) {
            series.add(100, 200, 50, live);
        }
        long before = bean.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < calls; i++) {
            live = Math.max(0, live + (r.nextBoolean() ? 1 : -1) * (16 + r.nextInt(512)));
            series.add(100 + (i >> 10), 200 + (i >> 12), 50 + (i >> 11), live);
        }
        long used = bean.getCurrentThreadAllocatedBytes() - before;
        series.finish();
        // the output buffers double as they grow, up to blocks of 1 MiB
        assertThat(used)
                .as("bytes allocated by %d calls' series, %d compressed", calls, series.compressedBytes())
                .isLessThan(4 * series.compressedBytes() + (256 << 10))
                .isLessThan(8L * calls);
    }
}
