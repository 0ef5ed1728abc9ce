package org.mallocsim.allocator.ptmalloc.glibc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.memset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mallocsim.allocator.Allocator;

/**
 * glibc's malloc/tst-malloc-usable.c (glibc-2.36). glibc runs it with {@code MALLOC_CHECK_=3} under
 * libc_malloc_debug.so, where malloc_usable_size(malloc (7)) is exactly 7; the emulation has no
 * malloc-check mode, so this port checks what the plain allocator answers for the same calls: the
 * chunk's size less SIZE_SZ, 24 for a 0x20 chunk (fact sheet §11), never less than asked, and 0 for
 * NULL.
 */
@ExtendWith(HeapCheckAfterEach.class)
class TstMallocUsableTest {

    @Test
    void usableSizeOfMalloc7IsTheMinimumChunksTwentyFourBytes() {
        Allocator a = GlibcTestProcess.ptmalloc();
        long p = a.malloc(7);
        assertThat(p).isNotZero();

        long usable = a.mallocUsableSize(p);

        assertThat(usable).isGreaterThanOrEqualTo(7).isEqualTo(24);
        memset(a, p, 0, usable);
        a.free(p);
        assertThat(a.mallocUsableSize(0)).isZero();
    }

    @Test
    void usableSizeFollowsTheChunkSizeForHeapAndMmappedChunks() {
        Allocator a = GlibcTestProcess.ptmalloc();

        assertThat(a.mallocUsableSize(a.malloc(24))).isEqualTo(24);
        assertThat(a.mallocUsableSize(a.malloc(25))).isEqualTo(40);
        assertThat(a.mallocUsableSize(a.malloc(1000))).as("chunk 0x3f0").isEqualTo(0x3f0 - 8);
        // mmapped: ALIGN_UP(request2size(200000) + 8, 4096) - 16
        assertThat(a.mallocUsableSize(a.malloc(200000))).isEqualTo(200704 - 16);
    }
}
