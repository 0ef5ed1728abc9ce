package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The live-pointer map against java.util.HashMap, through growth, backward-shift deletes and shrinking. */
class PointerMapTest {
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void agreesWithAHashMapOnRandomPutsGetsAndRemoves(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        PointerMap map = new PointerMap(16);
        Map<Long, Long> ref = new HashMap<>();
        int peak = 0;
        for (int i = 0; i < 200_000; i++) {
            // clustered keys, as heap pointers are: 16-byte steps in a few regions
            long key =
                    0x5555_0000_0000L + (rnd.nextInt(4) * 0x1000_0000L) + 16L * rnd.nextInt(i < 100_000 ? 50_000 : 500);
            int op = rnd.nextInt(3);
            if (op == 0) {
                long v = rnd.nextLong();
                map.put(key, v);
                ref.put(key, v);
            } else if (op == 1) {
                assertThat(map.remove(key)).isEqualTo(ref.containsKey(key) ? ref.remove(key) : PointerMap.MISSING);
            } else {
                assertThat(map.get(key)).isEqualTo(ref.getOrDefault(key, PointerMap.MISSING));
            }
            peak = Math.max(peak, ref.size());
            assertThat(map.size()).isEqualTo(ref.size());
        }
        assertThat(map.peak()).isEqualTo(peak);
        for (Map.Entry<Long, Long> e : ref.entrySet()) {
            assertThat(map.get(e.getKey())).isEqualTo(e.getValue());
        }
        assertThat(map.capacity())
                .as("the table shrank with the live set")
                .isLessThanOrEqualTo(Math.max(1024, 8 * ref.size()));
    }
}
