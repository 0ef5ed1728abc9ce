package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The live-block table against java.util.HashMap, through growth, backward-shift removals and shrinking. */
class LiveBlocksTest {
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void agreesWithAHashMapOnRandomAddsAndRemoves(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        LiveBlocks blocks = new LiveBlocks(16);
        Map<Long, long[]> ref = new HashMap<>(); // address -> {size, call, usable}
        long bytes = 0;
        long usable = 0;
        long peak = 0;
        int largest = 0;
        for (int i = 0; i < 150_000; i++) {
            // clustered addresses, as heap pointers are; in the second half, adds keep to a few
            // hundred addresses and removes to all of them, so the table empties and shrinks
            boolean add = rnd.nextInt(i < 75_000 ? 2 : 3) == 0;
            long address = 0x5555_0000_0000L
                    + (rnd.nextInt(3) * 0x1000_0000L)
                    + 16L * (1 + rnd.nextInt(i >= 75_000 && add ? 300 : 4000));
            if (add) {
                long size = rnd.nextInt(5000);
                long u = size + 8 + rnd.nextInt(16);
                blocks.add(address, size, i, u);
                long[] old = ref.put(address, new long[] {size, i, u});
                if (old != null) {
                    bytes -= old[0];
                    usable -= old[2];
                }
                bytes += size;
                usable += u;
                peak = Math.max(peak, bytes);
            } else {
                long[] old = ref.remove(address);
                assertThat(blocks.remove(address)).isEqualTo(old != null);
                if (old != null) {
                    assertThat(blocks.removedBytes).isEqualTo(old[0]);
                    assertThat(blocks.removedUsable).isEqualTo(old[2]);
                    bytes -= old[0];
                    usable -= old[2];
                }
            }
            assertThat(blocks.count()).isEqualTo(ref.size());
            assertThat(blocks.bytes()).isEqualTo(bytes);
            assertThat(blocks.usableBytes()).isEqualTo(usable);
            largest = Math.max(largest, blocks.capacity());
        }
        assertThat(blocks.peakBytes()).isEqualTo(peak);
        assertThat(blocks.capacity()).as("shrunk after the removals").isLessThan(largest);
        int seen = 0;
        for (int s = 0; s < blocks.capacity(); s++) {
            if (blocks.addressAt(s) != 0) {
                seen++;
            }
        }
        assertThat(seen).isEqualTo(ref.size());
        for (Map.Entry<Long, long[]> e : ref.entrySet()) {
            int slot = blocks.find(e.getKey());
            assertThat(slot).isNotEqualTo(LiveBlocks.ABSENT);
            assertThat(blocks.addressAt(slot)).isEqualTo(e.getKey());
            assertThat(blocks.sizeAt(slot)).isEqualTo(e.getValue()[0]);
            assertThat(blocks.callAt(slot)).isEqualTo(e.getValue()[1]);
        }
        assertThat(blocks.find(0x1234_0000L)).isEqualTo(LiveBlocks.ABSENT);
    }
}
