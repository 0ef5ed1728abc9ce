package org.mallocsim.allocator.common;

/**
 * The bytes {@link PolicyAllocator} itself keeps in emulated memory: the first words of the
 * policy's state page (a page of its own from mmap, as glibc's {@code main_arena} lives in libc's
 * data), and the header of a block it mmapped for a large request, which every policy shares.
 *
 * <pre>
 * state page                                mmapped block (region r, page-aligned)
 *  offset  field                              offset  field
 *    0     mmappedBlocks   live mmapped        p - 16  r, the region's first byte
 *    8     mmappedBytes    their regions       p - 8   length of the region | MMAPPED (0x2)
 *   16     maxMmappedBytes high-water mark     p       user data ... r + length
 *   24     mmapThreshold   M_MMAP_THRESHOLD    (p = r + 16, or the first aligned address past it)
 *   32     the policy's own state (SUBCLASS)   aligned block (memalign's over-allocation)
 *  4096    (end; more pages if asked) p - 8   offset back to the real block | ALIGNED (0x4)
 * </pre>
 *
 * Every policy with a word below its blocks keeps bits 1 and 2 of that word clear, so the word at
 * {@code p - 8} tells the three kinds apart before the policy is asked.
 */
public final class PolicyLayout {
    private PolicyLayout() {}

    public static final int MMAPPED_BLOCKS = 0;
    public static final int MMAPPED_BYTES = MMAPPED_BLOCKS + 8;
    public static final int MAX_MMAPPED_BYTES = MMAPPED_BYTES + 8;
    public static final int MMAP_THRESHOLD = MAX_MMAPPED_BYTES + 8;
    /** Where the policy's own fields start in the state page. */
    public static final int SUBCLASS = MMAP_THRESHOLD + 8;

    /** Header bit: the block is a region of its own from mmap. */
    public static final long MMAPPED = 0x2;
    /** Header bit: the word is an offset back to the block memalign over-allocated. */
    public static final long ALIGNED = 0x4;

    public static final long FLAG_BITS = 0xf;
    /** Bytes in front of the user data of an mmapped block. */
    public static final long MMAP_HEADER = 16;

    /** Where the region start of the mmapped block of {@code p} is stored. */
    public static long regionOffset(long p) {
        return p - MMAP_HEADER;
    }

    /** The header word below user pointer {@code p}. */
    public static long headerOffset(long p) {
        return p - 8;
    }
}
