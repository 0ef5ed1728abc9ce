package org.mallocsim.allocator.bump;

import static org.mallocsim.allocator.bump.BumpLayout.ALIGNMENT;
import static org.mallocsim.allocator.bump.BumpLayout.BRK_TOP;
import static org.mallocsim.allocator.bump.BumpLayout.END;
import static org.mallocsim.allocator.bump.BumpLayout.FLAGS;
import static org.mallocsim.allocator.bump.BumpLayout.FLAG_BITS;
import static org.mallocsim.allocator.bump.BumpLayout.FREED;
import static org.mallocsim.allocator.bump.BumpLayout.FREED_BYTES;
import static org.mallocsim.allocator.bump.BumpLayout.FREED_CHUNKS;
import static org.mallocsim.allocator.bump.BumpLayout.HEAP_START;
import static org.mallocsim.allocator.bump.BumpLayout.IN_USE_BYTES;
import static org.mallocsim.allocator.bump.BumpLayout.LIVE_CHUNKS;
import static org.mallocsim.allocator.bump.BumpLayout.MIN_CHUNK;
import static org.mallocsim.allocator.bump.BumpLayout.NONCONTIGUOUS;
import static org.mallocsim.allocator.bump.BumpLayout.PREV_INUSE;
import static org.mallocsim.allocator.bump.BumpLayout.REGIONS;
import static org.mallocsim.allocator.bump.BumpLayout.SYSTEM_BYTES;
import static org.mallocsim.allocator.bump.BumpLayout.TOP;
import static org.mallocsim.allocator.bump.BumpLayout.chunk2mem;
import static org.mallocsim.allocator.bump.BumpLayout.chunksize;
import static org.mallocsim.allocator.bump.BumpLayout.mem2chunk;
import static org.mallocsim.allocator.bump.BumpLayout.request2size;
import static org.mallocsim.allocator.bump.BumpLayout.sizeOffset;
import static org.mallocsim.allocator.bump.BumpLayout.usable;

import java.util.Map;
import org.mallocsim.allocator.HeapCheck;
import org.mallocsim.allocator.MallInfo2;
import org.mallocsim.allocator.MallocAbort;
import org.mallocsim.allocator.common.MemalignFamily;
import org.mallocsim.kernel.Errno;
import org.mallocsim.kernel.Mman;
import org.mallocsim.kernel.Page;
import org.mallocsim.kernel.mm.AddressSpace;

/**
 * The "never reuses" policy: every allocation is carved from the end of the current region and
 * no byte is ever handed out twice, so its heap is an upper bound on any policy's. Chunks are
 * glibc-shaped (16-aligned, a size word below the pointer, {@code request2size} sizes; see
 * {@link BumpLayout}); the heap grows with brk in page steps and, once brk fails and mmap does
 * not, with mmapped regions of 1 MiB or more, as glibc's {@code sysmalloc} falls back to
 * {@code MMAP_AS_MORECORE_SIZE}.
 * {@code free} only marks the chunk. All state lives in emulated memory.
 *
 * <p>Its own answers to bad input (each is a {@link MallocAbort} with the message shown):
 * <ul>
 *   <li>free or realloc of a pointer that is not 16-aligned: {@value #INVALID_POINTER_FREE} /
 *       {@value #INVALID_POINTER_REALLOC};
 *   <li>a size word that no bump chunk can have: {@value #INVALID_SIZE_FREE} /
 *       {@value #INVALID_SIZE_REALLOC};
 *   <li>free of a freed chunk: {@value #DOUBLE_FREE}; realloc of one: {@value #REALLOC_FREED};
 *   <li>a pointer into unmapped memory: the load of its size word raises SIGSEGV.
 * </ul>
 * Requests above {@value #MAX_REQUEST} bytes (more than the 47-bit user address space) fail with
 * ENOMEM before any syscall. {@code malloc_trim} never releases memory and {@code mallopt}
 * accepts no parameter.
 */
public final class BumpAllocator extends MemalignFamily implements HeapCheck {
    /** The messages of the aborts listed above, glibc's where glibc has the same check. */
    public static final String INVALID_POINTER_FREE = "free(): invalid pointer";

    public static final String INVALID_POINTER_REALLOC = "realloc(): invalid pointer";
    public static final String INVALID_SIZE_FREE = "free(): invalid size";
    public static final String INVALID_SIZE_REALLOC = "realloc(): invalid old size";
    public static final String DOUBLE_FREE = "free(): double free detected";
    public static final String REALLOC_FREED = "realloc(): chunk already freed";
    /** The size of an mmapped region when brk fails: glibc's {@code MMAP_AS_MORECORE_SIZE}. */
    static final long REGION_BYTES = 1L << 20;

    private static final long PAGE = Page.PAGE_SIZE;
    private final AddressSpace space;
    /** Address of the state struct ({@link BumpLayout}). */
    private final long state;

    /**
     * A bump allocator for a process that has made no allocator call: its heap starts at the
     * current break, and its state takes one page from mmap. Options are ignored.
     *
     * @throws IllegalStateException when the state page cannot be mapped
     */
    public BumpAllocator(AddressSpace space, Map<String, String> options) {
        this.space = space;
        long p = space.mmap(0, PAGE, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        if (isError(p)) {
            throw new IllegalStateException("bump allocator: mmap of its state page failed with errno " + -p);
        }
        this.state = p;
        long top = (space.currentBrk() + ALIGNMENT - 1) & -ALIGNMENT;
        space.store64(state + TOP, top);
        space.store64(state + END, space.currentBrk());
        space.store64(state + HEAP_START, top);
        space.store64(state + BRK_TOP, top);
    }

    /** Where the state struct lives (for tests that read it as {@link BumpLayout} draws it). */
    long stateAddress() {
        return state;
    }

    @Override
    public AddressSpace addressSpace() {
        return space;
    }

    @Override
    public long malloc(long size) {
        if (Long.compareUnsigned(size, MAX_REQUEST) > 0) {
            errno = Errno.ENOMEM;
            return 0;
        }
        return carve(request2size(size), ALIGNMENT);
    }

    @Override
    public void free(long ptr) {
        if (ptr == 0) {
            return;
        }
        long word = sizeWord(ptr, INVALID_POINTER_FREE, INVALID_SIZE_FREE);
        if ((word & FREED) != 0) {
            throw new MallocAbort(DOUBLE_FREE);
        }
        long chunk = mem2chunk(ptr);
        space.store64(sizeOffset(chunk), word | FREED);
        long size = chunksize(word);
        add(IN_USE_BYTES, -size);
        add(LIVE_CHUNKS, -1);
        add(FREED_BYTES, size);
        add(FREED_CHUNKS, 1);
    }

    @Override
    public long calloc(long nmemb, long size) {
        long total = nmemb * size;
        if (multiplyOverflows(nmemb, size)) {
            errno = Errno.ENOMEM;
            return 0;
        }
        // Never-reused memory comes fresh from brk or mmap, which the kernel zeroes: as glibc's
        // calloc skips clearing fresh top and mmapped chunks, nothing is written (and no page touched).
        return malloc(total);
    }

    @Override
    public long realloc(long ptr, long size) {
        if (ptr == 0) {
            return malloc(size);
        }
        if (size == 0) {
            free(ptr); // REALLOC_ZERO_BYTES_FREES, glibc's default
            return 0;
        }
        long word = sizeWord(ptr, INVALID_POINTER_REALLOC, INVALID_SIZE_REALLOC);
        if ((word & FREED) != 0) {
            throw new MallocAbort(REALLOC_FREED);
        }
        if (Long.compareUnsigned(size, MAX_REQUEST) > 0) {
            errno = Errno.ENOMEM;
            return 0;
        }
        long oldSize = chunksize(word);
        if (request2size(size) <= oldSize) {
            return ptr; // shrinking keeps the chunk whole: nothing is split off for reuse
        }
        long q = malloc(size);
        if (q == 0) {
            return 0; // the old block stays, as C requires
        }
        space.copy(q, ptr, Math.min(usable(oldSize), size));
        free(ptr);
        return q;
    }

    @Override
    public long reallocarray(long ptr, long nmemb, long size) {
        if (multiplyOverflows(nmemb, size)) {
            errno = Errno.ENOMEM;
            return 0;
        }
        return realloc(ptr, nmemb * size);
    }

    @Override
    protected long alignedBlock(long alignment, long size) {
        return carve(request2size(size), alignment);
    }

    @Override
    public long mallocUsableSize(long ptr) {
        if (ptr == 0) {
            return 0;
        }
        long word = sizeWord(ptr, "malloc_usable_size(): invalid pointer", "malloc_usable_size(): invalid size");
        return (word & FREED) != 0 ? 0 : usable(chunksize(word));
    }

    @Override
    public int mallocTrim(long pad) {
        return 0;
    }

    @Override
    public int mallopt(int param, int value) {
        return 0;
    }

    /**
     * The heap in glibc's terms: {@code arena} is every byte taken from the kernel, {@code uordblks}
     * the live chunks, {@code fordblks} the rest (freed chunks, alignment gaps, the unused end of
     * each region), {@code ordblks} the freed chunks plus the current region's remainder, whose
     * size is {@code keepcost}. No chunk is mmapped on its own, so {@code hblks} is 0.
     */
    @Override
    public MallInfo2 mallinfo2() {
        long system = load(SYSTEM_BYTES);
        long inUse = load(IN_USE_BYTES);
        long rest = load(END) - load(TOP);
        long remainder = rest > 0 ? rest : 0;
        return new MallInfo2(
                system, load(FREED_CHUNKS) + (remainder > 0 ? 1 : 0), 0, 0, 0, 0, 0, inUse, system - inUse, remainder);
    }

    /** In the layout of glibc's {@code malloc_stats} (one arena, no mmapped chunks). */
    @Override
    public String mallocStats() {
        long system = load(SYSTEM_BYTES);
        long inUse = load(IN_USE_BYTES);
        return String.format(
                        "Arena 0:%nsystem bytes     = %10d%nin use bytes     = %10d%nTotal (incl. mmap):%n"
                                + "system bytes     = %10d%nin use bytes     = %10d%nmax mmap regions = %10d%nmax mmap bytes   = %10d%n",
                        system, inUse, system, inUse, 0, 0)
                .replace(System.lineSeparator(), "\n");
    }

    @Override
    public String mallocInfo(int options) {
        MallInfo2 m = mallinfo2();
        return "<malloc version=\"bump-1\">\n<heap nr=\"0\">\n<total type=\"rest\" count=\"" + m.ordblks()
                + "\" size=\"" + m.fordblks() + "\"/>\n<system type=\"current\" size=\"" + m.arena()
                + "\"/>\n</heap>\n<system type=\"current\" size=\"" + m.arena() + "\"/>\n</malloc>\n";
    }

    /**
     * Carves a chunk of {@code size} whose memory is aligned to {@code alignment} (a power of two,
     * at least 16), growing the heap when the region is too small; NULL with ENOMEM when the
     * kernel refuses.
     */
    private long carve(long size, long alignment) {
        long mem = alignUp(load(TOP) + 16, alignment);
        // the chunk lends the next one's prev_size word to its caller, so that word must be mapped too
        if (mem - 16 + size + 8 > load(END)) {
            if (!grow(size, alignment)) {
                errno = Errno.ENOMEM;
                return 0;
            }
            mem = alignUp(load(TOP) + 16, alignment);
        }
        long chunk = mem2chunk(mem);
        long top = load(TOP);
        if (chunk > top) {
            space.store64(sizeOffset(top), (chunk - top) | FREED | PREV_INUSE); // the alignment gap
        }
        space.store64(sizeOffset(chunk), size | PREV_INUSE);
        store(TOP, chunk + size);
        if ((load(FLAGS) & NONCONTIGUOUS) == 0) {
            store(BRK_TOP, chunk + size);
        }
        add(IN_USE_BYTES, size);
        add(LIVE_CHUNKS, 1);
        return chunk2mem(chunk);
    }

    /**
     * Makes room for a chunk of {@code size} at {@code alignment}: moves the break to the next page
     * boundary past it while brk works (glibc's {@code sysmalloc} asks for whole pages too), else
     * maps a new region of at least {@link #REGION_BYTES} and leaves the old one's tail unused.
     * Only a region actually mapped ends the use of brk, so one impossible request does not.
     */
    private boolean grow(long size, long alignment) {
        long end = load(END);
        if ((load(FLAGS) & NONCONTIGUOUS) == 0) {
            long want = (alignUp(load(TOP) + 16, alignment) - 16 + size + 8 + PAGE - 1) & -PAGE;
            if (space.brk(want) == want) {
                add(SYSTEM_BYTES, want - end);
                store(END, want);
                return true;
            }
        }
        long len = Math.max((size + alignment + 8 + PAGE - 1) & -PAGE, REGION_BYTES);
        long p = space.mmap(0, len, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        if (isError(p)) {
            return false; // neither worked: the request fails, and a smaller one may still use brk
        }
        store(FLAGS, load(FLAGS) | NONCONTIGUOUS);
        store(TOP, p);
        store(END, p + len);
        add(SYSTEM_BYTES, len);
        add(REGIONS, 1);
        return true;
    }

    /**
     * Walks the brk heap from its first chunk to its last: every size word a multiple of 16 with
     * PREV_INUSE and no flag but FREED, the chunks tiling the heap exactly; and, while no mmapped
     * region holds chunks, the live chunks are the ones the state counts. The top stays within
     * the region. Mmapped regions are not walked.
     */
    @Override
    public void checkHeap() {
        long c = load(HEAP_START);
        long end = load(BRK_TOP);
        long live = 0;
        long liveBytes = 0;
        while (c < end) {
            long word = space.load64(sizeOffset(c));
            long size = chunksize(word);
            if (size < ALIGNMENT
                    || (word & PREV_INUSE) == 0
                    || (word & FLAG_BITS & ~(PREV_INUSE | FREED)) != 0
                    || c + size > end) {
                throw new IllegalStateException(String.format(
                        "bump heap: chunk 0x%x has size word 0x%x (heap 0x%x-0x%x)", c, word, load(HEAP_START), end));
            }
            if ((word & FREED) == 0) {
                live++;
                liveBytes += size;
            }
            c += size;
        }
        if (c != end) {
            throw new IllegalStateException(String.format("bump heap: chunks end at 0x%x, not at 0x%x", c, end));
        }
        if (load(REGIONS) == 0 && (live != load(LIVE_CHUNKS) || liveBytes != load(IN_USE_BYTES))) {
            throw new IllegalStateException(String.format(
                    "bump heap: %d live chunks of %d bytes, the state counts %d of %d",
                    live, liveBytes, load(LIVE_CHUNKS), load(IN_USE_BYTES)));
        }
        if (load(TOP) + 8 > load(END) && load(TOP) != load(HEAP_START)) {
            throw new IllegalStateException(String.format(
                    "bump heap: top 0x%x past the region's end 0x%x less the lent word", load(TOP), load(END)));
        }
    }

    /** The size word of the chunk of {@code ptr}, checked as the policy's bad-input rules say. */
    private long sizeWord(long ptr, String misaligned, String badSize) {
        if ((ptr & (ALIGNMENT - 1)) != 0) {
            throw new MallocAbort(misaligned);
        }
        long word = space.load64(sizeOffset(mem2chunk(ptr)));
        long size = chunksize(word);
        if (size < MIN_CHUNK || size > MAX_REQUEST + MIN_CHUNK || (word & FLAG_BITS & ~(PREV_INUSE | FREED)) != 0) {
            throw new MallocAbort(badSize);
        }
        return word;
    }

    /** Whether {@code a * b} overflows 64 unsigned bits (the check of glibc's {@code __libc_calloc}). */
    private static boolean multiplyOverflows(long a, long b) {
        // Math.multiplyHigh is signed; adding back b for a negative a (and vice versa) makes it
        // the unsigned high word (Hacker's Delight, 8-3).
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a) != 0;
    }

    private static long alignUp(long v, long alignment) {
        return (v + alignment - 1) & -alignment;
    }

    private static boolean isError(long syscallResult) {
        return syscallResult < 0 && syscallResult >= -4095;
    }

    private long load(int field) {
        return space.load64(state + field);
    }

    private void store(int field, long value) {
        space.store64(state + field, value);
    }

    private void add(int field, long delta) {
        space.store64(state + field, space.load64(state + field) + delta);
    }
}
