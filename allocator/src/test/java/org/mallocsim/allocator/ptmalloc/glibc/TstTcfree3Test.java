package org.mallocsim.allocator.ptmalloc.glibc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.memcpy;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.memset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mallocsim.allocator.Allocator;

/**
 * glibc's malloc/tst-tcfree3.c (glibc-2.36): a chunk whose user data happens to hold the tcache key
 * is not a double free. b (a tcache-sized chunk) must be checked against its bin's list and found
 * absent; c (127 KiB, too big for any tcache bin) must not be looked up at all (BZ #23907), though
 * its first words, like its whole body, would make a bogus list walk fault.
 */
@ExtendWith(HeapCheckAfterEach.class)
class TstTcfree3Test {

    @Test
    void freesOfChunksHoldingACopiedTcacheKeyDoNotAbort() {
        Allocator a = GlibcTestProcess.ptmalloc();
        long pa = a.malloc(32);
        long pb = a.malloc(32);
        long pc = a.malloc(127 * 1024); // just under the mmap threshold
        memset(a, pc, 0xff, 127 * 1024);
        a.free(pa); // puts it in the tcache: mem+8 now holds tcache_key

        memcpy(a, pb, pa, 32);
        memcpy(a, pc, pa, 32);
        a.free(pb);
        a.free(pc);

        // b really was cached, after a: the bin is LIFO
        assertThat(a.malloc(32)).isEqualTo(pb);
        assertThat(a.malloc(32)).isEqualTo(pa);
    }
}
