package org.mallocsim.kernel.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PhysicalMemoryTest {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    @Test
    void aFreedFrameIsTheNextOneHandedOut() {
        PhysicalMemory ram = new PhysicalMemory(16 * MIB);
        long a = ram.allocFrame();
        long b = ram.allocFrame();
        ram.freeFrame(a);
        assertThat(ram.allocFrame()).isEqualTo(a);
        ram.freeFrame(b);
        ram.freeFrame(a);
        assertThat(ram.allocFrame()).isEqualTo(a);
        assertThat(ram.allocFrame()).isEqualTo(b);
    }

    @Test
    void exhaustedRamReturnsMinusOneAndRecoversAfterAFree() {
        PhysicalMemory ram = new PhysicalMemory(8 * 4096);
        Set<Long> got = new HashSet<>();
        for (int i = 0; i < 7; i++) {
            got.add(ram.allocFrame());
        }
        assertThat(got).hasSize(7).doesNotContain(-1L, ram.zeroPfn());
        assertThat(ram.allocFrame()).isEqualTo(-1);
        assertThat(ram.allocZeroedFrame()).isEqualTo(-1);
        assertThat(ram.framesInUse()).isEqualTo(8);
        ram.freeFrame(5);
        assertThat(ram.allocZeroedFrame()).isEqualTo(5);
        assertThat(ram.allocFrame()).isEqualTo(-1);
    }

    @Test
    void hostMemoryFollowsTheFramesInUseNotTheConfiguredSize() {
        PhysicalMemory ram = new PhysicalMemory(64 * GIB);
        assertThat(ram.frames()).isEqualTo(16L << 20);
        for (int i = 0; i < 10; i++) {
            ram.allocFrame();
        }
        assertThat(ram.slabsAllocated()).isEqualTo(1);
        for (int i = 10; i < 1023; i++) { // frames 1..1023: the zero page is frame 0
            ram.allocFrame();
        }
        assertThat(ram.slabsAllocated()).isEqualTo(1);
        ram.allocFrame(); // frame 1024 opens the second slab
        assertThat(ram.slabsAllocated()).isEqualTo(2);
    }

    @Test
    void freedFramesAreReusedBeforeNewSlabsAreTaken() {
        PhysicalMemory ram = new PhysicalMemory(GIB);
        for (int round = 0; round < 5000; round++) {
            long pfn = ram.allocFrame();
            ram.freeFrame(pfn);
        }
        assertThat(ram.slabsAllocated()).isEqualTo(1);
        assertThat(ram.framesInUse()).isEqualTo(1);
        assertThat(ram.peakFramesInUse()).isEqualTo(2);
    }

    @Test
    void theZeroPageIsFrameZeroStaysZeroAndCanBeNeitherFreedNorWritten() {
        PhysicalMemory ram = new PhysicalMemory(MIB);
        assertThat(ram.zeroPfn()).isZero();
        assertThat(ram.framesInUse()).isEqualTo(1);
        assertThatThrownBy(() -> ram.freeFrame(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ram.putLong(8, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ram.putByte(4095, (byte) 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ram.copyFrame(0, 1)).isInstanceOf(IllegalStateException.class);
        for (int i = 0; i < 255; i++) {
            long pfn = ram.allocFrame();
            assertThat(pfn).isPositive();
            ram.putLong(pfn << 12, -1L);
        }
        assertThat(ram.isZeroFrame(0)).isTrue();
    }

    @Test
    void aRecycledFrameComesBackZeroedFromAllocZeroedFrame() {
        PhysicalMemory ram = new PhysicalMemory(MIB);
        long pfn = ram.allocFrame();
        for (int off = 0; off < 4096; off += 8) {
            ram.putLong((pfn << 12) + off, 0x5a5a_5a5a_5a5a_5a5aL);
        }
        ram.freeFrame(pfn);
        assertThat(ram.allocZeroedFrame()).isEqualTo(pfn);
        assertThat(ram.isZeroFrame(pfn)).isTrue();
    }

    @Test
    void freshFramesAreZeroed() {
        PhysicalMemory ram = new PhysicalMemory(16 * MIB);
        for (int i = 0; i < 2000; i++) {
            assertThat(ram.isZeroFrame(ram.allocZeroedFrame())).isTrue();
        }
    }

    @Test
    void copyFrameCopiesEveryByte() {
        PhysicalMemory ram = new PhysicalMemory(MIB);
        long src = ram.allocZeroedFrame();
        long dst = ram.allocFrame();
        for (int off = 0; off < 4096; off++) {
            ram.putByte((src << 12) + off, (byte) (off * 7 + 1));
        }
        ram.copyFrame(dst, src);
        for (int off = 0; off < 4096; off++) {
            assertThat(ram.getByte((dst << 12) + off)).isEqualTo((byte) (off * 7 + 1));
        }
    }

    @Test
    void countersTrackFramesInUseAndThePeak() {
        PhysicalMemory ram = new PhysicalMemory(MIB);
        long a = ram.allocFrame();
        long b = ram.allocFrame();
        long c = ram.allocFrame();
        ram.freeFrame(b);
        ram.freeFrame(a);
        assertThat(ram.framesInUse()).isEqualTo(2);
        assertThat(ram.peakFramesInUse()).isEqualTo(4);
        ram.freeFrame(c);
        assertThat(ram.framesInUse()).isEqualTo(1);
    }

    @Test
    void physicalAddressesMapToSlabAndOffsetAsDrawn() {
        PhysicalMemory ram = new PhysicalMemory(16 * MIB);
        long last = 0;
        for (int i = 0; i < 1500; i++) {
            last = ram.allocFrame();
        }
        long paddr = (last << 12) + 0x123;
        ram.putInt(paddr, 0x0403_0201);
        ByteBuffer slab = ram.slab(last);
        assertThat(slab).isSameAs(ram.slab(1024)).isNotSameAs(ram.slab(1023));
        assertThat(ram.slabOffset(paddr)).isEqualTo((int) ((last - 1024) << 12) + 0x123);
        assertThat(slab.get(ram.slabOffset(paddr))).isEqualTo((byte) 1);
        assertThat(ram.getByte(paddr + 3)).isEqualTo((byte) 4);
        assertThat(ram.getInt(paddr)).isEqualTo(0x0403_0201);
        assertThat(ram.getLong(paddr) & 0xffff_ffffL).isEqualTo(0x0403_0201L);
    }

    @Test
    void aUserPageTakesItsHomeFrameAndAPageThatSharesItTakesAnother() {
        PhysicalMemory ram = new PhysicalMemory(2 * GIB);
        long va = 0x5555_5555_9000L;
        long home = PhysicalMemory.HOME_FIRST + (PhysicalMemory.homeOffset(va) >>> 12);
        assertThat(ram.allocZeroedFrameFor(va)).isEqualTo(home);
        assertThat(ram.isHome(home, va)).isTrue();
        assertThat(ram.isHome(home, va + 4096)).isFalse();
        ram.putLong(home << 12, -1);
        long sharer = va + PhysicalMemory.HOME_BYTES; // shares its home frame
        long other = ram.allocZeroedFrameFor(sharer);
        assertThat(other).isNotEqualTo(home);
        assertThat(ram.isHome(other, sharer)).isFalse();
        ram.freeFrame(home);
        assertThat(ram.allocZeroedFrameFor(sharer))
                .as("its home frame, free again")
                .isEqualTo(home);
        assertThat(ram.isZeroFrame(home)).as("zeroed after its first use").isTrue();
        assertThat(ram.framesInUse()).isEqualTo(3);
    }

    @Test
    void sixteenThreadHeapsSixtyFourMibApartGetHomeFramesOfTheirOwn() {
        // glibc's thread heaps are HEAP_MAX_SIZE-aligned (64 MiB), one below the other
        Set<Long> offsets = new HashSet<>();
        for (long heap = 0; heap < 16; heap++) {
            for (long page = 0; page < 64L << 20; page += 1 << 20) {
                offsets.add(PhysicalMemory.homeOffset(0x7ffc_0000_0000L - heap * (64L << 20) + page));
            }
        }
        assertThat(offsets).hasSize(16 * 64);
        assertThat(PhysicalMemory.homeOffset(0x7ffc_0000_0000L - 16 * (64L << 20)))
                .as("the 17th shares the first's")
                .isEqualTo(PhysicalMemory.homeOffset(0x7ffc_0000_0000L));
        assertThat(PhysicalMemory.homeOffset(0x5555_5555_9123L) & 0xfff)
                .as("the offset in the page")
                .isEqualTo(0x123);
    }

    @Test
    void ordinaryFramesSkipTheHomeFramesUntilNoOtherIsLeft() {
        // the zero page and 1,023 ordinary frames, then the home frames and nothing else
        PhysicalMemory ram = new PhysicalMemory(PhysicalMemory.HOME_FIRST * 4096 + PhysicalMemory.HOME_BYTES);
        for (int i = 1; i < PhysicalMemory.HOME_FIRST; i++) {
            assertThat(ram.allocFrame()).isEqualTo(i);
        }
        assertThat(ram.allocZeroedFrameFor(0)).as("page 0's home frame").isEqualTo(PhysicalMemory.HOME_FIRST);
        long spare = ram.allocZeroedFrame();
        assertThat(spare).as("the first free home frame").isEqualTo(PhysicalMemory.HOME_FIRST + 1);
        assertThat(ram.isZeroFrame(spare)).isTrue();
        assertThat(ram.allocZeroedFrameFor(4096))
                .as("page 1's home frame is taken: any free frame")
                .isEqualTo(PhysicalMemory.HOME_FIRST + 2);
        ram.freeFrame(spare);
        assertThat(ram.allocFrame()).isEqualTo(spare);
        assertThat(ram.framesInUse()).isEqualTo(PhysicalMemory.HOME_FIRST + 3);
    }

    @Test
    void ramTooSmallForHomeFramesGivesOrdinaryOnes() {
        PhysicalMemory ram = new PhysicalMemory(64 * MIB);
        long va = 0x1000; // its home frame would be frame 1025
        long pfn = ram.allocZeroedFrameFor(va);
        assertThat(pfn).isEqualTo(1);
        assertThat(ram.homeHost()).isZero();
        assertThat(ram.isHome(pfn, va)).isFalse();
        for (int i = 2; i <= PhysicalMemory.HOME_FIRST + 1; i++) {
            assertThat(ram.allocFrame()).isEqualTo(i);
        }
        assertThat(ram.isHome(PhysicalMemory.HOME_FIRST + 1, va))
                .as("an ordinary frame, whatever its number")
                .isFalse();
    }

    @Test
    void aHomeFrameFreedTwiceOrNeverHandedOutCannotBeFreed() {
        PhysicalMemory ram = new PhysicalMemory(2 * GIB);
        long pfn = ram.allocZeroedFrameFor(0x7000);
        ram.freeFrame(pfn);
        assertThatThrownBy(() -> ram.freeFrame(pfn)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ram.freeFrame(pfn + 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void releasedRamThrowsOnAccessAndItsHomeFramesComeBackZeroedToTheNextProcess() {
        long va = 0x5555_5555_9000L;
        PhysicalMemory first = new PhysicalMemory(2 * GIB);
        long pfn = first.allocZeroedFrameFor(va);
        first.putLong(pfn << 12, -1);
        first.release();
        assertThatThrownBy(() -> first.getLong(pfn << 12))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("released");
        assertThat(first.isHome(pfn, va)).isFalse();
        PhysicalMemory next = new PhysicalMemory(2 * GIB);
        assertThat(next.allocZeroedFrameFor(va)).isEqualTo(pfn);
        assertThat(next.isZeroFrame(pfn)).isTrue();
    }

    @Test
    void aFrameOutsideThoseHandedOutCannotBeFreed() {
        PhysicalMemory ram = new PhysicalMemory(MIB);
        assertThatThrownBy(() -> ram.freeFrame(100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PhysicalMemory(4097)).isInstanceOf(IllegalArgumentException.class);
    }
}
