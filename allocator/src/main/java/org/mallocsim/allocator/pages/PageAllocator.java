package org.mallocsim.allocator.pages;

import static org.mallocsim.allocator.pages.PagesLayout.BLOCK_SIZE;
import static org.mallocsim.allocator.pages.PagesLayout.CAPACITY;
import static org.mallocsim.allocator.pages.PagesLayout.CLASSES;
import static org.mallocsim.allocator.pages.PagesLayout.DESC_SIZE;
import static org.mallocsim.allocator.pages.PagesLayout.FLAGS;
import static org.mallocsim.allocator.pages.PagesLayout.FREE;
import static org.mallocsim.allocator.pages.PagesLayout.FREE_KEY;
import static org.mallocsim.allocator.pages.PagesLayout.FREE_PAGES;
import static org.mallocsim.allocator.pages.PagesLayout.HEAP;
import static org.mallocsim.allocator.pages.PagesLayout.HEAPS;
import static org.mallocsim.allocator.pages.PagesLayout.HEAP_QUEUES;
import static org.mallocsim.allocator.pages.PagesLayout.HEAP_SIZE;
import static org.mallocsim.allocator.pages.PagesLayout.HEAP_TID;
import static org.mallocsim.allocator.pages.PagesLayout.IN_QUEUE;
import static org.mallocsim.allocator.pages.PagesLayout.IN_USE_BYTES;
import static org.mallocsim.allocator.pages.PagesLayout.MAX_HEAPS;
import static org.mallocsim.allocator.pages.PagesLayout.MAX_SEGMENTS;
import static org.mallocsim.allocator.pages.PagesLayout.MAX_SMALL;
import static org.mallocsim.allocator.pages.PagesLayout.NEXT;
import static org.mallocsim.allocator.pages.PagesLayout.PAGES_IN_USE;
import static org.mallocsim.allocator.pages.PagesLayout.PAGES_PER_SEGMENT;
import static org.mallocsim.allocator.pages.PagesLayout.PAGE_BYTES;
import static org.mallocsim.allocator.pages.PagesLayout.PAGE_SHIFT;
import static org.mallocsim.allocator.pages.PagesLayout.PREV;
import static org.mallocsim.allocator.pages.PagesLayout.SEGMENT;
import static org.mallocsim.allocator.pages.PagesLayout.SEGMENTS;
import static org.mallocsim.allocator.pages.PagesLayout.SEGMENT_COUNT;
import static org.mallocsim.allocator.pages.PagesLayout.USED;
import static org.mallocsim.allocator.pages.PagesLayout.classSize;
import static org.mallocsim.allocator.pages.PagesLayout.sizeClass;

import java.util.Map;
import org.mallocsim.allocator.MallocAbort;
import org.mallocsim.allocator.ThreadEvents;
import org.mallocsim.allocator.common.PolicyAllocator;
import org.mallocsim.allocator.common.PolicyLayout;
import org.mallocsim.kernel.Mman;
import org.mallocsim.kernel.mm.AddressSpace;

/**
 * A size-class page allocator in the manner of mimalloc (Leijen, Zorn and de Moura, APLAS 2019)
 * and jemalloc's slabs: requests up to {@value PagesLayout#MAX_SMALL} bytes are rounded to one of
 * {@value PagesLayout#CLASSES} size classes and served from 64 KiB pages holding objects of that
 * class only, each page with its own free list (free-list sharding, paper section 2.1) and carved
 * lazily; each thread has a heap of its own with a queue of pages per class ({@link ThreadEvents});
 * a page that empties goes back to the segment's pool with MADV_DONTNEED (unless it is the class's
 * current page, so one object allocated and freed in a loop does not thrash); larger requests get
 * regions from mmap. Segments come from mmap, 4 MiB-aligned, and are kept. See {@link PagesLayout}.
 *
 * <p>Where it differs from mimalloc: calls are serialized, so a free from another thread goes
 * straight to the owning page's free list (mimalloc defers it through the page's
 * {@code xthread_free}); an exiting thread's pages are handed to the main thread's heap rather
 * than abandoned; threads beyond {@value PagesLayout#MAX_HEAPS} live at once share the main heap.
 *
 * <p>Bad input (each a {@link MallocAbort}): a pointer inside a segment but not at an object of a
 * used page ({@code "<call>(): invalid pointer"}); an object whose key word says it is free and
 * which its page's free list holds ({@code "<call>(): double free detected"}, glibc's tcache
 * check). A pointer outside every segment is taken as an mmapped region's and checked as
 * {@link PolicyAllocator} documents.
 */
public final class PageAllocator extends PolicyAllocator implements ThreadEvents {
    private static final String MALLOC_USABLE_SIZE = "malloc_usable_size";
    /** The main heap's tid before any thread was announced. */
    private static final long UNCLAIMED = -1;
    /** The current thread's heap: the thread pointer's cached TLS slot, not heap metadata. */
    private long heap;

    /** A page allocator for a process that has made no allocator call; options are ignored. */
    public PageAllocator(AddressSpace space, Map<String, String> options) {
        super(space, PagesLayout.STATE_SIZE);
        store(PolicyLayout.MMAP_THRESHOLD, MAX_SMALL + 1);
        heap = heapSlot(0);
        space.store64(heap + HEAP_TID, UNCLAIMED);
    }

    @Override
    protected String name() {
        return "pages";
    }

    /** The page classes end at {@value PagesLayout#MAX_SMALL} bytes, so the threshold is fixed. */
    @Override
    public int mallopt(int param, int value) {
        return 0;
    }

    @Override
    protected long allocate(long size) {
        int cls = sizeClass(size);
        long queue = heap + HEAP_QUEUES + 8L * cls;
        long page = space.load64(queue);
        while (page != 0) {
            long p = takeFrom(page, cls);
            if (p != 0) {
                return p;
            }
            long next = space.load64(page + NEXT);
            unqueue(page); // full: it rejoins the queue when an object of it is freed
            page = next;
        }
        page = freshPage(cls);
        if (page == 0) {
            return 0;
        }
        enqueue(page, heap, cls);
        return takeFrom(page, cls);
    }

    /** An object from the page's free list, else carved past its capacity, else 0 when full. */
    private long takeFrom(long desc, int cls) {
        long bsize = classSize(cls);
        long p = space.load64(desc + FREE);
        if (p != 0) {
            space.store64(desc + FREE, space.load64(p));
            space.store64(p + 8, 0); // the key word, so a live object never looks free
        } else {
            long cap = space.load64(desc + CAPACITY);
            if ((cap + 1) * bsize > PAGE_BYTES) {
                return 0;
            }
            p = pageStart(desc) + cap * bsize;
            space.store64(desc + CAPACITY, cap + 1);
        }
        space.store64(desc + USED, space.load64(desc + USED) + 1);
        add(IN_USE_BYTES, bsize);
        return p;
    }

    @Override
    protected void release(long p, String call) {
        long desc = checkedDescriptor(p, call);
        long bsize = space.load64(desc + BLOCK_SIZE);
        if (space.load64(p + 8) == (p ^ FREE_KEY) && onFreeList(desc, p)) {
            throw new MallocAbort(call + "(): double free detected");
        }
        space.store64(p, space.load64(desc + FREE));
        space.store64(p + 8, p ^ FREE_KEY);
        space.store64(desc + FREE, p);
        long used = space.load64(desc + USED) - 1;
        space.store64(desc + USED, used);
        add(IN_USE_BYTES, -bsize);
        long owner = space.load64(desc + HEAP);
        int cls = sizeClass(bsize);
        long queue = owner + HEAP_QUEUES + 8L * cls;
        if ((space.load64(desc + FLAGS) & IN_QUEUE) == 0) {
            enqueueSecond(desc, owner, cls);
        } else if (used == 0 && space.load64(queue) != desc) {
            retire(desc);
        }
    }

    @Override
    protected long usable(long p, String call) {
        long desc = checkedDescriptor(p, call);
        if (space.load64(p + 8) == (p ^ FREE_KEY) && onFreeList(desc, p)) {
            if (MALLOC_USABLE_SIZE.equals(call)) {
                return 0;
            }
            throw new MallocAbort(call + "(): double free detected");
        }
        return space.load64(desc + BLOCK_SIZE);
    }

    @Override
    protected boolean resizeInPlace(long p, long size) {
        return sizeClass(size) == sizeClass(space.load64(descriptorOf(p) + BLOCK_SIZE));
    }

    /** Objects of a power-of-two class lie at multiples of their size from a 64 KiB-aligned page start. */
    @Override
    protected long allocateAligned(long alignment, long size) {
        long n = Math.max(size, alignment);
        return allocate(Long.bitCount(n) == 1 ? n : Long.highestOneBit(n) << 1);
    }

    @Override
    protected boolean owns(long p) {
        long seg = p & -SEGMENT;
        int n = (int) load(SEGMENT_COUNT);
        for (int i = 0; i < n; i++) {
            if (load(SEGMENTS + 8 * i) == seg) {
                return true;
            }
        }
        return false;
    }

    private long checkedDescriptor(long p, String call) {
        long desc = descriptorOf(p);
        long bsize = space.load64(desc + BLOCK_SIZE);
        long off = p - pageStart(desc);
        if ((p & (SEGMENT - 1)) < PAGE_BYTES
                || bsize == 0
                || off % bsize != 0
                || off / bsize >= space.load64(desc + CAPACITY)) {
            throw new MallocAbort(call + "(): invalid pointer");
        }
        return desc;
    }

    private boolean onFreeList(long desc, long p) {
        for (long q = space.load64(desc + FREE); q != 0; q = space.load64(q)) {
            if (q == p) {
                return true;
            }
        }
        return false;
    }

    private static long descriptorOf(long p) {
        long seg = p & -SEGMENT;
        return seg + DESC_SIZE * ((p - seg) >>> PAGE_SHIFT);
    }

    private static long pageStart(long desc) {
        long seg = desc & -SEGMENT;
        return seg + ((desc - seg) / DESC_SIZE << PAGE_SHIFT);
    }

    /** An unused page set up for class {@code cls}: from the pool, else from a new segment. */
    private long freshPage(int cls) {
        long desc = load(FREE_PAGES);
        if (desc == 0) {
            if (!newSegment()) {
                return 0;
            }
            desc = load(FREE_PAGES);
        }
        store(FREE_PAGES, space.load64(desc + NEXT));
        space.store64(desc + BLOCK_SIZE, classSize(cls));
        space.store64(desc + FREE, 0);
        space.store64(desc + USED, 0);
        space.store64(desc + CAPACITY, 0);
        add(PAGES_IN_USE, 1);
        return desc;
    }

    /** Maps a 4 MiB-aligned segment (8 MiB mapped, the rest unmapped) and pools pages 1..63. */
    private boolean newSegment() {
        int n = (int) load(SEGMENT_COUNT);
        if (n == MAX_SEGMENTS) {
            return false;
        }
        long r = mapPages(2 * SEGMENT);
        if (r == 0) {
            return false;
        }
        long seg = (r + SEGMENT - 1) & -SEGMENT;
        if (seg > r) {
            space.munmap(r, seg - r);
        }
        space.munmap(seg + SEGMENT, r + SEGMENT - seg);
        store(SEGMENTS + 8 * n, seg);
        store(SEGMENT_COUNT, n + 1);
        for (int i = PAGES_PER_SEGMENT - 1; i >= 1; i--) {
            long desc = seg + (long) DESC_SIZE * i;
            space.store64(desc + NEXT, load(FREE_PAGES));
            store(FREE_PAGES, desc);
        }
        return true;
    }

    /** Gives an empty page back: out of its queue, its memory to the kernel, its descriptor to the pool. */
    private void retire(long desc) {
        unqueue(desc);
        space.madvise(pageStart(desc), PAGE_BYTES, Mman.MADV_DONTNEED);
        space.store64(desc + BLOCK_SIZE, 0);
        space.store64(desc + NEXT, load(FREE_PAGES));
        store(FREE_PAGES, desc);
        add(PAGES_IN_USE, -1);
    }

    private void enqueue(long desc, long owner, int cls) {
        long queue = owner + HEAP_QUEUES + 8L * cls;
        long head = space.load64(queue);
        space.store64(desc + NEXT, head);
        space.store64(desc + PREV, 0);
        if (head != 0) {
            space.store64(head + PREV, desc);
        }
        space.store64(queue, desc);
        space.store64(desc + HEAP, owner);
        space.store64(desc + FLAGS, IN_QUEUE);
    }

    /**
     * Puts a page that was full back into its queue behind the current page, so the current page
     * stays where allocation happens and this one can empty out and be retired.
     */
    private void enqueueSecond(long desc, long owner, int cls) {
        long head = space.load64(owner + HEAP_QUEUES + 8L * cls);
        if (head == 0) {
            enqueue(desc, owner, cls);
            return;
        }
        long next = space.load64(head + NEXT);
        space.store64(desc + NEXT, next);
        space.store64(desc + PREV, head);
        if (next != 0) {
            space.store64(next + PREV, desc);
        }
        space.store64(head + NEXT, desc);
        space.store64(desc + HEAP, owner);
        space.store64(desc + FLAGS, IN_QUEUE);
    }

    private void unqueue(long desc) {
        long next = space.load64(desc + NEXT);
        long prev = space.load64(desc + PREV);
        if (prev == 0) {
            long owner = space.load64(desc + HEAP);
            space.store64(owner + HEAP_QUEUES + 8L * sizeClass(space.load64(desc + BLOCK_SIZE)), next);
        } else {
            space.store64(prev + NEXT, next);
        }
        if (next != 0) {
            space.store64(next + PREV, prev);
        }
        space.store64(desc + FLAGS, 0);
    }

    private long heapSlot(int i) {
        return state + HEAPS + (long) HEAP_SIZE * i;
    }

    /** Nothing yet: the thread claims a heap at its first call, and its parent keeps running on its own. */
    @Override
    public void threadStarted(int tid, int parentTid) {}

    /**
     * The thread's heap: the one it has, else the main heap if no thread claimed it yet, else a
     * free slot, else (more than {@value PagesLayout#MAX_HEAPS} threads) the main heap, shared.
     */
    @Override
    public void switchThread(int tid) {
        int free = -1;
        for (int i = 0; i < MAX_HEAPS; i++) {
            long t = space.load64(heapSlot(i) + HEAP_TID);
            if (t == tid) {
                heap = heapSlot(i);
                return;
            }
            if (free < 0 && (t == 0 || (i == 0 && t == UNCLAIMED))) {
                free = i;
            }
        }
        heap = heapSlot(Math.max(free, 0));
        if (free >= 0) {
            space.store64(heap + HEAP_TID, tid);
        }
    }

    /** Hands every page of the thread's heap, queued or full, to the main heap, and frees the slot. */
    @Override
    public void threadExited(int tid) {
        long main = heapSlot(0);
        for (int i = 1; i < MAX_HEAPS; i++) {
            long h = heapSlot(i);
            if (space.load64(h + HEAP_TID) != tid) {
                continue;
            }
            forEachPage(h, main);
            space.store64(h + HEAP_TID, 0);
            if (heap == h) {
                heap = main;
            }
        }
    }

    /**
     * The child's only thread goes on with the forking thread's heap; the heaps of the threads the
     * child does not have are handed to the main heap, as at their exit.
     */
    @Override
    public void forked(int parentTid, int childTid) {
        long main = heapSlot(0);
        for (int i = 0; i < MAX_HEAPS; i++) {
            long h = heapSlot(i);
            long t = space.load64(h + HEAP_TID);
            if (t == parentTid) {
                space.store64(h + HEAP_TID, childTid);
                heap = h;
            } else if (i > 0 && t != 0) {
                forEachPage(h, main);
                space.store64(h + HEAP_TID, 0);
                if (heap == h) {
                    heap = main;
                }
            }
        }
    }

    /** Re-owns the pages of heap {@code from} to heap {@code to}, keeping queued pages queued. */
    private void forEachPage(long from, long to) {
        int n = (int) load(SEGMENT_COUNT);
        for (int s = 0; s < n; s++) {
            long seg = load(SEGMENTS + 8 * s);
            for (int i = 1; i < PAGES_PER_SEGMENT; i++) {
                long desc = seg + (long) DESC_SIZE * i;
                long bsize = space.load64(desc + BLOCK_SIZE);
                if (bsize == 0 || space.load64(desc + HEAP) != from) {
                    continue;
                }
                if ((space.load64(desc + FLAGS) & IN_QUEUE) != 0) {
                    unqueue(desc);
                    enqueue(desc, to, sizeClass(bsize));
                } else {
                    space.store64(desc + HEAP, to);
                }
            }
        }
    }

    @Override
    protected long[] heapInfo() {
        long arena = load(SEGMENT_COUNT) * SEGMENT;
        long inUse = load(IN_USE_BYTES);
        return new long[] {arena, load(PAGES_IN_USE), inUse, arena - inUse, 0};
    }

    /** Walks every page of every segment, its free list, and every heap's queues. */
    @Override
    protected void checkPolicyHeap() {
        long inUse = 0;
        long queued = 0;
        long used = 0;
        int n = (int) load(SEGMENT_COUNT);
        for (int s = 0; s < n; s++) {
            long seg = load(SEGMENTS + 8 * s);
            for (int i = 1; i < PAGES_PER_SEGMENT; i++) {
                long desc = seg + (long) DESC_SIZE * i;
                long bsize = space.load64(desc + BLOCK_SIZE);
                if (bsize == 0) {
                    continue;
                }
                used++;
                expect(classSize(sizeClass(bsize)) == bsize, "block size", desc);
                long cap = space.load64(desc + CAPACITY);
                long free = 0;
                for (long q = space.load64(desc + FREE); q != 0; q = space.load64(q)) {
                    long off = q - pageStart(desc);
                    expect(
                            off >= 0 && off % bsize == 0 && off / bsize < cap && space.load64(q + 8) == (q ^ FREE_KEY),
                            "free object",
                            q);
                    expect(++free <= cap, "free list ends", desc);
                }
                expect(space.load64(desc + USED) + free == cap, "used + free = capacity", desc);
                inUse += space.load64(desc + USED) * bsize;
                if ((space.load64(desc + FLAGS) & IN_QUEUE) != 0) {
                    queued++;
                }
            }
        }
        expect(inUse == load(IN_USE_BYTES), "in-use bytes", 0);
        expect(used == load(PAGES_IN_USE), "pages in use", 0);
        long listed = 0;
        for (int h = 0; h < MAX_HEAPS; h++) {
            for (int c = 0; c < CLASSES; c++) {
                long prev = 0;
                for (long d = space.load64(heapSlot(h) + HEAP_QUEUES + 8L * c); d != 0; d = space.load64(d + NEXT)) {
                    expect(
                            space.load64(d + HEAP) == heapSlot(h)
                                    && sizeClass(space.load64(d + BLOCK_SIZE)) == c
                                    && space.load64(d + PREV) == prev,
                            "queued page",
                            d);
                    prev = d;
                    listed++;
                }
            }
        }
        expect(listed == queued, "every queued page in its heap's queue", 0);
    }

    private void expect(boolean ok, String what, long address) {
        if (!ok) {
            throw new IllegalStateException("pages: " + what + " broken at 0x" + Long.toHexString(address));
        }
    }
}
