package org.mallocsim.allocator.ptmalloc;

/**
 * The layout of glibc's {@code struct malloc_state} (an arena, malloc/malloc.c) on x86-64. The
 * main arena lives in libc's data segment; other arenas sit right after their first heap_info.
 *
 * <pre>
 *  0x000  int   mutex
 *  0x004  int   flags              NONCONTIGUOUS_BIT 0x2
 *  0x008  int   have_fastchunks
 *  0x00c  (pad)
 *  0x010  mchunkptr fastbinsY[10]  safe-linked LIFO lists, chunks 0x20..0xb0
 *  0x060  mchunkptr top            bin_at(1) starts 16 bytes earlier: 0x60 is the unsorted bin's "fd" - 16
 *  0x068  mchunkptr last_remainder
 *  0x070  mchunkptr bins[254]      fd/bk pairs of bins 1..127; bin_at(i) = &amp;bins[2(i-1)] - 16
 *  0x860  unsigned binmap[4]
 *  0x870  malloc_state *next
 *  0x878  malloc_state *next_free
 *  0x880  size_t attached_threads
 *  0x888  size_t system_mem
 *  0x890  size_t max_system_mem
 *  0x898  (end)
 * </pre>
 */
final class MallocState {
    static final int MUTEX = 0;
    static final int FLAGS = MUTEX + 4;
    static final int HAVE_FASTCHUNKS = FLAGS + 4;
    static final int FASTBINS_Y = HAVE_FASTCHUNKS + 4 + 4;
    static final int TOP = FASTBINS_Y + Chunk.NFASTBINS * 8;
    static final int LAST_REMAINDER = TOP + 8;
    static final int BINS = LAST_REMAINDER + 8;
    static final int BINMAPSIZE = 4;
    static final int BINMAP = BINS + (Chunk.NBINS * 2 - 2) * 8;
    static final int NEXT = BINMAP + BINMAPSIZE * 4;
    static final int NEXT_FREE = NEXT + 8;
    static final int ATTACHED_THREADS = NEXT_FREE + 8;
    static final int SYSTEM_MEM = ATTACHED_THREADS + 8;
    static final int MAX_SYSTEM_MEM = SYSTEM_MEM + 8;
    /** {@code sizeof(struct malloc_state)}. */
    static final int SIZE = MAX_SYSTEM_MEM + 8;

    /** {@code NONCONTIGUOUS_BIT}: MORECORE does not return contiguous regions. */
    static final int NONCONTIGUOUS_BIT = 2;

    static final int BINMAPSHIFT = 5;

    private MallocState() {}

    /** {@code bin_at(m, i)}: the fake chunk whose fd/bk are bin i's pair in bins[]. */
    static long binAt(long av, int i) {
        return av + BINS + (long) (i - 1) * 16 - Chunk.FD;
    }

    /** {@code unsorted_chunks(av)} = bin_at(av, 1). */
    static long unsortedChunks(long av) {
        return binAt(av, 1);
    }

    /** The address of {@code fastbinsY[idx]}. */
    static long fastbin(long av, int idx) {
        return av + FASTBINS_Y + (long) idx * 8;
    }

    /** The address of the binmap word holding bin i's bit ({@code idx2block}). */
    static long binmapWord(long av, int block) {
        return av + BINMAP + (long) block * 4;
    }

    /** {@code idx2bit(i)}. */
    static int idx2bit(int i) {
        return 1 << (i & ((1 << BINMAPSHIFT) - 1));
    }

    /** {@code idx2block(i)}. */
    static int idx2block(int i) {
        return i >>> BINMAPSHIFT;
    }
}
