package org.mallocsim.allocator.ptmalloc.glibc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.memset;

import java.util.function.ToLongBiFunction;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mallocsim.allocator.Allocator;
import org.mallocsim.allocator.MallocAbort;

/**
 * glibc's malloc/tst-safe-linking.c (glibc-2.36): a tcache or fastbin list whose head's next pointer
 * was overwritten with a byte pattern is caught by safe-linking when the pointer is revealed
 * ({@code REVEAL_PTR}: the field's address shifted right by 12, xor the stored word) and comes out
 * misaligned. glibc draws the pattern at random and retries, because 1 in 16 patterns reveals an
 * aligned pointer; here the run is deterministic, so each of the 256 byte patterns is tried in a
 * fresh process: where the revealed pointer is misaligned the exact abort must come, and the
 * other patterns (which would dereference the forged pointer) are skipped as glibc skips them.
 */
@ExtendWith(HeapCheckAfterEach.class)
class TstSafeLinkingTest {
    static final int TCACHE_FILL_COUNT = 7;
    static final long TCACHE_ALLOC_SIZE = 0x20;
    static final long MALLOC_CONSOLIDATE_SIZE = 256 * 1024;

    @ParameterizedTest(name = "mask 0x{0}")
    @ValueSource(strings = {"00", "01", "0f", "10", "5a", "a5", "c3", "ff"})
    void aCorruptedTcacheListIsCaughtWhenItsHeadIsTaken(String hex) {
        int mask = Integer.parseInt(hex, 16);
        check(
                mask,
                "malloc(): unaligned tcache chunk detected",
                (a, c) -> {
                    a.malloc(TCACHE_ALLOC_SIZE); // returns c, and reveals c's next as the new head
                    return a.malloc(TCACHE_ALLOC_SIZE);
                },
                TstSafeLinkingTest::populateTcache);
    }

    @ParameterizedTest(name = "mask 0x{0}")
    @ValueSource(strings = {"00", "01", "0f", "10", "5a", "a5", "c3", "ff"})
    void aCorruptedFastbinListIsCaughtWhenItsHeadIsTaken(String hex) {
        int mask = Integer.parseInt(hex, 16);
        check(
                mask,
                "malloc(): unaligned fastbin chunk detected 2",
                (a, c) -> {
                    a.calloc(1, TCACHE_ALLOC_SIZE);
                    return a.calloc(1, TCACHE_ALLOC_SIZE);
                },
                TstSafeLinkingTest::populateFastbin);
    }

    @ParameterizedTest(name = "mask 0x{0}")
    @ValueSource(strings = {"00", "01", "0f", "10", "5a", "a5", "c3", "ff"})
    void aCorruptedFastbinListIsCaughtByMallocConsolidate(String hex) {
        int mask = Integer.parseInt(hex, 16);
        check(
                mask,
                "malloc_consolidate(): unaligned fastbin chunk detected",
                (a, c) -> a.malloc(MALLOC_CONSOLIDATE_SIZE),
                TstSafeLinkingTest::populateFastbin);
    }

    /** a, b, c freed into the tcache; returns c, the bin's head. */
    private static long populateTcache(Allocator a) {
        long pa = a.malloc(TCACHE_ALLOC_SIZE);
        long pb = a.malloc(TCACHE_ALLOC_SIZE);
        long pc = a.malloc(TCACHE_ALLOC_SIZE);
        a.free(pa);
        a.free(pb);
        a.free(pc);
        return pc;
    }

    /** The tcache bin filled with seven other chunks, then a, b, c freed into the fastbin; returns c. */
    private static long populateFastbin(Allocator a) {
        for (int i = 0; i < TCACHE_FILL_COUNT; ++i) {
            a.free(a.calloc(1, TCACHE_ALLOC_SIZE));
        }
        long pa = a.calloc(1, TCACHE_ALLOC_SIZE);
        long pb = a.calloc(1, TCACHE_ALLOC_SIZE);
        long pc = a.calloc(1, TCACHE_ALLOC_SIZE);
        a.free(pa);
        a.free(pb);
        a.free(pc);
        return pc;
    }

    private static void check(
            int mask, String expected, ToLongBiFunction<Allocator, Long> trigger, ToLongFunction<Allocator> populate) {
        Allocator a = GlibcTestProcess.ptmalloc();
        long c = populate.applyAsLong(a);
        memset(a, c, mask, TCACHE_ALLOC_SIZE); // the list pointer at c+0 becomes mask repeated
        HeapCheckAfterEach.corrupted(a);
        long stored = 0x0101010101010101L * mask;
        long revealed = (c >>> 12) ^ stored;
        if ((revealed & 15) == 0) {
            return; // an aligned forged pointer: glibc's test retries with another pattern
        }

        Throwable t = catchThrowable(() -> trigger.applyAsLong(a, c));

        assertThat(t)
                .as("corruption with mask 0x%02x (revealed 0x%x) not detected", mask, revealed)
                .isInstanceOf(MallocAbort.class);
        assertThat(((MallocAbort) t).glibcMessage()).isEqualTo(expected);
    }
}
