package org.mallocsim.allocator.ptmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Size arithmetic and index functions, checked exhaustively against tables built independently. */
class ChunkTest {

    @Test
    void request2sizeIsTheSmallestMultipleOf16HoldingTheRequestPlusOneWordAndAtLeast32() {
        for (long req = 0; req <= MallocContext.DEFAULT_MMAP_THRESHOLD; req++) {
            long expected = 32;
            while (expected - 8 < req) {
                expected += 16;
            }
            assertThat(Chunk.request2size(req)).as("request %d", req).isEqualTo(expected);
        }
    }

    @Test
    void checkedRequest2sizeRefusesRequestsAbovePtrdiffMax() {
        assertThat(Chunk.checkedRequest2size(-1L)).isZero();
        assertThat(Chunk.checkedRequest2size(Long.MIN_VALUE)).isZero();
        assertThat(Chunk.checkedRequest2size(Long.MAX_VALUE)).isEqualTo(0x8000000000000010L);
    }

    @Test
    void tcacheIndexOfEveryRequestFollowsTheFactSheetRanges() {
        // idx0 0..24, idx1 25..40, ..., idx63 1017..1032
        for (long req = 0; req <= 1032; req++) {
            long idx = req <= 24 ? 0 : (req - 25) / 16 + 1;
            assertThat(Chunk.usize2tidx(req)).as("request %d", req).isEqualTo(idx);
            assertThat(Chunk.tidx2usize(idx)).isGreaterThanOrEqualTo(req);
        }
        assertThat(Chunk.usize2tidx(1033)).isEqualTo(64);
        assertThat(MallocContext.MAX_TCACHE_SIZE).isEqualTo(1032);
        assertThat(Chunk.csize2tidx(0x20)).isZero();
        assertThat(Chunk.csize2tidx(0x410)).isEqualTo(63);
    }

    @Test
    void fastbinIndexCoversChunks0x20To0xb0InTenBins() {
        for (long sz = 0x20, i = 0; sz <= 0xb0; sz += 16, i++) {
            assertThat(Chunk.fastbinIndex(sz)).isEqualTo(i);
        }
        assertThat(Chunk.fastbinIndex(Chunk.request2size(Chunk.MAX_FAST_SIZE)) + 1)
                .isEqualTo(Chunk.NFASTBINS);
        assertThat(Chunk.maxFastFor(MallocContext.DEFAULT_MXFAST)).isEqualTo(0x80);
        assertThat(Chunk.maxFastFor(0)).isEqualTo(0x10);
    }

    @Test
    void smallbinIndexIsSizeOver16BelowMinLargeSize() {
        for (long sz = 0x20; sz < 1024; sz += 16) {
            assertThat(Chunk.inSmallbinRange(sz)).isTrue();
            assertThat(Chunk.binIndex(sz)).isEqualTo((int) (sz / 16));
        }
        assertThat(Chunk.inSmallbinRange(1024)).isFalse();
    }

    /** Bin ranges of the fact sheet, §1: [from, to) per largebin 64..126. */
    private static long[][] largeBinRanges() {
        long[][] r = new long[127][];
        for (int b = 64; b <= 96; b++) {
            r[b] = new long[] {1024 + 64L * (b - 64), 1024 + 64L * (b - 63)};
        }
        r[97] = new long[] {3136, 3584};
        for (int b = 98; b <= 111; b++) {
            r[b] = new long[] {3584 + 512L * (b - 98), 3584 + 512L * (b - 97)};
        }
        r[112] = new long[] {10752, 12288};
        for (int b = 113; b <= 119; b++) {
            r[b] = new long[] {12288 + 4096L * (b - 113), 12288 + 4096L * (b - 112)};
        }
        r[120] = new long[] {40960, 65536};
        r[121] = new long[] {65536, 98304};
        r[122] = new long[] {98304, 131072};
        r[123] = new long[] {131072, 163840};
        r[124] = new long[] {163840, 262144};
        r[125] = new long[] {262144, 524288};
        r[126] = new long[] {524288, Long.MAX_VALUE};
        return r;
    }

    @Test
    void largebinIndexOfEveryChunkSizeUpTo1MiBMatchesTheRangeTable() {
        long[][] ranges = largeBinRanges();
        for (long sz = 1024; sz <= (1 << 20); sz += 16) {
            int expected = -1;
            for (int b = 64; b <= 126; b++) {
                if (sz >= ranges[b][0] && sz < ranges[b][1]) {
                    expected = b;
                }
            }
            assertThat(Chunk.largebinIndex(sz)).as("size %d", sz).isEqualTo(expected);
        }
        assertThat(Chunk.largebinIndex(Long.MAX_VALUE & ~15)).isEqualTo(126);
    }

    @Test
    void safeLinkingIsItsOwnInverse() {
        long pos = 0x55dd085ac2b0L;
        long ptr = 0x55dd085ac4a0L;
        long stored = Chunk.protectPtr(pos, ptr);
        assertThat(stored).isEqualTo((pos >>> 12) ^ ptr);
        assertThat(Chunk.revealPtr(pos, stored)).isEqualTo(ptr);
        assertThat(Chunk.protectPtr(pos, 0)).isEqualTo(pos >>> 12);
    }
}
