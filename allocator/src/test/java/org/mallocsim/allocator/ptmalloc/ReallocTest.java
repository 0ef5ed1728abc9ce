package org.mallocsim.allocator.ptmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mallocsim.kernel.mm.SyscallKind;

/** __libc_realloc, _int_realloc and mremap_chunk. */
class ReallocTest {
    private final Heap h = new Heap();

    @Test
    void growingTheChunkBeforeTopExtendsItInPlace() {
        long a = h.malloc(100);
        long r = h.realloc(a, 1000);
        assertThat(r).isEqualTo(a);
        assertThat(h.word(r)).isEqualTo(Chunk.request2size(1000) | 1);
    }

    @Test
    void growingIntoAFreeSuccessorMergesWithoutACopy() {
        Heap t = new Heap(Tunables.builder().tcacheCount(0).build());
        long a = t.malloc(100);
        long b = t.malloc(300);
        t.malloc(16);
        t.free(b);
        long r = t.realloc(a, 300);
        assertThat(r).isEqualTo(a);
        // 0x70 + 0x140 = 0x1b0; nb = 0x140: the 0x70 tail is split off and freed (unsorted)
        assertThat(t.word(r)).isEqualTo(0x141);
    }

    @Test
    void shrinkingSplitsTheTailOffIntoTheTcache() {
        long a = h.malloc(200);
        h.malloc(16);
        long r = h.realloc(a, 100);
        assertThat(r).isEqualTo(a);
        assertThat(h.word(r)).isEqualTo(0x71);
        assertThat(h.malloc(88)).isEqualTo(a + 0x70);
    }

    @Test
    void movingCopiesTheOldBytesAndFreesTheOldChunk() {
        long a = h.malloc(40);
        for (int i = 0; i < 40; i++) {
            h.as.store8(a + i, i + 1);
        }
        h.malloc(16);
        long r = h.realloc(a, 500);
        assertThat(r).isNotEqualTo(a);
        for (int i = 0; i < 40; i++) {
            assertThat(h.as.load8(r + i)).isEqualTo(i + 1);
        }
        assertThat(h.malloc(40)).isEqualTo(a);
    }

    @Test
    void reallocToZeroFreesAndFromNullMallocs() {
        long a = h.realloc(0, 10);
        assertThat(h.off(a)).isEqualTo(0x2a0);
        assertThat(h.realloc(a, 0)).isZero();
        assertThat(h.malloc(10)).isEqualTo(a);
    }

    @Test
    void aMmappedChunkShrinksWithMremapAndStaysMmapped() {
        h.malloc(16);
        long a = h.malloc(200_000);
        long before = h.as.syscallCount(SyscallKind.MREMAP);
        long r = h.realloc(a, 10);
        assertThat(h.as.syscallCount(SyscallKind.MREMAP)).isEqualTo(before + 1);
        assertThat(h.word(r)).isEqualTo(0x1002);
        assertThat(h.pm.mallocUsableSize(r)).isEqualTo(4080);
        assertThat(h.pm.mallinfo2().hblkhd()).isEqualTo(4096);
        assertThat(h.realloc(r, 20)).isEqualTo(r);
        assertThat(h.as.syscallCount(SyscallKind.MREMAP)).isEqualTo(before + 1);
    }

    @Test
    void reallocarrayRefusesAnOverflowingProduct() {
        assertThat(h.pm.reallocarray(0, 1L << 33, 1L << 33)).isZero();
        assertThat(h.pm.errno()).isEqualTo(MallocContext.ENOMEM);
        assertThat(h.pm.reallocarray(0, 3, 10)).isNotZero();
    }

    @Test
    void growingAMmappedChunkMovesItWithMremapAndKeepsItsBytes() {
        h.malloc(16);
        long a = h.malloc(200_000);
        h.as.fill(a, 0x33, 200_000);
        long r = h.realloc(a, 2_000_000);
        assertThat(h.word(r)).isEqualTo(SysMalloc.alignUp(2_000_000 + 24, 4096) | 2);
        assertThat(h.as.load8(r + 199_999)).isEqualTo(0x33);
        assertThat(h.pm.mallinfo2().hblkhd()).isEqualTo(SysMalloc.alignUp(2_000_000 + 24, 4096));
    }

    @Test
    void reallocOfAHeapChunkToAHugeSizeFailsAndKeepsTheBlock() {
        long a = h.malloc(100);
        h.as.fill(a, 0x44, 100);
        assertThat(h.realloc(a, 1L << 60)).isZero();
        assertThat(h.pm.errno()).isEqualTo(MallocContext.ENOMEM);
        assertThat(h.as.load8(a + 99)).isEqualTo(0x44);
    }
}
