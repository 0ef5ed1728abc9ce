package org.mallocsim.allocator.common;

import static org.mallocsim.allocator.common.TagChunk.FENCE;
import static org.mallocsim.allocator.common.TagChunk.INUSE;
import static org.mallocsim.allocator.common.TagChunk.MIN_CHUNK;
import static org.mallocsim.allocator.common.TagChunk.PINUSE;
import static org.mallocsim.allocator.common.TagChunk.chunk2mem;
import static org.mallocsim.allocator.common.TagChunk.chunksize;
import static org.mallocsim.allocator.common.TagChunk.mem2chunk;
import static org.mallocsim.allocator.common.TagChunk.request2size;
import static org.mallocsim.allocator.common.TagChunk.sizeOffset;

import org.mallocsim.allocator.MallocAbort;
import org.mallocsim.kernel.mm.AddressSpace;

/**
 * A heap of boundary-tagged chunks ({@link TagChunk}) with immediate coalescing (Wilson, Johnstone,
 * Neely and Boles, "Dynamic Storage Allocation: A Survey and Critical Review", 1995, section 3.2,
 * "boundary tags"), grown with brk (and, once brk fails, with 1 MiB mmapped segments) and trimmed
 * with brk when its free tail passes 128 KiB, as glibc's {@code sysmalloc} and {@code systrim}
 * do. What differs between policies is only the index of free chunks: a subclass says where a free
 * chunk goes ({@link #insertFree}), how it leaves ({@link #removeFree}) and which one serves a
 * request ({@link #findFit}).
 *
 * <p>Bad input (each a {@link MallocAbort}): a chunk whose INUSE bit is clear:
 * {@code "free(): double free detected"}; a size word that no chunk of the heap can have, or a
 * chunk outside every segment: {@code "free(): invalid size"}; a next chunk whose PINUSE bit is
 * clear: {@code "free(): invalid next chunk"}. A double free after the chunk was merged into a
 * neighbour or reused is not always detected: the checks then see a plausible chunk, and the heap
 * may be corrupted, but only inside the emulated process.
 */
public abstract class BoundaryTagHeap extends PolicyAllocator {
    /** glibc's {@code DEFAULT_TOP_PAD}: extra bytes asked of brk each time, and kept when trimming. */
    public static final long TOP_PAD = 128 * 1024;
    /** glibc's {@code DEFAULT_TRIM_THRESHOLD}. */
    public static final long TRIM_THRESHOLD = 128 * 1024;
    /** The size of an mmapped segment when brk fails: glibc's {@code MMAP_AS_MORECORE_SIZE}. */
    public static final long SEGMENT_BYTES = 1L << 20;

    protected static final int HEAP_START = PolicyLayout.SUBCLASS;
    protected static final int BRK_FENCE = HEAP_START + 8;
    protected static final int FLAGS = BRK_FENCE + 8;
    protected static final int SYSTEM_BYTES = FLAGS + 8;
    protected static final int IN_USE_BYTES = SYSTEM_BYTES + 8;
    protected static final int IN_USE_CHUNKS = IN_USE_BYTES + 8;
    protected static final int FREE_BYTES = IN_USE_CHUNKS + 8;
    protected static final int FREE_CHUNKS = FREE_BYTES + 8;
    /** Head of the list of mmapped segments: each starts with {next segment, length}. */
    protected static final int SEGMENTS = FREE_CHUNKS + 8;
    /** Where the index's own fields start in the state page. */
    protected static final int INDEX = SEGMENTS + 8;

    private static final long NONCONTIGUOUS = 1;
    private static final String MALLOC_USABLE_SIZE = "malloc_usable_size";

    /** A heap whose index needs {@code indexBytes} of the state page(s) from {@link #INDEX}. */
    protected BoundaryTagHeap(AddressSpace space, long indexBytes) {
        super(space, INDEX + indexBytes);
    }

    /** Adds the free chunk {@code c} of {@code size} to the index. */
    protected abstract void insertFree(long c, long size);

    /** Takes the free chunk {@code c} of {@code size} out of the index. */
    protected abstract void removeFree(long c, long size);

    /** A free chunk of at least {@code size} bytes chosen by the policy, still indexed, or 0. */
    protected abstract long findFit(long size);

    /** Walks the index, checking each entry with {@link #checkFreeChunk}; returns how many it holds. */
    protected abstract long checkIndex();

    /**
     * The free chunk {@code c} was split and {@code rest} (of {@code restSize}) is what is left:
     * by default it is indexed anew; an address-ordered list puts it in {@code c}'s place. Called
     * before rest's header is written, so neither may read it.
     */
    protected void replaceFree(long c, long size, long rest, long restSize) {
        removeFree(c, size);
        insertFree(rest, restSize);
    }

    @Override
    protected final long allocate(long req) {
        long size = request2size(req);
        long c = findFit(size);
        if (c == 0) {
            if (!grow(size)) {
                return 0;
            }
            c = findFit(size);
            if (c == 0) {
                throw new IllegalStateException(name() + ": no fit for " + size + " bytes right after growing");
            }
        }
        long csize = chunksize(space.load64(sizeOffset(c)));
        add(FREE_CHUNKS, -1);
        add(FREE_BYTES, -csize);
        if (csize - size >= MIN_CHUNK) {
            long rest = c + size;
            // the index lets go of c before rest's header is written: a tree chunk's fields reach past c + 32
            replaceFree(c, csize, rest, csize - size);
            space.store64(sizeOffset(rest), (csize - size) | PINUSE);
            space.store64(rest + csize - size, csize - size);
            add(FREE_CHUNKS, 1);
            add(FREE_BYTES, csize - size);
        } else {
            removeFree(c, csize);
            size = csize;
            setPinuse(c + size);
        }
        space.store64(sizeOffset(c), size | INUSE | PINUSE);
        add(IN_USE_CHUNKS, 1);
        add(IN_USE_BYTES, size);
        return chunk2mem(c);
    }

    @Override
    protected final void release(long p, String call) {
        long c = mem2chunk(p);
        long size = checkedInUse(c, call);
        add(IN_USE_CHUNKS, -1);
        add(IN_USE_BYTES, -size);
        freeChunk(c, size, true);
    }

    @Override
    protected final long usable(long p, String call) {
        long c = mem2chunk(p);
        if ((space.load64(sizeOffset(c)) & INUSE) == 0 && MALLOC_USABLE_SIZE.equals(call)) {
            return 0; // glibc answers 0 for a free chunk rather than aborting
        }
        return TagChunk.usable(checkedInUse(c, call));
    }

    @Override
    protected final boolean resizeInPlace(long p, long req) {
        long c = mem2chunk(p);
        long csize = chunksize(space.load64(sizeOffset(c)));
        long size = request2size(req);
        long next = c + csize;
        long nword = space.load64(sizeOffset(next));
        if (size > csize) {
            long nsize = chunksize(nword);
            if ((nword & INUSE) != 0 || csize + nsize < size) {
                return false;
            }
            removeFree(next, nsize);
            add(FREE_CHUNKS, -1);
            add(FREE_BYTES, -nsize);
            add(IN_USE_BYTES, nsize);
            csize += nsize;
            setPinuse(c + csize);
            space.store64(sizeOffset(c), csize | (space.load64(sizeOffset(c)) & PINUSE) | INUSE);
        }
        if (csize - size >= MIN_CHUNK) {
            space.store64(sizeOffset(c), size | (space.load64(sizeOffset(c)) & PINUSE) | INUSE);
            long rest = c + size;
            space.store64(sizeOffset(rest), (csize - size) | PINUSE | INUSE);
            add(IN_USE_BYTES, -(csize - size));
            freeChunk(rest, csize - size, true);
        }
        return true;
    }

    /** Frees chunk {@code c} of {@code size}, merging it with free neighbours, then trims the heap's end if asked. */
    private void freeChunk(long c, long size, boolean trim) {
        long word = space.load64(sizeOffset(c));
        if ((word & PINUSE) == 0) {
            long prevSize = space.load64(c);
            long prev = c - prevSize;
            long pword = space.load64(sizeOffset(prev));
            if (prevSize < MIN_CHUNK || chunksize(pword) != prevSize || (pword & INUSE) != 0) {
                throw new MallocAbort("free(): corrupted size vs. prev_size");
            }
            removeFree(prev, prevSize);
            add(FREE_CHUNKS, -1);
            add(FREE_BYTES, -prevSize);
            c = prev;
            size += prevSize;
            word = pword;
        }
        long next = c + size;
        long nword = space.load64(sizeOffset(next));
        if ((nword & INUSE) == 0) {
            long nsize = chunksize(nword);
            removeFree(next, nsize);
            add(FREE_CHUNKS, -1);
            add(FREE_BYTES, -nsize);
            size += nsize;
            next += nsize;
            nword = space.load64(sizeOffset(next));
        }
        space.store64(sizeOffset(c), size | (word & PINUSE));
        space.store64(next, size);
        space.store64(sizeOffset(next), nword & ~PINUSE);
        insertFree(c, size);
        add(FREE_CHUNKS, 1);
        add(FREE_BYTES, size);
        if (trim && next == load(BRK_FENCE) && size >= TRIM_THRESHOLD + PAGE) {
            systrim(c, size, TOP_PAD);
        }
    }

    /** Checks an in-use chunk the caller handed back; returns its size. */
    private long checkedInUse(long c, String call) {
        long word = space.load64(sizeOffset(c));
        long size = chunksize(word);
        if (size < MIN_CHUNK || !inSegment(c, size)) {
            throw new MallocAbort(call + "(): invalid size");
        }
        if ((word & INUSE) == 0) {
            throw new MallocAbort(call + "(): double free detected");
        }
        if ((space.load64(sizeOffset(c + size)) & PINUSE) == 0) {
            throw new MallocAbort(call + "(): invalid next chunk");
        }
        return size;
    }

    /** Whether chunk {@code c} of {@code size} lies inside the brk heap or one mmapped segment, fence excluded. */
    private boolean inSegment(long c, long size) {
        long start = load(HEAP_START);
        if (start != 0 && c >= start && c + size <= load(BRK_FENCE) && c + size > c) {
            return true;
        }
        for (long s = load(SEGMENTS); s != 0; s = space.load64(s)) {
            long len = space.load64(s + 8);
            if (c >= s + 16 && c + size <= s + len - FENCE && c + size > c) {
                return true;
            }
        }
        return false;
    }

    /**
     * Finds room for a chunk of {@code size}: extends the break (glibc's {@code sysmalloc}: the
     * request, plus TOP_PAD, less a free tail already there, in whole pages), else maps a segment.
     */
    private boolean grow(long size) {
        if ((load(FLAGS) & NONCONTIGUOUS) == 0) {
            long start = load(HEAP_START);
            long fence = load(BRK_FENCE);
            if (start == 0) {
                start = (space.currentBrk() + ALIGNMENT - 1) & -ALIGNMENT;
                fence = start;
            }
            long end = fence + FENCE;
            long tail = fence == start || (space.load64(sizeOffset(fence)) & PINUSE) != 0 ? 0 : space.load64(fence);
            long want = (end + size + TOP_PAD + MIN_CHUNK - tail + PAGE - 1) & -PAGE;
            long brkBefore = space.currentBrk();
            if ((load(HEAP_START) == 0 || brkBefore == end) && space.brk(want) == want) {
                boolean first = load(HEAP_START) == 0;
                add(SYSTEM_BYTES, want - (first ? brkBefore : end));
                long pinuse = first ? PINUSE : space.load64(sizeOffset(fence)) & PINUSE;
                store(HEAP_START, start);
                store(BRK_FENCE, want - FENCE);
                addFreeSpace(fence, want - FENCE - fence, pinuse);
                return true;
            }
            store(FLAGS, load(FLAGS) | NONCONTIGUOUS);
        }
        long len = Math.max((size + 16 + FENCE + PAGE - 1) & -PAGE, SEGMENT_BYTES);
        long s = mapPages(len);
        if (s == 0) {
            return false;
        }
        space.store64(s, load(SEGMENTS));
        space.store64(s + 8, len);
        store(SEGMENTS, s);
        add(SYSTEM_BYTES, len);
        addFreeSpace(s + 16, len - 16 - FENCE, PINUSE);
        return true;
    }

    /** Makes {@code [c, c + size)} a free chunk followed by a fence, merging it with a free chunk below. */
    private void addFreeSpace(long c, long size, long pinuse) {
        space.store64(sizeOffset(c + size), INUSE | PINUSE);
        space.store64(sizeOffset(c), size | pinuse | INUSE);
        freeChunk(c, size, false);
    }

    /**
     * glibc's {@code systrim}: gives the free tail {@code c} of {@code size} back to the kernel
     * above {@code pad} bytes, in whole pages; true when the break moved.
     */
    private boolean systrim(long c, long size, long pad) {
        long end = c + size + FENCE;
        long newEnd = (c + MIN_CHUNK + pad + FENCE + PAGE - 1) & -PAGE;
        if (newEnd >= end || space.currentBrk() != end || space.brk(newEnd) != newEnd) {
            return false;
        }
        removeFree(c, size);
        long newSize = newEnd - FENCE - c;
        space.store64(sizeOffset(c), newSize | (space.load64(sizeOffset(c)) & PINUSE));
        space.store64(newEnd - FENCE, newSize);
        space.store64(sizeOffset(newEnd - FENCE), INUSE);
        insertFree(c, newSize);
        store(BRK_FENCE, newEnd - FENCE);
        add(FREE_BYTES, newSize - size);
        add(SYSTEM_BYTES, newEnd - end);
        return true;
    }

    /** {@inheritDoc} Trims the brk heap's free tail down to {@code pad} bytes. */
    @Override
    public int mallocTrim(long pad) {
        long fence = load(BRK_FENCE);
        if (load(HEAP_START) == 0 || (space.load64(sizeOffset(fence)) & PINUSE) != 0) {
            return 0;
        }
        long size = space.load64(fence);
        return systrim(fence - size, size, Math.max(pad, 0)) ? 1 : 0;
    }

    private void setPinuse(long c) {
        space.store64(sizeOffset(c), space.load64(sizeOffset(c)) | PINUSE);
    }

    @Override
    protected final long[] heapInfo() {
        long system = load(SYSTEM_BYTES);
        long fence = load(BRK_FENCE);
        long keep = load(HEAP_START) == 0 || (space.load64(sizeOffset(fence)) & PINUSE) != 0 ? 0 : space.load64(fence);
        return new long[] {system, load(FREE_CHUNKS), load(IN_USE_BYTES), system - load(IN_USE_BYTES), keep};
    }

    /**
     * Walks every segment chunk by chunk (glibc's {@code do_check_malloc_state}): sizes, PINUSE
     * bits, footers, no two free chunks side by side, the counters, then the index.
     */
    @Override
    protected final void checkPolicyHeap() {
        long[] totals = new long[4]; // in-use chunks, in-use bytes, free chunks, free bytes
        long system = 0;
        if (load(HEAP_START) != 0) {
            walk(load(HEAP_START), load(BRK_FENCE), totals);
            system += load(BRK_FENCE) + FENCE - load(HEAP_START);
        }
        for (long s = load(SEGMENTS); s != 0; s = space.load64(s)) {
            long len = space.load64(s + 8);
            walk(s + 16, s + len - FENCE, totals);
            system += len;
        }
        expect(totals[0] == load(IN_USE_CHUNKS) && totals[1] == load(IN_USE_BYTES), "in-use counters", 0);
        expect(totals[2] == load(FREE_CHUNKS) && totals[3] == load(FREE_BYTES), "free counters", 0);
        expect(system <= load(SYSTEM_BYTES) + PAGE && system + PAGE >= load(SYSTEM_BYTES) - PAGE, "system bytes", 0);
        expect(checkIndex() == totals[2], "the index holds every free chunk once", 0);
    }

    private void walk(long c, long fence, long[] totals) {
        boolean prevInUse = true;
        while (c < fence) {
            long word = space.load64(sizeOffset(c));
            long size = chunksize(word);
            expect(size >= MIN_CHUNK && (size & 15) == 0 && c + size <= fence, "chunk size", c);
            expect(((word & PINUSE) != 0) == prevInUse, "PINUSE bit", c);
            boolean inUse = (word & INUSE) != 0;
            if (inUse) {
                totals[0]++;
                totals[1] += size;
            } else {
                expect(prevInUse, "two free chunks side by side", c);
                expect(space.load64(c + size) == size, "footer", c);
                totals[2]++;
                totals[3] += size;
            }
            prevInUse = inUse;
            c += size;
        }
        expect(c == fence && space.load64(sizeOffset(fence)) == (INUSE | (prevInUse ? PINUSE : 0)), "fence", fence);
    }

    /** Checks that the indexed chunk {@code c} is free and lies in a segment; returns its size. */
    protected final long checkFreeChunk(long c) {
        long word = space.load64(sizeOffset(c));
        expect((word & INUSE) == 0 && inSegment(c, chunksize(word)), "indexed chunk is free", c);
        return chunksize(word);
    }

    protected final void expect(boolean ok, String what, long address) {
        if (!ok) {
            throw new IllegalStateException(name() + ": " + what + " broken at 0x" + Long.toHexString(address));
        }
    }
}
