package org.mallocsim.allocator.ptmalloc.glibc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.ENOMEM;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.PAGESIZE;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mallocsim.allocator.Allocator;
import org.mallocsim.kernel.Mman;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;

/**
 * glibc's malloc/tst-free-errno.c (glibc-2.36): free preserves errno, for free (NULL), for mmapped
 * chunks, and when the munmap inside free fails because splitting the chunk's VMA would exceed
 * vm.max_map_count. glibc sets errno to 1789 first; the {@link Allocator} interface cannot set
 * errno, so a failing malloc sets it to ENOMEM and the frees must leave that value.
 */
@ExtendWith(HeapCheckAfterEach.class)
class TstFreeErrnoTest {

    @Test
    void freeOfNullAndOfMmappedChunksKeepsErrno() {
        Allocator a = GlibcTestProcess.ptmalloc();
        long[] ptrs = {a.malloc(5318153), a.malloc(5318153)};
        assertThat(a.malloc(-1)).isZero();
        assertThat(a.errno()).isEqualTo(ENOMEM);

        a.free(0);
        assertThat(a.errno()).isEqualTo(ENOMEM);
        for (long p : ptrs) {
            a.free(p);
            assertThat(a.errno()).isEqualTo(ENOMEM);
        }
    }

    @Test
    void aFailedMunmapInsideFreeKeepsErrnoAndDoesNotAbort() {
        int maxMapCount = 200;
        AddressSpace as =
                new AddressSpace(KernelConfig.builder().maxMapCount(maxMapCount).build());
        Allocator a = GlibcTestProcess.ptmalloc(as, "");
        long firstpageBackup = a.malloc(PAGESIZE);
        long lastpageBackup = a.malloc(PAGESIZE);
        long bigSize = 0x1000000;
        long ptr = a.malloc(bigSize - 0x100);
        long ptrAligned = ptr & ~(PAGESIZE - 1);
        // enlarge the chunk's mapping by a page on each side, keeping its first and last pages
        as.copy(firstpageBackup, ptrAligned, PAGESIZE);
        as.copy(lastpageBackup, ptrAligned + bigSize - PAGESIZE, PAGESIZE);
        long fixed = as.mmap(
                ptrAligned - PAGESIZE,
                PAGESIZE + bigSize + PAGESIZE,
                Mman.PROT_READ | Mman.PROT_WRITE,
                Mman.MAP_ANONYMOUS | Mman.MAP_PRIVATE | Mman.MAP_FIXED,
                -1,
                0);
        assertThat(fixed).isEqualTo(ptrAligned - PAGESIZE);
        as.copy(ptrAligned, firstpageBackup, PAGESIZE);
        as.copy(ptrAligned + bigSize - PAGESIZE, lastpageBackup, PAGESIZE);
        // as many mappings as the limit allows (alternating protections, so that none merge)
        int prot = Mman.PROT_READ;
        while (as.mapCount() < maxMapCount) {
            long m = as.mmap(0, PAGESIZE, prot, Mman.MAP_ANONYMOUS | Mman.MAP_PRIVATE, -1, 0);
            assertThat(m).isPositive();
            prot = prot == Mman.PROT_READ ? Mman.PROT_NONE : Mman.PROT_READ;
        }
        assertThat(a.malloc(-1)).isZero();
        long mapsBefore = as.mapCount();

        a.free(ptr); // munmap (ptr_aligned, big_size) would split the VMA in three: ENOMEM

        assertThat(a.errno()).isEqualTo(ENOMEM);
        assertThat(as.mapCount()).as("the munmap failed and changed nothing").isEqualTo(mapsBefore);
    }
}
