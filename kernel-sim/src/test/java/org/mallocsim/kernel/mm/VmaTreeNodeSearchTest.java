package org.mallocsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.kernel.mm.VmaTreeNodes.LEAF_SLOTS;
import static org.mallocsim.kernel.mm.VmaTreeNodes.PAD;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The in-node searches of {@link VmaTreeNodes} against a plain count, on nodes of every fill with the
 * padding above, at every key, the key of the top address (which is {@link VmaTreeNodes#PAD}) and 0.
 */
class VmaTreeNodeSearchTest {
    private static final int BASE = LEAF_SLOTS; // a node that is not the first, as in a grown tree

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void searchesCountLikeALinearScan(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        long[] keys = new long[4 * LEAF_SLOTS]; // a power of two, as the tree keeps its arrays
        for (int count = 0; count <= LEAF_SLOTS; count++) {
            Arrays.fill(keys, PAD);
            long key = rnd.nextLong(1 << 20);
            for (int i = 0; i < count; i++) {
                key += 1 + rnd.nextLong(1 << 20);
                keys[BASE + i] = key;
            }
            long[] probes = new long[3 * count + 3];
            int p = 0;
            probes[p++] = 0;
            probes[p++] = PAD;
            probes[p++] = VmaTreeNodes.key(-4096L);
            for (int i = 0; i < count; i++) {
                probes[p++] = keys[BASE + i] - 1;
                probes[p++] = keys[BASE + i];
                probes[p++] = keys[BASE + i] + 1;
            }
            for (long probe : probes) {
                int expected = 0;
                while (expected < count && keys[BASE + expected] <= probe) {
                    expected++;
                }
                assertThat(VmaTreeNodes.countAtOrBelow(keys, BASE, probe))
                        .as("count %d, key %x", count, probe)
                        .isEqualTo(expected);
                if (expected < count) {
                    assertThat(VmaTreeNodes.firstAbove(keys, BASE, probe))
                            .as("count %d, key %x", count, probe)
                            .isEqualTo(expected);
                }
            }
        }
    }
}
