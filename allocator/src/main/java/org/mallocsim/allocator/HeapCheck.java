package org.mallocsim.allocator;

/**
 * A policy that can verify its own heap, as glibc's {@code do_check_malloc_state} (malloc/malloc.c,
 * compiled in with {@code MALLOC_DEBUG}) walks every chunk and bin. The contract suite calls it
 * after every test and during its random sequences; a policy without one is checked only from
 * outside.
 */
public interface HeapCheck {
    /**
     * Walks the heap and checks every invariant the policy keeps.
     *
     * @throws IllegalStateException describing the first broken invariant and where
     */
    void checkHeap();
}
