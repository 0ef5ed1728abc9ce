package org.mallocsim.allocator.pages;

import org.mallocsim.allocator.common.PolicyLayout;

/**
 * The size-class page allocator's bytes, after mimalloc (Leijen, Zorn and de Moura, "Mimalloc:
 * Free List Sharding in Action", APLAS 2019, sections 2 and 3; src/segment.c, src/page.c): 4 MiB
 * segments aligned to 4 MiB, cut into 64 KiB pages of one size class each; a page's descriptor
 * sits in its segment's first page, so a pointer finds it by masking; objects carry no header.
 *
 * <pre>
 * state (from PolicyLayout.SUBCLASS)                 page descriptor (64 bytes, at segment + 64 * i)
 *  offset  field                                       offset  field
 *    +0    segmentCount                                  0     blockSize  0: the page is unused
 *    +8    freePages     head of the unused pages        8     free       first free object, linked
 *   +16    inUseBytes    blocks handed out                                through its first word
 *   +24    pagesInUse                                   16     used       live objects
 *   +32    segments[MAX_SEGMENTS]  bases                24     capacity   objects carved so far
 *   ...    heaps[MAX_HEAPS], each:                      32     flags      bit 0: in its heap's queue
 *            +0 tid (0: slot free)                      40     heap       owning heap's address
 *            +8 queue[CLASSES]: page with free room     48     next       in the queue, or the pool
 *                                                       56     prev
 * a free object o: o + 0 next free object, o + 8 o ^ FREE_KEY (as glibc's tcache key, for double frees)
 * </pre>
 */
final class PagesLayout {
    private PagesLayout() {}

    static final int SEGMENT_SHIFT = 22;
    static final long SEGMENT = 1L << SEGMENT_SHIFT;
    static final int PAGE_SHIFT = 16;
    static final long PAGE_BYTES = 1L << PAGE_SHIFT;
    static final int PAGES_PER_SEGMENT = (int) (SEGMENT / PAGE_BYTES);
    /** The largest request served from pages; larger ones get a region from mmap. */
    static final long MAX_SMALL = 8192;

    static final int CLASSES = 32;
    static final int MAX_SEGMENTS = 1024;
    static final int MAX_HEAPS = 64;

    static final int SEGMENT_COUNT = PolicyLayout.SUBCLASS;
    static final int FREE_PAGES = SEGMENT_COUNT + 8;
    static final int IN_USE_BYTES = FREE_PAGES + 8;
    static final int PAGES_IN_USE = IN_USE_BYTES + 8;
    static final int SEGMENTS = PAGES_IN_USE + 8;
    static final int HEAPS = SEGMENTS + 8 * MAX_SEGMENTS;
    static final int HEAP_TID = 0;
    static final int HEAP_QUEUES = 8;
    static final int HEAP_SIZE = HEAP_QUEUES + 8 * CLASSES;
    static final int STATE_SIZE = HEAPS + HEAP_SIZE * MAX_HEAPS;

    static final int DESC_SIZE = 64;
    static final int BLOCK_SIZE = 0;
    static final int FREE = 8;
    static final int USED = 16;
    static final int CAPACITY = 24;
    static final int FLAGS = 32;
    static final int HEAP = 40;
    static final int NEXT = 48;
    static final int PREV = 56;
    static final long IN_QUEUE = 1;
    /** Stored in a free object's second word, XORed with its address. */
    static final long FREE_KEY = 0x5a17_c0de_0bad_f00dL;

    /**
     * The size class of a request: 16-byte steps up to 128 bytes, then four classes per power of
     * two (mimalloc's bins, {@code _mi_bin}, on a 16-byte grid), so no class wastes more than 25%.
     */
    static int sizeClass(long n) {
        if (n <= 128) {
            return n <= 16 ? 0 : (int) ((n + 15) >>> 4) - 1;
        }
        int k = 63 - Long.numberOfLeadingZeros(n - 1);
        long step = 1L << (k - 2);
        int sub = (int) ((n - (1L << k) + step - 1) / step);
        return 8 + (k - 7) * 4 + sub - 1;
    }

    /** The block size of class {@code i}. */
    static long classSize(int i) {
        if (i < 8) {
            return 16L * (i + 1);
        }
        int g = (i - 8) / 4;
        int s = (i - 8) % 4 + 1;
        return (1L << (g + 7)) + ((long) s << (g + 5));
    }
}
