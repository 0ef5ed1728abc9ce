package org.mallocsim.allocator.ptmalloc.glibc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.ENOMEM;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.chunkWord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mallocsim.allocator.Allocator;

/**
 * glibc's malloc/tst-malloc.c (glibc-2.36): impossible sizes fail with ENOMEM, malloc(0) succeeds,
 * realloc(p, 0) frees and returns NULL, and a 513 KiB block can be had.
 */
@ExtendWith(HeapCheckAfterEach.class)
class TstMallocTest {

    @Test
    void mallocOfMinusOneFailsWithEnomem() {
        Allocator a = GlibcTestProcess.ptmalloc();

        assertThat(a.malloc(-1)).isZero();
        assertThat(a.errno()).isEqualTo(ENOMEM);
    }

    @Test
    void theCallsOfTstMallocSucceedAndFailAsGlibcs() {
        Allocator a = GlibcTestProcess.ptmalloc();

        long p = a.malloc(10);
        assertThat(p).as("malloc (10)").isNotZero();
        assertThat(a.realloc(p, 0)).as("realloc (p, 0)").isZero();
        p = a.malloc(0);
        assertThat(p).as("malloc (0)").isNotZero();
        assertThat(a.realloc(p, 0)).as("realloc (p, 0)").isZero();
        p = a.malloc(513 * 1024);
        assertThat(p).as("malloc (513K)").isNotZero();
        assertThat(a.malloc(-512 * 1024)).as("malloc (-512K)").isZero();
        assertThat(a.errno()).isEqualTo(ENOMEM);
        a.free(p);
    }

    @Test
    void the513KibBlockIsMmappedWithGlibcsChunkWord() {
        Allocator a = GlibcTestProcess.ptmalloc();

        long p = a.malloc(513 * 1024);

        // request2size(525312) = 525328; + SIZE_SZ, page-aligned = 0x81000, with IS_MMAPPED (sysmalloc_mmap)
        assertThat(chunkWord(a, p)).isEqualTo(0x81002L);
        assertThat(p & 0xfff).isEqualTo(0x10);
        assertThat(a.mallocUsableSize(p)).isEqualTo(0x81000L - 16);
    }
}
