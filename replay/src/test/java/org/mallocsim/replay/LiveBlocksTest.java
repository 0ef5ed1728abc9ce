package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The live-block table against a java.util.HashMap model, through growth, backward-shift removals,
 * shrinking, keys that come back while their block is live, and keys with no block of ours.
 */
class LiveBlocksTest {
    /** key -> {block, size, call, usable}, with LiveBlocks' rules spelled out on a HashMap. */
    private static final class Model {
        final Map<Long, long[]> entries = new HashMap<>();
        long bytes;
        long usable;
        long peakBytes;
        int peakRecorded;
        int recorded;

        void add(long key, long block, long size, long call, long usable) {
            long[] old = entries.get(key);
            if (old == null && key > 0) {
                recorded++;
            }
            if (old != null && old[0] != 0 && old[0] != block) {
                entries.put(LiveBlocks.UNRECORDED | old[0], old); // the earlier block stays live
            } else if (old != null && old[0] != 0) {
                bytes -= old[1];
                this.usable -= old[3];
            }
            entries.put(key, new long[] {block, size, call, usable});
            bytes += size;
            this.usable += usable;
            peakBytes = Math.max(peakBytes, bytes);
            peakRecorded = Math.max(peakRecorded, recorded);
        }

        void addEmpty(long key) {
            if (entries.putIfAbsent(key, new long[] {0, 0, 0, 0}) == null) {
                recorded++;
            }
            peakRecorded = Math.max(peakRecorded, recorded);
        }

        void remove(long key) {
            long[] old = entries.remove(key);
            if (key > 0) {
                recorded--;
            }
            if (old[0] != 0) {
                bytes -= old[1];
                usable -= old[3];
            }
        }

        int blocks() {
            return (int) entries.values().stream().filter(v -> v[0] != 0).count();
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void agreesWithAHashMapModel(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        LiveBlocks blocks = new LiveBlocks(16);
        Model model = new Model();
        long nextBlock = 0x7000_0000_0000L;
        int largest = 0;
        for (int i = 0; i < 60_000; i++) {
            // clustered recorded pointers, as heap pointers are; in the second half, adds keep to a
            // few hundred keys and removes to all of them, so the table empties and shrinks
            boolean second = i >= 30_000;
            if (i == 30_000) {
                // a replay never frees what the trace holds no pointer to; the test does, to empty the table
                for (Long k : model.entries.keySet().toArray(new Long[0])) {
                    if (k < 0) {
                        blocks.removeAt(blocks.find(k));
                        model.remove(k);
                    }
                }
            }
            int op = rnd.nextInt(second ? 6 : 4);
            long key = 0x5555_0000_0000L
                    + rnd.nextInt(3) * 0x1000_0000L
                    + 16L * (1 + rnd.nextInt(second && op <= 1 ? 300 : 4000));
            if (second && op <= 1 && model.entries.containsKey(key)) {
                op = 2; // no more blocks moved aside: they would stay
            }
            long block = nextBlock += 16 * (1 + rnd.nextInt(8));
            if (op == 0) {
                long size = rnd.nextInt(5000);
                long usable = size + 8 + rnd.nextInt(16);
                blocks.add(key, block, size, i, usable);
                model.add(key, block, size, i, usable);
            } else if (op == 1 && !second && rnd.nextInt(8) == 0) {
                // our call succeeded where glibc's failed, or glibc's succeeded where ours failed
                if (rnd.nextBoolean()) {
                    blocks.add(LiveBlocks.UNRECORDED | block, block, 40, i, 48);
                    model.add(LiveBlocks.UNRECORDED | block, block, 40, i, 48);
                } else {
                    blocks.addEmpty(key);
                    model.addEmpty(key);
                }
            } else {
                int slot = blocks.find(key);
                assertThat(slot == LiveBlocks.ABSENT).isEqualTo(!model.entries.containsKey(key));
                if (slot != LiveBlocks.ABSENT) {
                    assertThat(blocks.blockAt(slot)).isEqualTo(model.entries.get(key)[0]);
                    blocks.removeAt(slot);
                    model.remove(key);
                }
            }
            assertThat(blocks.bytes()).isEqualTo(model.bytes);
            assertThat(blocks.usableBytes()).isEqualTo(model.usable);
            if (i % 97 == 0) {
                assertThat(blocks.count()).isEqualTo(model.blocks());
            }
            largest = Math.max(largest, blocks.capacity());
        }
        assertThat(blocks.peakBytes()).isEqualTo(model.peakBytes);
        assertThat(blocks.peakRecorded()).isEqualTo(model.peakRecorded);
        assertThat(blocks.capacity()).as("shrunk after the removals").isLessThan(largest);
        int seen = 0;
        for (int slot = 0; slot < blocks.capacity(); slot++) {
            seen += blocks.blockAt(slot) != 0 ? 1 : 0;
        }
        assertThat(seen).as("blocks a scan finds").isEqualTo(model.blocks());
        for (Map.Entry<Long, long[]> e : model.entries.entrySet()) {
            int slot = blocks.find(e.getKey());
            assertThat(slot).isNotEqualTo(LiveBlocks.ABSENT);
            long[] v = e.getValue();
            assertThat(new long[] {blocks.blockAt(slot), blocks.sizeAt(slot), blocks.callAt(slot), blocks.usableAt(slot)
                    })
                    .containsExactly(v);
            if (v[0] != 0) {
                assertThat(blocks.slotOfBlock(v[0])).isEqualTo(slot);
            }
        }
        assertThat(blocks.find(0x1234_0000L)).isEqualTo(LiveBlocks.ABSENT);
        assertThat(blocks.slotOfBlock(0x1234_0000L)).isEqualTo(LiveBlocks.ABSENT);
    }

    @Test
    void aKeyReturnedAgainKeepsItsEarlierBlockCountedUnderItsOwnAddress() {
        LiveBlocks blocks = new LiveBlocks(16);
        blocks.add(0x1000, 0xa000, 24, 0, 24);
        blocks.add(0x1000, 0xb000, 100, 1, 104);
        assertThat(blocks.bytes()).isEqualTo(124);
        assertThat(blocks.count()).isEqualTo(2);
        assertThat(blocks.peakRecorded()).as("one recorded pointer").isEqualTo(1);
        assertThat(blocks.blockAt(blocks.find(0x1000))).isEqualTo(0xb000);
        int aside = blocks.find(LiveBlocks.UNRECORDED | 0xa000);
        assertThat(blocks.callAt(aside)).isEqualTo(0);
        assertThat(blocks.slotOfBlock(0xa000)).isEqualTo(aside);

        blocks.addEmpty(0x1000); // known: left alone
        assertThat(blocks.blockAt(blocks.find(0x1000))).isEqualTo(0xb000);
        blocks.removeAt(blocks.find(0x1000));
        assertThat(blocks.bytes()).isEqualTo(24);
    }
}
