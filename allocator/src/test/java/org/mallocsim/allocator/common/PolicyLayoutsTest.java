package org.mallocsim.allocator.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mallocsim.allocator.firstfit.FirstFit;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;

/** The drawn layouts of PolicyLayout and TagChunk, pinned against the bytes the policies write. */
class PolicyLayoutsTest {
    private final AddressSpace space = new AddressSpace(KernelConfig.defaults());
    private final FirstFit heap = new FirstFit(space, Map.of());

    @Test
    void theOffsetsAreTheDrawnOnes() {
        assertThat(PolicyLayout.MMAPPED_BLOCKS).isZero();
        assertThat(PolicyLayout.MMAP_THRESHOLD).isEqualTo(24);
        assertThat(PolicyLayout.SUBCLASS).isEqualTo(32);
        assertThat(TagChunk.SIZE).isEqualTo(8);
        assertThat(TagChunk.MEM).isEqualTo(16);
        assertThat(TagChunk.FD).isEqualTo(16);
        assertThat(TagChunk.BK).isEqualTo(24);
        assertThat(TagChunk.INUSE | TagChunk.PINUSE)
                .as("bits 1 and 2 stay free for PolicyLayout")
                .isEqualTo(0x9)
                .matches(b -> (b & (PolicyLayout.MMAPPED | PolicyLayout.ALIGNED)) == 0);
    }

    @Test
    void aChunkReadsBackAsDrawn() {
        long a = heap.malloc(24);
        long b = heap.malloc(100);
        heap.malloc(10);
        assertThat(space.load64(TagChunk.sizeOffset(TagChunk.mem2chunk(a))))
                .as("size 0x20, INUSE, PINUSE")
                .isEqualTo(0x29);
        heap.free(b);
        long c = TagChunk.mem2chunk(b);
        assertThat(space.load64(TagChunk.sizeOffset(c)))
                .as("free: INUSE clear, previous in use")
                .isEqualTo(0x70 | TagChunk.PINUSE);
        assertThat(space.load64(c + 0x70))
                .as("the footer is the next chunk's prev_size")
                .isEqualTo(0x70);
        assertThat(space.load64(TagChunk.sizeOffset(c + 0x70)) & TagChunk.PINUSE)
                .as("the next chunk's PINUSE")
                .isZero();
        assertThat(space.load64(TagChunk.bkOffset(c)))
                .as("b's list predecessor: none below it")
                .isZero();
    }

    @Test
    void anMmappedBlockAndAnAlignedBlockReadBackAsDrawn() {
        long p = heap.malloc(200_000);
        long r = space.load64(PolicyLayout.regionOffset(p));
        assertThat(p - r).isEqualTo(PolicyLayout.MMAP_HEADER);
        assertThat(space.load64(PolicyLayout.headerOffset(p))).isEqualTo(200_704 | PolicyLayout.MMAPPED);
        long q = heap.memalign(256, 40);
        long word = space.load64(PolicyLayout.headerOffset(q));
        if ((word & PolicyLayout.ALIGNED) != 0) {
            long real = q - (word & ~PolicyLayout.FLAG_BITS);
            assertThat(space.load64(TagChunk.sizeOffset(TagChunk.mem2chunk(real))) & TagChunk.INUSE)
                    .isEqualTo(1);
        } else {
            assertThat(word & TagChunk.INUSE)
                    .as("already aligned: a chunk of its own")
                    .isEqualTo(1);
        }
        assertThat(state(PolicyLayout.MMAPPED_BLOCKS)).isEqualTo(1);
        assertThat(state(PolicyLayout.MMAPPED_BYTES)).isEqualTo(200_704);
    }

    private long state(int field) {
        return space.load64(heap.state + field);
    }
}
