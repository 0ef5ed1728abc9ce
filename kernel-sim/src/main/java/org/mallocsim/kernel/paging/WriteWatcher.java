package org.mallocsim.kernel.paging;

/**
 * Told of every write into a watched range ({@link Mmu#watchWrites}), after the bytes are in
 * memory: a store of any width, a memset, a memmove or a copy from the host. Stores to a watched
 * page leave the TLB's hit path for its slow one, so a watch is for a few words that something
 * keeps a copy of, never for hot data.
 */
@FunctionalInterface
public interface WriteWatcher {
    /** {@code length} bytes from {@code vaddr} were written; they may extend past the watched range. */
    void written(long vaddr, long length);
}
