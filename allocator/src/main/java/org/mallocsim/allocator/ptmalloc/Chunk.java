package org.mallocsim.allocator.ptmalloc;

import org.mallocsim.kernel.mm.AddressSpace;

/**
 * The layout of glibc's {@code struct malloc_chunk} (malloc/malloc.c) on x86-64, and the size
 * arithmetic built on it: request2size, the flag bits, and the bin and tcache index functions.
 * A chunk is a {@code long} address; its fields are read and written through the emulated MMU.
 *
 * <pre>
 *  chunk -&gt; +0   mchunk_prev_size  size of the previous chunk if it is free (else its user data)
 *           +8   mchunk_size       chunk size | NON_MAIN_ARENA 0x4 | IS_MMAPPED 0x2 | PREV_INUSE 0x1
 *  mem   -&gt; +16  fd                next free chunk (safe-linked in fastbins and the tcache)
 *           +24  bk                previous free chunk (the tcache key while in the tcache)
 *           +32  fd_nextsize       next smaller size in a largebin
 *           +40  bk_nextsize       next larger size in a largebin
 *           +48  (end of the struct; user data of an in-use chunk runs to the next chunk's +8)
 * </pre>
 */
public final class Chunk {
    /** {@code SIZE_SZ}: the width of a size field. */
    public static final int SIZE_SZ = 8;

    public static final int PREV_SIZE = 0;
    public static final int SIZE = PREV_SIZE + SIZE_SZ;
    public static final int FD = SIZE + SIZE_SZ;
    public static final int BK = FD + 8;
    public static final int FD_NEXTSIZE = BK + 8;
    public static final int BK_NEXTSIZE = FD_NEXTSIZE + 8;
    /** {@code sizeof(struct malloc_chunk)}. */
    public static final int STRUCT_SIZE = BK_NEXTSIZE + 8;

    /** {@code CHUNK_HDR_SZ}: prev_size and size, the offset from a chunk to its user memory. */
    public static final long CHUNK_HDR_SZ = FD;

    public static final long MALLOC_ALIGNMENT = 16;
    public static final long MALLOC_ALIGN_MASK = MALLOC_ALIGNMENT - 1;
    /** log2 of MALLOC_ALIGNMENT. */
    static final int MALLOC_ALIGNMENT_SHIFT = Long.numberOfTrailingZeros(MALLOC_ALIGNMENT);
    /** {@code MIN_CHUNK_SIZE} = offsetof(fd_nextsize) and {@code MINSIZE}. */
    public static final long MINSIZE = (FD_NEXTSIZE + MALLOC_ALIGN_MASK) & ~MALLOC_ALIGN_MASK;

    public static final long PREV_INUSE = 0x1;
    public static final long IS_MMAPPED = 0x2;
    public static final long NON_MAIN_ARENA = 0x4;
    public static final long SIZE_BITS = PREV_INUSE | IS_MMAPPED | NON_MAIN_ARENA;

    /** {@code PTRDIFF_MAX}: checked_request2size refuses anything larger. */
    public static final long PTRDIFF_MAX = Long.MAX_VALUE;

    public static final int NBINS = 128;
    public static final int NSMALLBINS = 64;
    public static final long MIN_LARGE_SIZE = NSMALLBINS * 16;
    public static final int NFASTBINS = 10;
    /** {@code MAX_FAST_SIZE} (80 * SIZE_SZ / 4): the largest value M_MXFAST accepts. */
    public static final long MAX_FAST_SIZE = 80L * SIZE_SZ / 4;

    public static final int TCACHE_MAX_BINS = 64;

    private Chunk() {}

    // ---- size arithmetic ---------------------------------------------------------------------

    /** Follows {@code request2size} in malloc/malloc.c: the chunk size serving {@code req} bytes. */
    public static long request2size(long req) {
        return Long.compareUnsigned(req + SIZE_SZ + MALLOC_ALIGN_MASK, MINSIZE) < 0
                ? MINSIZE
                : (req + SIZE_SZ + MALLOC_ALIGN_MASK) & ~MALLOC_ALIGN_MASK;
    }

    /**
     * Follows {@code checked_request2size}: 0 for requests above PTRDIFF_MAX (an unsigned
     * {@code size_t} negative here), which the callers turn into ENOMEM.
     */
    public static long checkedRequest2size(long req) {
        if (req < 0) {
            return 0;
        }
        return request2size(req);
    }

    /** {@code fastbin_index(sz)}. */
    public static int fastbinIndex(long sz) {
        return (int) (sz >>> 4) - 2;
    }

    /** {@code in_smallbin_range(sz)}: unsigned compare against MIN_LARGE_SIZE. */
    public static boolean inSmallbinRange(long sz) {
        return Long.compareUnsigned(sz, MIN_LARGE_SIZE) < 0;
    }

    /** {@code smallbin_index(sz)}. */
    public static int smallbinIndex(long sz) {
        return (int) (sz >>> 4);
    }

    /** {@code largebin_index_64(sz)}. */
    public static int largebinIndex(long sz) {
        if ((sz >>> 6) <= 48) {
            return 48 + (int) (sz >>> 6);
        }
        if ((sz >>> 9) <= 20) {
            return 91 + (int) (sz >>> 9);
        }
        if ((sz >>> 12) <= 10) {
            return 110 + (int) (sz >>> 12);
        }
        if ((sz >>> 15) <= 4) {
            return 119 + (int) (sz >>> 15);
        }
        if ((sz >>> 18) <= 2) {
            return 124 + (int) (sz >>> 18);
        }
        return 126;
    }

    /** {@code bin_index(sz)}: the smallbin or largebin a free chunk of this size belongs in. */
    public static int binIndex(long sz) {
        return inSmallbinRange(sz) ? smallbinIndex(sz) : largebinIndex(sz);
    }

    /**
     * {@code csize2tidx(x)}: the tcache bin of a chunk size, glibc's unsigned division by the
     * alignment as the logical shift it is.
     */
    public static long csize2tidx(long csize) {
        return (csize - MINSIZE + MALLOC_ALIGNMENT - 1) >>> MALLOC_ALIGNMENT_SHIFT;
    }

    /** {@code tidx2usize(idx)}: the largest request a tcache bin serves. */
    public static long tidx2usize(long idx) {
        return idx * MALLOC_ALIGNMENT + MINSIZE - SIZE_SZ;
    }

    /** {@code usize2tidx(x)}: the tcache bin of a request size. */
    public static long usize2tidx(long bytes) {
        return csize2tidx(request2size(bytes));
    }

    /** {@code set_max_fast(s)}: the global_max_fast value for an M_MXFAST request. */
    public static long maxFastFor(long s) {
        return s <= SIZE_SZ - 1 ? MINSIZE / 2 : (s + SIZE_SZ) & ~MALLOC_ALIGN_MASK;
    }

    /** {@code chunk2mem}. */
    public static long chunk2mem(long p) {
        return p + CHUNK_HDR_SZ;
    }

    /** {@code mem2chunk}. */
    public static long mem2chunk(long mem) {
        return mem - CHUNK_HDR_SZ;
    }

    /** {@code misaligned_chunk(p)} / {@code !aligned_OK(m)}. */
    public static boolean misaligned(long p) {
        return (p & MALLOC_ALIGN_MASK) != 0;
    }

    /** {@code PROTECT_PTR(pos, ptr)}: safe-linking of a pointer stored at {@code pos}. */
    public static long protectPtr(long pos, long ptr) {
        return (pos >>> 12) ^ ptr;
    }

    /** {@code REVEAL_PTR}: the inverse of {@link #protectPtr} for the value stored at {@code pos}. */
    public static long revealPtr(long pos, long stored) {
        return (pos >>> 12) ^ stored;
    }

    // ---- field access through the MMU ----------------------------------------------------------

    /** {@code chunksize_nomask(p)}: the raw size word with its flag bits. */
    public static long sizeNomask(AddressSpace as, long p) {
        return as.load64(p + SIZE);
    }

    /** {@code chunksize(p)}. */
    public static long chunksize(AddressSpace as, long p) {
        return as.load64(p + SIZE) & ~SIZE_BITS;
    }

    /** {@code prev_size(p)}. */
    public static long prevSize(AddressSpace as, long p) {
        return as.load64(p + PREV_SIZE);
    }

    public static void setPrevSize(AddressSpace as, long p, long v) {
        as.store64(p + PREV_SIZE, v);
    }

    /** {@code set_head(p, s)}. */
    public static void setHead(AddressSpace as, long p, long s) {
        as.store64(p + SIZE, s);
    }

    /** {@code set_head_size(p, s)}: a new size, the flag bits kept. */
    public static void setHeadSize(AddressSpace as, long p, long s) {
        as.store64(p + SIZE, (as.load64(p + SIZE) & SIZE_BITS) | s);
    }

    /** {@code set_foot(p, s)}: the next chunk's prev_size. */
    public static void setFoot(AddressSpace as, long p, long s) {
        as.store64(p + s + PREV_SIZE, s);
    }

    public static boolean prevInuse(AddressSpace as, long p) {
        return (as.load64(p + SIZE) & PREV_INUSE) != 0;
    }

    public static boolean isMmapped(AddressSpace as, long p) {
        return (as.load64(p + SIZE) & IS_MMAPPED) != 0;
    }

    /** {@code chunk_main_arena(p)}: the NON_MAIN_ARENA bit is clear. */
    public static boolean isMainArena(AddressSpace as, long p) {
        return (as.load64(p + SIZE) & NON_MAIN_ARENA) == 0;
    }

    /** {@code inuse_bit_at_offset(p, s)}. */
    public static boolean inuseBitAtOffset(AddressSpace as, long p, long s) {
        return (as.load64(p + s + SIZE) & PREV_INUSE) != 0;
    }

    /** {@code set_inuse_bit_at_offset(p, s)}. */
    public static void setInuseBitAtOffset(AddressSpace as, long p, long s) {
        long a = p + s + SIZE;
        as.store64(a, as.load64(a) | PREV_INUSE);
    }

    /** {@code clear_inuse_bit_at_offset(p, s)}. */
    public static void clearInuseBitAtOffset(AddressSpace as, long p, long s) {
        long a = p + s + SIZE;
        as.store64(a, as.load64(a) & ~PREV_INUSE);
    }

    /** {@code inuse(p)}: this chunk is in use as its successor records. */
    public static boolean inuse(AddressSpace as, long p) {
        return inuseBitAtOffset(as, p, chunksize(as, p));
    }

    public static long fd(AddressSpace as, long p) {
        return as.load64(p + FD);
    }

    public static long bk(AddressSpace as, long p) {
        return as.load64(p + BK);
    }

    public static void setFd(AddressSpace as, long p, long v) {
        as.store64(p + FD, v);
    }

    public static void setBk(AddressSpace as, long p, long v) {
        as.store64(p + BK, v);
    }

    public static long fdNextsize(AddressSpace as, long p) {
        return as.load64(p + FD_NEXTSIZE);
    }

    public static long bkNextsize(AddressSpace as, long p) {
        return as.load64(p + BK_NEXTSIZE);
    }

    public static void setFdNextsize(AddressSpace as, long p, long v) {
        as.store64(p + FD_NEXTSIZE, v);
    }

    public static void setBkNextsize(AddressSpace as, long p, long v) {
        as.store64(p + BK_NEXTSIZE, v);
    }
}
