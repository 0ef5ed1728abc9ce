package org.mallocsim.allocator.segfit;

import static org.mallocsim.allocator.common.TagChunk.bkOffset;
import static org.mallocsim.allocator.common.TagChunk.chunksize;
import static org.mallocsim.allocator.common.TagChunk.fdOffset;
import static org.mallocsim.allocator.common.TagChunk.sizeOffset;
import static org.mallocsim.allocator.segfit.SegLayout.CHILD0;
import static org.mallocsim.allocator.segfit.SegLayout.CHILD1;
import static org.mallocsim.allocator.segfit.SegLayout.MIN_LARGE_SIZE;
import static org.mallocsim.allocator.segfit.SegLayout.NSMALLBINS;
import static org.mallocsim.allocator.segfit.SegLayout.NTREEBINS;
import static org.mallocsim.allocator.segfit.SegLayout.PARENT;
import static org.mallocsim.allocator.segfit.SegLayout.SMALLBINS;
import static org.mallocsim.allocator.segfit.SegLayout.SMALLMAP;
import static org.mallocsim.allocator.segfit.SegLayout.TINDEX;
import static org.mallocsim.allocator.segfit.SegLayout.TREEBINS;
import static org.mallocsim.allocator.segfit.SegLayout.TREEMAP;
import static org.mallocsim.allocator.segfit.SegLayout.leftshiftForTreeIndex;
import static org.mallocsim.allocator.segfit.SegLayout.smallIndex;
import static org.mallocsim.allocator.segfit.SegLayout.treeIndex;

import java.util.Map;
import org.mallocsim.allocator.common.BoundaryTagHeap;
import org.mallocsim.kernel.mm.AddressSpace;

/**
 * Segregated fits in the manner of dlmalloc 2.8.6 (Doug Lea, malloc.c; Wilson et al. 1995, section
 * 3.5, "segregated fits"): chunks below 256 bytes in exact-size LIFO bins found through a bitmap,
 * larger ones in 32 bitwise tries keyed on their size bits ({@code insert_large_chunk},
 * {@code unlink_large_chunk}, {@code tmalloc_large}, {@code tmalloc_small}), so every search is
 * best fit in logarithmic time. Unlike dlmalloc, the heap's tail is a free chunk like any other
 * (no separate top) and there is no designated victim, so the policy is pure best fit by bins;
 * growth, trimming and bad input are {@link BoundaryTagHeap}'s. The index is {@link SegLayout}.
 */
public final class SegregatedFit extends BoundaryTagHeap {
    /** A segregated-fits heap for a process that has made no allocator call; options are ignored. */
    public SegregatedFit(AddressSpace space, Map<String, String> options) {
        super(space, SegLayout.INDEX_BYTES);
    }

    @Override
    protected String name() {
        return "segfit";
    }

    @Override
    protected long findFit(long size) {
        if (size < MIN_LARGE_SIZE) {
            long bits = idx(SMALLMAP) & (-1L << smallIndex(size));
            if (bits != 0) {
                return idx(SMALLBINS + 8 * Long.numberOfTrailingZeros(bits));
            }
            return idx(TREEMAP) == 0 ? 0 : tmallocSmall();
        }
        return tmallocLarge(size);
    }

    /** dlmalloc's {@code tmalloc_small}: the smallest chunk of the lowest non-empty tree. */
    private long tmallocSmall() {
        long t = idx(TREEBINS + 8 * Long.numberOfTrailingZeros(idx(TREEMAP)));
        long v = t;
        long best = chunksize(word(t));
        while ((t = leftmostChild(t)) != 0) {
            long s = chunksize(word(t));
            if (s < best) {
                best = s;
                v = t;
            }
        }
        return v;
    }

    /** dlmalloc's {@code tmalloc_large}: the best fit among the trees, searched along the size's bits. */
    private long tmallocLarge(long nb) {
        long v = 0;
        long rsize = -nb; // unsigned: larger than any remainder
        int index = treeIndex(nb);
        long t = idx(TREEBINS + 8 * index);
        if (t != 0) {
            long sizebits = nb << leftshiftForTreeIndex(index);
            long rst = 0; // the deepest untaken right subtree
            for (; ; ) {
                long trem = chunksize(word(t)) - nb;
                if (Long.compareUnsigned(trem, rsize) < 0) {
                    v = t;
                    rsize = trem;
                    if (rsize == 0) {
                        break;
                    }
                }
                long rt = space.load64(t + CHILD1);
                t = space.load64(t + ((sizebits >>> 63) == 0 ? CHILD0 : CHILD1));
                if (rt != 0 && rt != t) {
                    rst = rt;
                }
                if (t == 0) {
                    t = rst;
                    break;
                }
                sizebits <<= 1;
            }
        }
        if (t == 0 && v == 0) {
            long leftbits = index + 1 >= 64 ? 0 : idx(TREEMAP) & (-1L << (index + 1));
            if (leftbits != 0) {
                t = idx(TREEBINS + 8 * Long.numberOfTrailingZeros(leftbits));
            }
        }
        while (t != 0) {
            long trem = chunksize(word(t)) - nb;
            if (Long.compareUnsigned(trem, rsize) < 0) {
                rsize = trem;
                v = t;
            }
            t = leftmostChild(t);
        }
        return v;
    }

    @Override
    protected void insertFree(long c, long size) {
        if (size < MIN_LARGE_SIZE) {
            int i = smallIndex(size);
            long head = idx(SMALLBINS + 8 * i);
            space.store64(fdOffset(c), head);
            space.store64(bkOffset(c), 0);
            if (head != 0) {
                space.store64(bkOffset(head), c);
            }
            setIdx(SMALLBINS + 8 * i, c);
            setIdx(SMALLMAP, idx(SMALLMAP) | (1L << i));
        } else {
            insertLargeChunk(c, size);
        }
    }

    @Override
    protected void removeFree(long c, long size) {
        if (size < MIN_LARGE_SIZE) {
            int i = smallIndex(size);
            long fd = space.load64(fdOffset(c));
            long bk = space.load64(bkOffset(c));
            if (fd != 0) {
                space.store64(bkOffset(fd), bk);
            }
            if (bk != 0) {
                space.store64(fdOffset(bk), fd);
            } else {
                setIdx(SMALLBINS + 8 * i, fd);
                if (fd == 0) {
                    setIdx(SMALLMAP, idx(SMALLMAP) & ~(1L << i));
                }
            }
        } else {
            unlinkLargeChunk(c);
        }
    }

    /** dlmalloc's {@code insert_large_chunk}. */
    private void insertLargeChunk(long x, long size) {
        int i = treeIndex(size);
        long h = binSlot(i);
        space.store64(x + TINDEX, i);
        space.store64(x + CHILD0, 0);
        space.store64(x + CHILD1, 0);
        if ((idx(TREEMAP) & (1L << i)) == 0) {
            setIdx(TREEMAP, idx(TREEMAP) | (1L << i));
            space.store64(h, x);
            space.store64(x + PARENT, h);
            space.store64(fdOffset(x), x);
            space.store64(bkOffset(x), x);
            return;
        }
        long t = space.load64(h);
        long k = size << leftshiftForTreeIndex(i);
        for (; ; ) {
            if (chunksize(word(t)) != size) {
                long cp = t + ((k >>> 63) == 0 ? CHILD0 : CHILD1);
                k <<= 1;
                long c = space.load64(cp);
                if (c != 0) {
                    t = c;
                } else {
                    space.store64(cp, x);
                    space.store64(x + PARENT, t);
                    space.store64(fdOffset(x), x);
                    space.store64(bkOffset(x), x);
                    return;
                }
            } else {
                long f = space.load64(fdOffset(t));
                space.store64(fdOffset(t), x);
                space.store64(bkOffset(f), x);
                space.store64(fdOffset(x), f);
                space.store64(bkOffset(x), t);
                space.store64(x + PARENT, 0);
                return;
            }
        }
    }

    /** dlmalloc's {@code unlink_large_chunk}: a ring member leaves its ring, a tree node is replaced by a leaf. */
    private void unlinkLargeChunk(long x) {
        long xp = space.load64(x + PARENT);
        long r;
        if (space.load64(bkOffset(x)) != x) {
            long f = space.load64(fdOffset(x));
            r = space.load64(bkOffset(x));
            space.store64(bkOffset(f), r);
            space.store64(fdOffset(r), f);
        } else {
            long rp = x + CHILD1;
            r = space.load64(rp);
            if (r == 0) {
                rp = x + CHILD0;
                r = space.load64(rp);
            }
            if (r != 0) {
                for (; ; ) {
                    long cp = r + CHILD1;
                    if (space.load64(cp) == 0) {
                        cp = r + CHILD0;
                        if (space.load64(cp) == 0) {
                            break;
                        }
                    }
                    rp = cp;
                    r = space.load64(cp);
                }
                space.store64(rp, 0);
            }
        }
        if (xp == 0) {
            return;
        }
        int i = (int) space.load64(x + TINDEX);
        long h = binSlot(i);
        if (x == space.load64(h)) {
            space.store64(h, r);
            if (r == 0) {
                setIdx(TREEMAP, idx(TREEMAP) & ~(1L << i));
            }
        } else if (space.load64(xp + CHILD0) == x) {
            space.store64(xp + CHILD0, r);
        } else {
            space.store64(xp + CHILD1, r);
        }
        if (r != 0) {
            space.store64(r + PARENT, xp);
            long c0 = space.load64(x + CHILD0);
            if (c0 != 0) {
                space.store64(r + CHILD0, c0);
                space.store64(c0 + PARENT, r);
            }
            long c1 = space.load64(x + CHILD1);
            if (c1 != 0) {
                space.store64(r + CHILD1, c1);
                space.store64(c1 + PARENT, r);
            }
        }
    }

    private long leftmostChild(long t) {
        long c = space.load64(t + CHILD0);
        return c != 0 ? c : space.load64(t + CHILD1);
    }

    /** Walks the small bins and every tree: bins, bitmaps, parents, rings and size prefixes. */
    @Override
    protected long checkIndex() {
        long n = 0;
        for (int i = 0; i < NSMALLBINS; i++) {
            long head = idx(SMALLBINS + 8 * i);
            expect(((idx(SMALLMAP) >>> i) & 1) == (head != 0 ? 1 : 0), "smallmap bit " + i, 0);
            long prev = 0;
            for (long c = head; c != 0; c = space.load64(fdOffset(c))) {
                expect(checkFreeChunk(c) == 16L * i && space.load64(bkOffset(c)) == prev, "small bin " + i, c);
                prev = c;
                n++;
            }
        }
        for (int i = 0; i < NTREEBINS; i++) {
            long root = idx(TREEBINS + 8 * i);
            expect(((idx(TREEMAP) >>> i) & 1) == (root != 0 ? 1 : 0), "treemap bit " + i, 0);
            if (root != 0) {
                expect(space.load64(root + PARENT) == binSlot(i), "root's parent is its bin", root);
                n += checkTree(root, i);
            }
        }
        return n;
    }

    /** Checks the subtree at {@code t} (sizes in bin {@code i}); returns the chunks in it, rings included. */
    private long checkTree(long t, int i) {
        long size = checkFreeChunk(t);
        expect(treeIndex(size) == i && space.load64(t + TINDEX) == i, "tree index", t);
        long n = 1;
        for (long u = space.load64(fdOffset(t)); u != t; u = space.load64(fdOffset(u))) {
            expect(checkFreeChunk(u) == size && space.load64(u + PARENT) == 0, "ring member", u);
            expect(space.load64(bkOffset(space.load64(fdOffset(u)))) == u, "ring links", u);
            n++;
        }
        for (int side = 0; side < 2; side++) {
            long c = space.load64(t + CHILD0 + 8 * side);
            if (c != 0) {
                expect(space.load64(c + PARENT) == t, "child's parent", c);
                n += checkTree(c, i);
            }
        }
        return n;
    }

    private long word(long c) {
        return space.load64(sizeOffset(c));
    }

    private long binSlot(int i) {
        return state + INDEX + TREEBINS + 8L * i;
    }

    private long idx(int offset) {
        return load(INDEX + offset);
    }

    private void setIdx(int offset, long value) {
        store(INDEX + offset, value);
    }
}
