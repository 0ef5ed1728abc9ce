package org.mallocsim.allocator.bump;

import org.mallocsim.allocator.ptmalloc.Chunk;

/**
 * The bytes of the bump allocator's two structures in emulated memory: its state, in a page of
 * its own (as glibc's {@code main_arena} lives in libc's data, not in the heap), and its chunks,
 * laid out as glibc's (malloc/malloc.c, "malloc_chunk details") so their size words read the same.
 *
 * <pre>
 * state (one mmapped page)             chunk c (16-aligned)
 *  offset  field                         offset  field
 *    0     top        next chunk here      0     prev_size  never written: the previous
 *    8     end        end of the region                     chunk's last usable 8 bytes
 *   16     flags      bit 0 NONCONTIGUOUS  8     size | FREED 0x8 | PREV_INUSE 0x1
 *   24     systemBytes from brk and mmap  16     user data (mem = c + 16) ...
 *   32     inUseBytes  live chunk sizes          ... up to c + size + 8, the next
 *   40     freedBytes  freed chunk sizes         chunk's prev_size included
 *   48     liveChunks
 *   56     freedChunks
 *   64     regions     mmapped regions
 *   72     heapStart   first chunk of the brk heap
 *   80     brkTop      where the brk heap's chunks end (top, until brk fails)
 *   88     (end)
 * </pre>
 *
 * Sizes are multiples of 16, so the low four bits of the size word are flags: glibc's PREV_INUSE
 * (always set: a bump chunk never merges with its neighbour), and bit 3, which glibc leaves unused,
 * as FREED. The gap an aligned allocation leaves before its chunk is written as a FREED chunk of
 * its own (16 bytes at least), so the brk heap can be walked chunk by chunk.
 */
final class BumpLayout {
    private BumpLayout() {}

    static final int TOP = 0;
    static final int END = TOP + 8;
    static final int FLAGS = END + 8;
    static final int SYSTEM_BYTES = FLAGS + 8;
    static final int IN_USE_BYTES = SYSTEM_BYTES + 8;
    static final int FREED_BYTES = IN_USE_BYTES + 8;
    static final int LIVE_CHUNKS = FREED_BYTES + 8;
    static final int FREED_CHUNKS = LIVE_CHUNKS + 8;
    static final int REGIONS = FREED_CHUNKS + 8;
    static final int HEAP_START = REGIONS + 8;
    static final int BRK_TOP = HEAP_START + 8;
    static final int STATE_SIZE = BRK_TOP + 8;

    /** {@code flags} bit: brk failed once, so regions now come from mmap (glibc's NONCONTIGUOUS_BIT). */
    static final long NONCONTIGUOUS = 1;

    static final int PREV_SIZE = 0;
    static final int SIZE = PREV_SIZE + 8;
    /** Where user data starts: glibc's {@code CHUNK_HDR_SZ}. */
    static final int MEM = SIZE + 8;

    static final long PREV_INUSE = 0x1;
    static final long FREED = 0x8;
    static final long FLAG_BITS = 0xf;
    /** glibc's {@code MINSIZE} and {@code MALLOC_ALIGNMENT}. */
    static final long MIN_CHUNK = 32;

    static final long ALIGNMENT = 16;

    static long sizeOffset(long chunk) {
        return chunk + SIZE;
    }

    static long chunk2mem(long chunk) {
        return chunk + MEM;
    }

    static long mem2chunk(long mem) {
        return mem - MEM;
    }

    /** The size field of a size word. */
    static long chunksize(long sizeWord) {
        return sizeWord & ~FLAG_BITS;
    }

    /**
     * glibc's {@code request2size}: the chunk that holds {@code req} bytes, its size word's 8
     * bytes included and the next chunk's prev_size lent (malloc/malloc.c).
     */
    static long request2size(long req) {
        return Chunk.request2size(req);
    }

    /** Bytes the caller may use in a chunk of {@code size}: glibc's {@code memsize} for a non-mmapped chunk. */
    static long usable(long size) {
        return size - 8;
    }
}
