package org.mallocsim.allocator.common;

import static org.mallocsim.allocator.common.TagChunk.bkOffset;
import static org.mallocsim.allocator.common.TagChunk.chunksize;
import static org.mallocsim.allocator.common.TagChunk.fdOffset;
import static org.mallocsim.allocator.common.TagChunk.sizeOffset;

import org.mallocsim.kernel.mm.AddressSpace;

/**
 * A boundary-tag heap whose free chunks form one doubly linked list in address order (Wilson et
 * al. 1995, section 3.3, "sequential fits"): the index of the first-fit, next-fit and best-fit
 * policies, which differ only in how they search it. Inserting walks the list to the chunk's
 * place, as the survey's address-ordered lists do; a split leaves its remainder where the chunk
 * was, which keeps the order without a walk.
 *
 * <pre>
 * index fields (state page, from INDEX)      list (fd/bk in each free chunk, see TagChunk)
 *   +0   head   lowest free chunk, 0 if none    head -> c1 -> c2 -> ... -> cn -> 0   (c1 < c2 < ...)
 *   +8   rover  where next fit resumes          0 <- c1 <- c2 ...
 * </pre>
 */
public abstract class AddressOrderedHeap extends BoundaryTagHeap {
    protected static final int HEAD = INDEX;
    protected static final int ROVER = HEAD + 8;

    protected AddressOrderedHeap(AddressSpace space) {
        super(space, 16);
    }

    /** The lowest-address free chunk, or 0. */
    protected final long head() {
        return load(HEAD);
    }

    protected final long fd(long c) {
        return space.load64(fdOffset(c));
    }

    protected final long size(long c) {
        return chunksize(space.load64(sizeOffset(c)));
    }

    @Override
    protected final void insertFree(long c, long size) {
        long prev = 0;
        long next = load(HEAD);
        while (next != 0 && next < c) {
            prev = next;
            next = fd(next);
        }
        link(prev, c, next);
    }

    @Override
    protected void removeFree(long c, long size) {
        long fd = fd(c);
        long bk = space.load64(bkOffset(c));
        if (bk == 0) {
            store(HEAD, fd);
        } else {
            space.store64(fdOffset(bk), fd);
        }
        if (fd != 0) {
            space.store64(bkOffset(fd), bk);
        }
    }

    @Override
    protected void replaceFree(long c, long size, long rest, long restSize) {
        link(space.load64(bkOffset(c)), rest, fd(c));
    }

    private void link(long prev, long c, long next) {
        space.store64(fdOffset(c), next);
        space.store64(bkOffset(c), prev);
        if (prev == 0) {
            store(HEAD, c);
        } else {
            space.store64(fdOffset(prev), c);
        }
        if (next != 0) {
            space.store64(bkOffset(next), c);
        }
    }

    @Override
    protected final long checkIndex() {
        long n = 0;
        long prev = 0;
        for (long c = load(HEAD); c != 0; c = fd(c)) {
            checkFreeChunk(c);
            expect(c > prev, "address order of the free list", c);
            expect(space.load64(bkOffset(c)) == prev, "bk link", c);
            prev = c;
            n++;
        }
        return n;
    }
}
