package org.mallocsim.allocator.segfit;

/**
 * The segregated-fits index of dlmalloc 2.8.6 ({@code malloc_state}'s smallmap, treemap, smallbins
 * and treebins) in the state page, and the extra words of a free chunk filed in a tree
 * ({@code malloc_tree_chunk}).
 *
 * <pre>
 * index (from BoundaryTagHeap.INDEX)            free tree chunk t (size &gt;= 256)
 *  offset  field                                  offset  field
 *    0     smallmap  bit i: smallbin i non-empty    8     size word (TagChunk)
 *    8     treemap   bit i: treebin i non-empty    16     fd  ring of chunks of the same size
 *   16     smallbins[16]: head of the LIFO list    24     bk
 *          of free chunks of size 16 * i           32     child[0]  subtree whose next size bit is 0
 *  144     treebins[32]: root of the trie of       40     child[1]  subtree whose next size bit is 1
 *          sizes [minsize(i), minsize(i + 1))      48     parent    0 for a ring member; for a root,
 *  400     (end: INDEX_BYTES)                                       the address of its treebin slot
 *                                                  56     index     the treebin it is filed in
 * </pre>
 */
final class SegLayout {
    private SegLayout() {}

    static final int NSMALLBINS = 16;
    static final int NTREEBINS = 32;
    /** dlmalloc's {@code TREEBIN_SHIFT}: sizes from 256 go to the trees. */
    static final int TREEBIN_SHIFT = 8;

    static final long MIN_LARGE_SIZE = 1L << TREEBIN_SHIFT;

    static final int SMALLMAP = 0;
    static final int TREEMAP = SMALLMAP + 8;
    static final int SMALLBINS = TREEMAP + 8;
    static final int TREEBINS = SMALLBINS + 8 * NSMALLBINS;
    static final int INDEX_BYTES = TREEBINS + 8 * NTREEBINS;

    static final int CHILD0 = 32;
    static final int CHILD1 = CHILD0 + 8;
    static final int PARENT = CHILD1 + 8;
    static final int TINDEX = PARENT + 8;

    /** dlmalloc's {@code small_index}: chunks of 16 * i bytes, i &lt; 16. */
    static int smallIndex(long size) {
        return (int) (size >>> 4);
    }

    /** dlmalloc's {@code compute_tree_index}: two bins per power of two from 256 bytes, the last one open-ended. */
    static int treeIndex(long size) {
        long x = size >>> TREEBIN_SHIFT;
        if (x == 0) {
            return 0;
        }
        if (x > 0xFFFF) {
            return NTREEBINS - 1;
        }
        int k = 63 - Long.numberOfLeadingZeros(x);
        return (k << 1) + (int) ((size >>> (k + TREEBIN_SHIFT - 1)) & 1);
    }

    /** dlmalloc's {@code minsize_for_tree_index}. */
    static long minsizeForTreeIndex(int i) {
        return (1L << ((i >>> 1) + TREEBIN_SHIFT)) | ((long) (i & 1) << ((i >>> 1) + TREEBIN_SHIFT - 1));
    }

    /** dlmalloc's {@code leftshift_for_tree_index}: puts the first size bit that branches in bit 63. */
    static int leftshiftForTreeIndex(int i) {
        return i == NTREEBINS - 1 ? 0 : 63 - ((i >>> 1) + TREEBIN_SHIFT - 2);
    }
}
