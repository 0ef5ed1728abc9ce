package org.mallocsim.allocator.bump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mallocsim.allocator.MallInfo2;
import org.mallocsim.allocator.MallocAbort;
import org.mallocsim.kernel.Mman;
import org.mallocsim.kernel.SegmentationFault;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;
import org.mallocsim.kernel.mm.SyscallKind;

/** What the bump policy does beyond the contract: page-step growth, the mmap fallback, marks, its own aborts. */
class BumpAllocatorTest {
    private static final long PAGE = 4096;
    private final AddressSpace space = new AddressSpace(KernelConfig.defaults());
    private final BumpAllocator bump = new BumpAllocator(space, Map.of());
    private final long start = space.currentBrk();

    @Test
    void theHeapStartsAtTheBreakAndGrowsItInPageSteps() {
        long p = bump.malloc(100);
        assertThat(p).isEqualTo(start + 16);
        assertThat(space.currentBrk()).isEqualTo(start + PAGE);
        bump.malloc(PAGE);
        assertThat(space.currentBrk()).isEqualTo(start + 2 * PAGE);
        bump.malloc(10 * PAGE); // top moves from 0x1080 to 0xb090, and 8 more bytes are lent
        assertThat(space.currentBrk()).as("one brk for a block of many pages").isEqualTo(start + 12 * PAGE);
        assertThat(space.syscallCount(SyscallKind.BRK)).isEqualTo(3);
    }

    @Test
    void chunksAreCarvedOneAfterAnotherWithGlibcsSizeWords() {
        long a = bump.malloc(24);
        long b = bump.malloc(25);
        long c = bump.calloc(3, 100);
        assertThat(b - a).isEqualTo(32);
        assertThat(c - b).isEqualTo(48);
        assertThat(space.load64(a - 8)).isEqualTo(0x21);
        assertThat(space.load64(b - 8)).isEqualTo(0x31);
        assertThat(space.load64(c - 8)).as("request2size(300) = 0x140").isEqualTo(0x141);
    }

    @Test
    void freeOnlyMarksAndNothingIsEverReused() {
        long a = bump.malloc(100);
        bump.free(a);
        assertThat(space.load64(a - 8)).isEqualTo(0x70 | BumpLayout.FREED | BumpLayout.PREV_INUSE);
        long b = bump.malloc(100);
        assertThat(b).isEqualTo(a + 0x70);
        assertThat(bump.mallocUsableSize(a))
                .as("a freed chunk has no usable bytes")
                .isZero();
    }

    @Test
    void reallocMovesToAFreshChunkUnlessTheOldOneIsBigEnough() {
        long a = bump.malloc(100);
        space.store64(a, 0x1122334455667788L);
        assertThat(bump.realloc(a, 50)).as("shrinking keeps the chunk").isEqualTo(a);
        long b = bump.realloc(a, 1000);
        assertThat(b).isGreaterThan(a);
        assertThat(space.load64(b)).isEqualTo(0x1122334455667788L);
        assertThat(space.load64(a - 8) & BumpLayout.FREED)
                .as("the old chunk is marked freed")
                .isNotZero();
    }

    @Test
    void whenBrkFailsTheHeapGoesOnInMmappedRegionsOfAMebibyte() {
        // a mapping 16 pages above the break blocks brk, as a library mapped there would
        long blocker = start + 16 * PAGE;
        assertThat(space.mmap(
                        blocker, PAGE, Mman.PROT_READ, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED, -1, 0))
                .isEqualTo(blocker);
        bump.malloc(8 * PAGE);
        long p = bump.malloc(20 * PAGE);
        assertThat(p).isNotZero();
        assertThat(p < start || p > blocker)
                .as("0x%x is outside the brk heap", p)
                .isTrue();
        assertThat((p - 16) & (PAGE - 1)).as("a region starts on a page").isZero();
        long q = bump.malloc(100);
        assertThat(q).as("later calls carve from the region, not brk").isEqualTo(p + 20 * PAGE + 16);
        MallInfo2 m = bump.mallinfo2();
        assertThat(m.arena()).isEqualTo(9 * PAGE + BumpAllocator.REGION_BYTES);
    }

    @Test
    void aRequestNeitherBrkNorMmapCanServeFailsWithoutGivingUpTheBreak() {
        long a = bump.malloc(100);
        assertThat(bump.malloc(1L << 46))
                .as("64 TiB: more than overcommit allows")
                .isZero();
        assertThat(bump.errno()).isEqualTo(org.mallocsim.kernel.Errno.ENOMEM);
        long b = bump.malloc(100);
        assertThat(b).as("the next chunk still comes from the brk heap").isEqualTo(a + 0x70);
    }

    @Test
    void mallinfo2CountsTheBreakLiveChunksAndTheRemainder() {
        long a = bump.malloc(100); // 0x70
        bump.malloc(1000); // 0x3f0
        bump.free(a);
        MallInfo2 m = bump.mallinfo2();
        assertThat(m.arena()).isEqualTo(space.currentBrk() - start);
        assertThat(m.uordblks()).isEqualTo(0x3f0);
        assertThat(m.fordblks()).isEqualTo(m.arena() - 0x3f0);
        assertThat(m.keepcost()).isEqualTo(PAGE - 0x70 - 0x3f0);
        assertThat(m.ordblks()).as("one freed chunk and the remainder").isEqualTo(2);
        assertThat(m.hblks()).isZero();
        assertThat(bump.mallocStats())
                .startsWith("Arena 0:\nsystem bytes     =       4096\nin use bytes     =       1008\n");
    }

    @Test
    void badPointersEndTheProcessWithTheDocumentedMessages() {
        long a = bump.malloc(100);
        assertThatThrownBy(() -> bump.free(a + 8))
                .isInstanceOf(MallocAbort.class)
                .hasMessage(BumpAllocator.INVALID_POINTER_FREE);
        assertThatThrownBy(() -> bump.realloc(a + 4, 10)).hasMessage(BumpAllocator.INVALID_POINTER_REALLOC);
        bump.free(a);
        assertThatThrownBy(() -> bump.free(a)).hasMessage(BumpAllocator.DOUBLE_FREE);
        assertThatThrownBy(() -> bump.realloc(a, 10)).hasMessage(BumpAllocator.REALLOC_FREED);
        long b = bump.malloc(100);
        assertThatThrownBy(() -> bump.free(b + 32))
                .as("no size word there")
                .hasMessage(BumpAllocator.INVALID_SIZE_FREE);
        assertThatThrownBy(() -> bump.free(0x10_0000_0000L)).isInstanceOf(SegmentationFault.class);
    }

    @Test
    void theStateLivesInEmulatedMemoryAtTheDrawnOffsets() {
        long a = bump.malloc(40);
        long state = bump.stateAddress();
        assertThat(space.load64(state + BumpLayout.TOP)).isEqualTo(a - 16 + 0x30); // request2size(40) = 0x30
        assertThat(space.load64(state + BumpLayout.END)).isEqualTo(start + PAGE);
        assertThat(space.load64(state + BumpLayout.SYSTEM_BYTES)).isEqualTo(PAGE);
        assertThat(space.load64(state + BumpLayout.IN_USE_BYTES)).isEqualTo(0x30);
        assertThat(space.load64(state + BumpLayout.LIVE_CHUNKS)).isEqualTo(1);
        assertThat(space.load64(state + BumpLayout.HEAP_START)).isEqualTo(start);
        assertThat(space.load64(state + BumpLayout.BRK_TOP)).isEqualTo(a - 16 + 0x30);
        assertThat(BumpLayout.STATE_SIZE).isEqualTo(88);
        assertThat(BumpLayout.MEM).isEqualTo(16);
    }

    @Test
    void theHeapWalkCrossesAlignmentGapsAndCatchesACorruptSizeWord() {
        long a = bump.malloc(24);
        long b = bump.memalign(4096, 100); // leaves a gap before its chunk
        bump.free(a);
        bump.malloc(5000);
        assertThat(b & 4095).isZero();
        assertThat(space.load64(a - 8 + 0x20) & BumpLayout.FREED)
                .as("the gap is a freed chunk")
                .isNotZero();
        bump.checkHeap();

        space.store64(b - 8, 0x1234); // a stray write over b's size word
        assertThatThrownBy(bump::checkHeap)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(String.format("chunk 0x%x has size word 0x1234", b - 16));
    }

    @Test
    void theHeapWalkCatchesCountersThatDisagreeWithTheChunks() {
        bump.malloc(24);
        long state = bump.stateAddress();
        space.store64(state + BumpLayout.LIVE_CHUNKS, 2);
        assertThatThrownBy(bump::checkHeap)
                .hasMessage("bump heap: 1 live chunks of 32 bytes, the state counts 2 of 32");
    }

    @Test
    void request2sizeIsGlibcsForEverySmallRequest() {
        for (long n = 0; n <= 1 << 17; n++) {
            long glibc = n + 8 + 15 < 32 ? 32 : (n + 8 + 15) & ~15L; // malloc/malloc.c request2size
            assertThat(BumpLayout.request2size(n)).isEqualTo(glibc);
            assertThat(BumpLayout.usable(BumpLayout.request2size(n))).isGreaterThanOrEqualTo(n);
        }
    }
}
