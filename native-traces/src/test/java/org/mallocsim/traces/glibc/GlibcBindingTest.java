package org.mallocsim.traces.glibc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.mallocsim.allocator.MallInfo2;

/**
 * The binding against this process's real glibc. Runs in a JVM of its own with
 * {@code GLIBC_TUNABLES=glibc.malloc.arena_max=1} (see native-traces/pom.xml), so the calls here
 * are served by the main arena; in any other JVM (a plain {@code -Dtest=} run) it is skipped.
 */
@EnabledIfEnvironmentVariable(named = "GLIBC_TUNABLES", matches = "glibc\\.malloc\\.arena_max=1")
class GlibcBindingTest {
    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_PRIVATE = 2;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final long SIZE_BITS = 7;
    private static final long IS_MMAPPED = 2;
    private static final long NON_MAIN_ARENA = 4;

    private static Glibc glibc;

    @BeforeAll
    static void load() {
        glibc = Glibc.get();
    }

    @Test
    void reportsAGlibcVersion() {
        assertThat(glibc.version()).matches("2\\.\\d+");
    }

    @Test
    void smallMallocHasTheChunkSizeOfRequest2SizeInTheMainArena() {
        long p = glibc.malloc(100);
        try {
            assertThat(p & 15).isZero();
            long word = glibc.chunkWord(p);
            assertThat(word & ~SIZE_BITS).isEqualTo(0x70);
            assertThat(word & (IS_MMAPPED | NON_MAIN_ARENA)).isZero();
            assertThat(glibc.mallocUsableSize(p)).isEqualTo(104);
        } finally {
            glibc.free(p);
        }
    }

    @Test
    void requestAboveTheMmapThresholdIsAnMmappedChunkCountedByMallinfo2() {
        assertThat(glibc.mallopt(Glibc.M_MMAP_THRESHOLD, 1 << 20)).isEqualTo(1);
        MallInfo2 before = glibc.mallinfo2();
        long p = glibc.malloc(4 << 20);
        try {
            assertThat(glibc.chunkWord(p)).isEqualTo(4198400 | IS_MMAPPED);
            assertThat(glibc.mallocUsableSize(p)).isEqualTo(4198384);
            assertThat(p & 4095).isEqualTo(16);
            MallInfo2 during = glibc.mallinfo2();
            assertThat(during.hblks() - before.hblks()).isEqualTo(1);
            assertThat(during.hblkhd() - before.hblkhd()).isEqualTo(4198400);
        } finally {
            glibc.free(p);
        }
    }

    @Test
    void posixMemalignAlignsAndRejectsAnAlignmentThatIsNotAPowerOfTwo() {
        long p = glibc.posixMemalign(256, 100);
        assertThat(p).isPositive();
        assertThat(p & 255).isZero();
        glibc.free(p);
        assertThat(glibc.posixMemalign(24, 100)).isEqualTo(-22);
    }

    @Test
    void callocReturnsZeroedMemoryOfTheRequestedSize() {
        long p = glibc.calloc(10, 10);
        assertThat(glibc.mallocUsableSize(p)).isGreaterThanOrEqualTo(100);
        glibc.free(p);
    }

    @Test
    void mmapTakesAllSixArgumentsAndMunmapReleases() {
        long a = glibc.mmap(0, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        assertThat(a).isNotEqualTo(-1L);
        assertThat(a & 4095).isZero();
        assertThat(glibc.madvise(a, 65536, 4)).isZero();
        assertThat(glibc.munmap(a, 65536)).isZero();
        // an unaligned address is refused by the kernel, proving arguments arrive intact
        assertThat(glibc.munmap(a + 1, 4096)).isEqualTo(-1);
    }

    @Test
    void sbrkZeroReturnsTheCurrentBreak() {
        long brk = glibc.sbrk(0);
        assertThat(brk).isNotEqualTo(-1L);
        assertThat(glibc.sbrk(0)).isGreaterThanOrEqualTo(brk);
    }
}
