package org.mallocsim.allocator.ptmalloc.glibc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.bytes;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.filled;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.memset;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mallocsim.allocator.Allocator;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.SyscallKind;

/**
 * glibc's malloc/tst-trim1.c (glibc-2.36): 10000 mallocs of random sizes below 16 KiB, each filled,
 * then all but every 13th freed, leaving free chunks between live ones; malloc_trim (0) must then
 * give the free pages inside those chunks back (madvise MADV_DONTNEED on the unsorted bin and the
 * bins from 99 up) without breaking the heap, and it must keep working after a 30000-byte malloc.
 * glibc draws the sizes with random() unseeded; here they come from a seeded generator.
 */
@ExtendWith(HeapCheckAfterEach.class)
class TstTrim1Test {
    static final int N = 10000;

    @Test
    void mallocTrimReleasesFreePagesInsideTheHeapSeed1() {
        Allocator a = GlibcTestProcess.ptmalloc();
        AddressSpace as = a.addressSpace();
        SplittableRandom rnd = new SplittableRandom(1);
        long[] arr = new long[N];
        long[] sizes = new long[N];
        for (int i = 0; i < N; ++i) {
            sizes[i] = rnd.nextInt(16384);
            arr[i] = a.malloc(sizes[i]);
            assertThat(arr[i]).isNotZero();
            memset(a, arr[i], (int) sizes[i] & 0xff, sizes[i]);
        }
        long p = a.malloc(256);
        memset(a, p, 1, 256);
        for (int i = 0; i < N; ++i) {
            if (i % 13 != 0) {
                a.free(arr[i]);
            }
        }
        long rssBefore = as.stats().rss();
        long madvisesBefore = as.syscallCount(SyscallKind.MADVISE);

        assertThat(a.mallocTrim(0)).as("malloc_trim (0) released memory").isEqualTo(1);

        assertThat(as.syscallCount(SyscallKind.MADVISE)).isGreaterThan(madvisesBefore);
        assertThat(as.stats().rss()).isLessThan(rssBefore);
        for (int i = 0; i < N; i += 13) {
            assertThat(bytes(a, arr[i], (int) sizes[i]))
                    .as("live block %d keeps its bytes", i)
                    .isEqualTo(filled((int) sizes[i], (int) sizes[i] & 0xff));
        }
        p = a.malloc(30000);
        assertThat(p).isNotZero();
        memset(a, p, 2, 30000);
        a.mallocTrim(0);
        assertThat(bytes(a, p, 30000)).isEqualTo(filled(30000, 2));
    }
}
