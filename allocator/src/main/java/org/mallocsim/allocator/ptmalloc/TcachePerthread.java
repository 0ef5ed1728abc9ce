package org.mallocsim.allocator.ptmalloc;

/**
 * The layout of glibc's {@code tcache_perthread_struct} and {@code tcache_entry}
 * (malloc/malloc.c). The struct is the user memory of the first chunk a thread allocates.
 *
 * <pre>
 *  tcache_perthread_struct                 tcache_entry (over a cached chunk's user memory)
 *  0x000  uint16_t counts[64]              mem+0  next   PROTECT_PTR(&amp;next, older entry)
 *  0x080  tcache_entry *entries[64]        mem+8  key    tcache_key while cached, 0 once taken
 *  0x280  (end)                            mem+16 (end)
 * </pre>
 */
final class TcachePerthread {
    static final int COUNTS = 0;
    static final int ENTRIES = COUNTS + Chunk.TCACHE_MAX_BINS * 2;
    /** {@code sizeof(tcache_perthread_struct)}. */
    static final int SIZE = ENTRIES + Chunk.TCACHE_MAX_BINS * 8;

    static final int ENTRY_NEXT = 0;
    static final int ENTRY_KEY = ENTRY_NEXT + 8;
    static final int ENTRY_SIZE = ENTRY_KEY + 8;

    private TcachePerthread() {}

    static long countAddr(long tcache, long idx) {
        return tcache + COUNTS + idx * 2;
    }

    static long entryAddr(long tcache, long idx) {
        return tcache + ENTRIES + idx * 8;
    }
}
