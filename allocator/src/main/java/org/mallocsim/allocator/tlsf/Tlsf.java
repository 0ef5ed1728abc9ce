package org.mallocsim.allocator.tlsf;

import static org.mallocsim.allocator.common.TagChunk.bkOffset;
import static org.mallocsim.allocator.common.TagChunk.fdOffset;
import static org.mallocsim.allocator.tlsf.TlsfLayout.FL_BITMAP;
import static org.mallocsim.allocator.tlsf.TlsfLayout.FL_COUNT;
import static org.mallocsim.allocator.tlsf.TlsfLayout.SL_COUNT;
import static org.mallocsim.allocator.tlsf.TlsfLayout.fl;
import static org.mallocsim.allocator.tlsf.TlsfLayout.headOffset;
import static org.mallocsim.allocator.tlsf.TlsfLayout.mappingInsert;
import static org.mallocsim.allocator.tlsf.TlsfLayout.mappingSearch;
import static org.mallocsim.allocator.tlsf.TlsfLayout.sl;
import static org.mallocsim.allocator.tlsf.TlsfLayout.slBitmapOffset;

import java.util.Map;
import org.mallocsim.allocator.common.BoundaryTagHeap;
import org.mallocsim.kernel.mm.AddressSpace;

/**
 * Two-Level Segregated Fit (Masmano, Ripoll, Crespo and Real, ECRTS 2004): free chunks in
 * segregated lists found through two bitmaps ({@link TlsfLayout}), so malloc and free take a
 * bounded number of steps whatever the heap holds: {@code mapping_search} rounds the request up to
 * a list whose every chunk fits, one find-first-set on each bitmap finds the first non-empty such
 * list, its head is split, and free merges with both neighbours at once through boundary tags
 * (paper, sections 3 and 4). Growth, trimming and bad input are {@link BoundaryTagHeap}'s.
 */
public final class Tlsf extends BoundaryTagHeap {
    /** A TLSF heap for a process that has made no allocator call; options are ignored. */
    public Tlsf(AddressSpace space, Map<String, String> options) {
        super(space, TlsfLayout.INDEX_BYTES);
    }

    @Override
    protected String name() {
        return "tlsf";
    }

    /** The paper's {@code find_suitable_block}. */
    @Override
    protected long findFit(long size) {
        long m = mappingSearch(size);
        int fl = fl(m);
        if (fl >= FL_COUNT) {
            return 0;
        }
        long slMap = idx(slBitmapOffset(fl)) & (-1L << sl(m));
        if (slMap == 0) {
            long flMap = fl + 1 >= 64 ? 0 : idx(FL_BITMAP) & (-1L << (fl + 1));
            if (flMap == 0) {
                return 0;
            }
            fl = Long.numberOfTrailingZeros(flMap);
            slMap = idx(slBitmapOffset(fl));
        }
        return idx(headOffset(fl, Long.numberOfTrailingZeros(slMap)));
    }

    /** The paper's {@code insert_block}: at the head of its list, setting both bitmap bits. */
    @Override
    protected void insertFree(long c, long size) {
        long m = mappingInsert(size);
        int fl = fl(m);
        int sl = sl(m);
        long head = idx(headOffset(fl, sl));
        space.store64(fdOffset(c), head);
        space.store64(bkOffset(c), 0);
        if (head != 0) {
            space.store64(bkOffset(head), c);
        }
        setIdx(headOffset(fl, sl), c);
        setIdx(slBitmapOffset(fl), idx(slBitmapOffset(fl)) | (1L << sl));
        setIdx(FL_BITMAP, idx(FL_BITMAP) | (1L << fl));
    }

    /** The paper's {@code remove_block}: clears the bitmap bits when the list empties. */
    @Override
    protected void removeFree(long c, long size) {
        long m = mappingInsert(size);
        int fl = fl(m);
        int sl = sl(m);
        long fd = space.load64(fdOffset(c));
        long bk = space.load64(bkOffset(c));
        if (fd != 0) {
            space.store64(bkOffset(fd), bk);
        }
        if (bk != 0) {
            space.store64(fdOffset(bk), fd);
        } else {
            setIdx(headOffset(fl, sl), fd);
            if (fd == 0) {
                long slMap = idx(slBitmapOffset(fl)) & ~(1L << sl);
                setIdx(slBitmapOffset(fl), slMap);
                if (slMap == 0) {
                    setIdx(FL_BITMAP, idx(FL_BITMAP) & ~(1L << fl));
                }
            }
        }
    }

    @Override
    protected long checkIndex() {
        long n = 0;
        long flMap = idx(FL_BITMAP);
        for (int fl = 0; fl < FL_COUNT; fl++) {
            long slMap = idx(slBitmapOffset(fl));
            expect(((flMap >>> fl) & 1) == (slMap != 0 ? 1 : 0), "first-level bit " + fl, 0);
            for (int sl = 0; sl < SL_COUNT; sl++) {
                long head = idx(headOffset(fl, sl));
                expect(((slMap >>> sl) & 1) == (head != 0 ? 1 : 0), "second-level bit " + fl + "," + sl, head);
                long prev = 0;
                for (long c = head; c != 0; c = space.load64(fdOffset(c))) {
                    long size = checkFreeChunk(c);
                    expect(mappingInsert(size) == (((long) fl << 32) | sl), "chunk in its size's list", c);
                    expect(space.load64(bkOffset(c)) == prev, "bk link", c);
                    prev = c;
                    n++;
                }
            }
        }
        return n;
    }

    /** The first-level bitmap, as the state page holds it. */
    long flBitmap() {
        return idx(FL_BITMAP);
    }

    /** The second-level bitmap of first-level class {@code fl}. */
    long slBitmap(int fl) {
        return idx(slBitmapOffset(fl));
    }

    private long idx(int offset) {
        return load(INDEX + offset);
    }

    private void setIdx(int offset, long value) {
        store(INDEX + offset, value);
    }
}
