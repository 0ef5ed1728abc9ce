package org.mallocsim.allocator;

/**
 * An allocator whose heap can be walked and checked, as glibc's {@code do_check_malloc_state}
 * walks its chunks and bins. The contract suite runs {@link #checkHeap()} after every test of a
 * policy that offers it.
 */
public interface HeapCheck {
    /**
     * Walks every block, free list and index of the heap.
     *
     * @throws IllegalStateException naming the first broken invariant and its address
     */
    void checkHeap();
}
