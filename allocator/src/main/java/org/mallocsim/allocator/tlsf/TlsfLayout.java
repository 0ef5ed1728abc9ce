package org.mallocsim.allocator.tlsf;

/**
 * TLSF's index in the state pages (Masmano, Ripoll, Crespo and Real, "TLSF: a new dynamic memory
 * allocator for real-time systems", ECRTS 2004, section 4): a first-level bitmap of size classes
 * by power of two, a second-level bitmap per first-level class splitting it into
 * {@value #SL_COUNT} linear ranges, and a free-list head per (first, second) pair. Sizes below
 * {@value #SMALL_BLOCK} bytes share first-level class 0, split into 16-byte steps, as the
 * reference implementations do.
 *
 * <pre>
 * index (from BoundaryTagHeap.INDEX)
 *  offset                    field
 *    0                       flBitmap        bit f: some list of class f is non-empty
 *    8                       slBitmap[0..FL_COUNT)   bit s of word f: list (f, s) is non-empty
 *    8 + 8 * FL_COUNT        heads[f][s]     first free chunk of list (f, s), 0 if none
 *    ... + 8 * FL_COUNT * SL_COUNT  (end: INDEX_BYTES)
 * </pre>
 * Free chunks are {@link org.mallocsim.allocator.common.TagChunk}s linked through fd and bk.
 */
final class TlsfLayout {
    private TlsfLayout() {}

    /** log2 of the second-level count (the paper's SLI). */
    static final int SL_LOG2 = 4;

    static final int SL_COUNT = 1 << SL_LOG2;
    static final int ALIGN_LOG2 = 4;
    /** log2 of the smallest size with a first level of its own. */
    static final int FL_SHIFT = SL_LOG2 + ALIGN_LOG2;

    static final long SMALL_BLOCK = 1L << FL_SHIFT;
    /** First-level classes: 0 for the small blocks, then one per power of two up to 2^47. */
    static final int FL_COUNT = 47 - FL_SHIFT + 2;

    static final int FL_BITMAP = 0;
    static final int SL_BITMAP = FL_BITMAP + 8;
    static final int HEADS = SL_BITMAP + 8 * FL_COUNT;
    static final int INDEX_BYTES = HEADS + 8 * FL_COUNT * SL_COUNT;

    static int slBitmapOffset(int fl) {
        return SL_BITMAP + 8 * fl;
    }

    static int headOffset(int fl, int sl) {
        return HEADS + 8 * (fl * SL_COUNT + sl);
    }

    /**
     * The paper's {@code mapping_insert}: the list (first level in the high 32 bits, second level
     * in the low) a free chunk of {@code size} belongs to.
     */
    static long mappingInsert(long size) {
        if (size < SMALL_BLOCK) {
            return size >>> ALIGN_LOG2;
        }
        int fl = 63 - Long.numberOfLeadingZeros(size);
        long sl = (size >>> (fl - SL_LOG2)) ^ SL_COUNT;
        return ((long) (fl - FL_SHIFT + 1) << 32) | sl;
    }

    /**
     * The paper's {@code mapping_search}: the first list whose every chunk holds {@code size}
     * (the size rounded up to the next second-level boundary), so the search is one bitmap step.
     */
    static long mappingSearch(long size) {
        if (size >= SMALL_BLOCK) {
            size += (1L << (63 - Long.numberOfLeadingZeros(size) - SL_LOG2)) - 1;
        }
        return mappingInsert(size);
    }

    static int fl(long mapping) {
        return (int) (mapping >>> 32);
    }

    static int sl(long mapping) {
        return (int) mapping;
    }
}
