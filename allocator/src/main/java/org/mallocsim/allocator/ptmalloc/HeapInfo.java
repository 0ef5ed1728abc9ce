package org.mallocsim.allocator.ptmalloc;

/**
 * The layout of glibc's {@code heap_info} (malloc/arena.c): the header of each 64 MiB-aligned
 * heap of a thread arena; {@code heap_for_ptr(p)} is p rounded down to HEAP_MAX_SIZE.
 *
 * <pre>
 *  0x00  mstate ar_ptr          the arena owning this heap
 *  0x08  heap_info *prev        the arena's previous heap (NULL for its first)
 *  0x10  size_t size            bytes in use, from the header on
 *  0x18  size_t mprotect_size   bytes made PROT_READ|PROT_WRITE
 *  0x20  size_t pagesize        the page size the heap was made with
 *  0x28  char pad[8]            keeps sizeof a multiple of MALLOC_ALIGNMENT
 *  0x30  (end; the first heap of an arena holds its malloc_state here)
 * </pre>
 */
final class HeapInfo {
    static final int AR_PTR = 0;
    static final int PREV = AR_PTR + 8;
    static final int SIZE = PREV + 8;
    static final int MPROTECT_SIZE = SIZE + 8;
    static final int PAGESIZE = MPROTECT_SIZE + 8;
    static final int PAD = PAGESIZE + 8;
    /** {@code sizeof(heap_info)}. */
    static final int STRUCT_SIZE = PAD + 8;

    private HeapInfo() {}

    /** {@code heap_for_ptr(p)}. */
    static long heapForPtr(long p) {
        return p & ~(MallocContext.HEAP_MAX_SIZE - 1);
    }
}
