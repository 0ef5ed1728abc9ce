package org.mallocsim.allocator.common;

import static org.mallocsim.allocator.common.PolicyLayout.ALIGNED;
import static org.mallocsim.allocator.common.PolicyLayout.FLAG_BITS;
import static org.mallocsim.allocator.common.PolicyLayout.MAX_MMAPPED_BYTES;
import static org.mallocsim.allocator.common.PolicyLayout.MMAPPED;
import static org.mallocsim.allocator.common.PolicyLayout.MMAPPED_BLOCKS;
import static org.mallocsim.allocator.common.PolicyLayout.MMAPPED_BYTES;
import static org.mallocsim.allocator.common.PolicyLayout.MMAP_HEADER;
import static org.mallocsim.allocator.common.PolicyLayout.MMAP_THRESHOLD;

import org.mallocsim.allocator.HeapCheck;
import org.mallocsim.allocator.MallInfo2;
import org.mallocsim.allocator.MallocAbort;
import org.mallocsim.kernel.Errno;
import org.mallocsim.kernel.Mman;
import org.mallocsim.kernel.Page;
import org.mallocsim.kernel.mm.AddressSpace;

/**
 * The C interface of every policy but glibc's and bump, written once: a policy supplies how it
 * allocates, releases and measures a block below the mmap threshold, and this class supplies the
 * rest the way glibc's {@code __libc_*} wrappers do: argument checks and errno, large requests
 * as regions of their own from mmap (released by munmap, grown by mremap, as glibc's
 * {@code mmap_chunk}/{@code munmap_chunk}/{@code mremap_chunk}), calloc's clearing, realloc by
 * move-and-copy when the policy cannot resize in place, and the memalign family by
 * over-allocation with an offset word below the aligned pointer (see {@link PolicyLayout}).
 *
 * <p>Bad input common to every policy: a pointer that is not 16-aligned aborts with
 * {@code "<call>(): invalid pointer"}; an mmapped block whose header does not describe a region
 * holding it aborts with {@code "<call>(): invalid mmapped block"}; an aligned block whose offset
 * word is not a multiple of 16 below 2^47 aborts with {@code "<call>(): invalid aligned block"};
 * a freed mmapped block is unmapped, so using it again raises SIGSEGV on the load of its header.
 */
public abstract class PolicyAllocator extends MemalignFamily implements HeapCheck {
    /** glibc's {@code DEFAULT_MMAP_THRESHOLD_MIN}: requests this large get a region of their own. */
    public static final long DEFAULT_MMAP_THRESHOLD = 128 * 1024;
    /** {@code mallopt} parameter {@code M_MMAP_THRESHOLD} (malloc.h). */
    public static final int M_MMAP_THRESHOLD = -3;

    protected static final long PAGE = Page.PAGE_SIZE;
    protected static final long ALIGNMENT = 16;

    protected final AddressSpace space;
    /** The state page: {@link PolicyLayout}'s fields, then the policy's own from {@link PolicyLayout#SUBCLASS}. */
    protected final long state;

    /**
     * Maps the state: {@code stateBytes} rounded up to whole pages.
     *
     * @throws IllegalStateException when the kernel refuses the pages
     */
    protected PolicyAllocator(AddressSpace space, long stateBytes) {
        this.space = space;
        this.state = mapOrThrow(space, (stateBytes + PAGE - 1) & -PAGE, "its state");
        space.store64(state + MMAP_THRESHOLD, DEFAULT_MMAP_THRESHOLD);
    }

    /** The policy's name, as {@code mallocsim replay --allocator} spells it. */
    protected abstract String name();

    /** A block of at least {@code size} usable bytes (size below the mmap threshold), or 0 when memory ran out. */
    protected abstract long allocate(long size);

    /** Releases the block at {@code p}, checking it first; {@code call} names the C function for messages. */
    protected abstract void release(long p, String call);

    /** The usable bytes of the live block at {@code p}, checking it first. */
    protected abstract long usable(long p, String call);

    /** Makes the live block at {@code p} hold {@code size} bytes without moving it, if the policy can. */
    protected boolean resizeInPlace(long p, long size) {
        return false;
    }

    /** Whether calloc must clear a block at {@code p} that {@link #allocate} just returned. */
    protected boolean mustClear(long p) {
        return true;
    }

    /** Whether {@code p} is certainly the policy's own block: a headerless policy answers from its page map. */
    protected boolean owns(long p) {
        return false;
    }

    /**
     * A block of {@code size} bytes at {@code alignment} (a power of two above 16, with size +
     * alignment below the mmap threshold): by default an over-allocation with an offset word.
     */
    protected long allocateAligned(long alignment, long size) {
        long real = allocate(size + alignment - ALIGNMENT);
        if (real == 0) {
            return 0;
        }
        long p = (real + alignment - 1) & -alignment;
        if (p != real) {
            space.store64(p - 8, (p - real) | ALIGNED);
        }
        return p;
    }

    /** {arena, ordblks, uordblks, fordblks, keepcost} of the policy's heap, mmapped blocks excluded. */
    protected abstract long[] heapInfo();

    /** The policy's own invariants ({@link #checkHeap()} adds the mmapped blocks' counters). */
    protected abstract void checkPolicyHeap();

    /** {@code malloc_trim}: 1 when memory went back to the kernel. */
    @Override
    public int mallocTrim(long pad) {
        return 0;
    }

    @Override
    public final AddressSpace addressSpace() {
        return space;
    }

    @Override
    public final long malloc(long size) {
        if (Long.compareUnsigned(size, MAX_REQUEST) > 0) {
            errno = Errno.ENOMEM;
            return 0;
        }
        long p = size >= mmapThreshold() ? mmapBlock(size, ALIGNMENT) : allocate(size);
        if (p == 0) {
            errno = Errno.ENOMEM;
        }
        return p;
    }

    @Override
    public final void free(long p) {
        if (p == 0) {
            return;
        }
        if (owns(p)) {
            release(p, "free");
            return;
        }
        long word = header(p, "free");
        if ((word & MMAPPED) != 0) {
            munmapBlock(p, word, "free");
        } else if ((word & ALIGNED) != 0) {
            release(alignedBase(p, word, "free"), "free");
        } else {
            release(p, "free");
        }
    }

    @Override
    public final long calloc(long nmemb, long size) {
        if (multiplyOverflows(nmemb, size)) {
            errno = Errno.ENOMEM;
            return 0;
        }
        long total = nmemb * size;
        long p = malloc(total);
        // fresh regions come zeroed from the kernel: clearing them would only fault their pages in
        if (p != 0 && total > 0 && (owns(p) || (space.load64(p - 8) & MMAPPED) == 0) && mustClear(p)) {
            space.fill(p, 0, total);
        }
        return p;
    }

    @Override
    public final long realloc(long p, long size) {
        if (p == 0) {
            return malloc(size);
        }
        if (size == 0) {
            free(p);
            return 0;
        }
        long old = mallocUsableSizeChecked(p, "realloc");
        if (Long.compareUnsigned(size, MAX_REQUEST) > 0) {
            errno = Errno.ENOMEM;
            return 0;
        }
        boolean own = owns(p);
        long word = own ? 0 : space.load64(p - 8);
        if ((word & MMAPPED) != 0) {
            if (size <= old && size >= mmapThreshold() / 2) {
                return p;
            }
            if (size >= mmapThreshold() && p - space.load64(p - MMAP_HEADER) == MMAP_HEADER) {
                long q = mremapBlock(p, word, size);
                if (q != 0) {
                    return q;
                }
            }
        } else if ((word & ALIGNED) == 0 && size < mmapThreshold() && resizeInPlace(p, size)) {
            return p;
        }
        long q = malloc(size);
        if (q == 0) {
            return 0;
        }
        space.copy(q, p, Math.min(old, size));
        free(p);
        return q;
    }

    @Override
    public final long reallocarray(long p, long nmemb, long size) {
        if (multiplyOverflows(nmemb, size)) {
            errno = Errno.ENOMEM;
            return 0;
        }
        return realloc(p, nmemb * size);
    }

    /** A block at {@code alignment}: mmapped at the threshold, else from the policy's heap. */
    @Override
    protected final long alignedBlock(long alignment, long size) {
        long p = size + alignment >= mmapThreshold() ? mmapBlock(size, alignment) : allocateAligned(alignment, size);
        if (p == 0) {
            errno = Errno.ENOMEM;
        }
        return p;
    }

    @Override
    public final long mallocUsableSize(long p) {
        return p == 0 ? 0 : mallocUsableSizeChecked(p, "malloc_usable_size");
    }

    /** {@code M_MMAP_THRESHOLD} is the one parameter every policy takes; the rest are refused. */
    @Override
    public int mallopt(int param, int value) {
        if (param == M_MMAP_THRESHOLD && value >= 0) {
            space.store64(state + MMAP_THRESHOLD, Math.max(value, 1024));
            return 1;
        }
        return 0;
    }

    @Override
    public final MallInfo2 mallinfo2() {
        long[] h = heapInfo();
        return new MallInfo2(h[0], h[1], 0, load(MMAPPED_BLOCKS), load(MMAPPED_BYTES), 0, 0, h[2], h[3], h[4]);
    }

    /** In the layout of glibc's {@code malloc_stats}: one arena, then the totals with the mmapped regions. */
    @Override
    public final String mallocStats() {
        long[] h = heapInfo();
        long mm = load(MMAPPED_BYTES);
        return "Arena 0:\n" + line("system bytes", h[0]) + line("in use bytes", h[2]) + "Total (incl. mmap):\n"
                + line("system bytes", h[0] + mm) + line("in use bytes", h[2] + mm)
                + line("max mmap regions", load(MMAPPED_BLOCKS)) + line("max mmap bytes", load(MAX_MMAPPED_BYTES));
    }

    @Override
    public final String mallocInfo(int options) {
        MallInfo2 m = mallinfo2();
        return "<malloc version=\"" + name() + "-1\">\n<heap nr=\"0\">\n<total type=\"rest\" count=\"" + m.ordblks()
                + "\" size=\"" + m.fordblks() + "\"/>\n<system type=\"current\" size=\"" + m.arena()
                + "\"/>\n</heap>\n<total type=\"mmap\" count=\"" + m.hblks() + "\" size=\"" + m.hblkhd()
                + "\"/>\n<system type=\"current\" size=\"" + (m.arena() + m.hblkhd()) + "\"/>\n</malloc>\n";
    }

    @Override
    public final void checkHeap() {
        checkPolicyHeap();
        if (load(MMAPPED_BLOCKS) < 0 || load(MMAPPED_BYTES) < 0 || load(MMAPPED_BYTES) > load(MAX_MMAPPED_BYTES)) {
            throw new IllegalStateException(name() + ": mmapped block counters out of range");
        }
    }

    /** The current mmap threshold ({@code M_MMAP_THRESHOLD}). */
    protected final long mmapThreshold() {
        return load(MMAP_THRESHOLD);
    }

    private long mallocUsableSizeChecked(long p, String call) {
        if (owns(p)) {
            return usable(p, call);
        }
        long word = header(p, call);
        if ((word & MMAPPED) != 0) {
            long r = checkedRegion(p, word, call);
            return r + (word & ~FLAG_BITS) - p;
        }
        if ((word & ALIGNED) != 0) {
            long real = alignedBase(p, word, call);
            return usable(real, call) - (p - real);
        }
        return usable(p, call);
    }

    private long header(long p, String call) {
        if ((p & (ALIGNMENT - 1)) != 0) {
            throw new MallocAbort(call + "(): invalid pointer");
        }
        return space.load64(p - 8);
    }

    private long alignedBase(long p, long word, String call) {
        long off = word & ~FLAG_BITS;
        if (off < ALIGNMENT || off > MAX_REQUEST || (word & (FLAG_BITS & ~ALIGNED)) != 0) {
            throw new MallocAbort(call + "(): invalid aligned block");
        }
        return p - off;
    }

    /** A region of its own for {@code size} bytes at {@code alignment}: glibc's {@code sysmalloc_mmap}. */
    private long mmapBlock(long size, long alignment) {
        long len = (size + alignment + MMAP_HEADER - ALIGNMENT + PAGE - 1) & -PAGE;
        long r = space.mmap(0, len, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        if (isError(r)) {
            return 0;
        }
        long p = (r + MMAP_HEADER + alignment - 1) & -alignment;
        space.store64(p - MMAP_HEADER, r);
        space.store64(p - 8, len | MMAPPED);
        countMmapped(1, len);
        return p;
    }

    private long checkedRegion(long p, long word, String call) {
        long r = space.load64(p - MMAP_HEADER);
        long len = word & ~FLAG_BITS;
        if ((r & (PAGE - 1)) != 0
                || (len & (PAGE - 1)) != 0
                || len == 0
                || p - r < MMAP_HEADER
                || p - r >= len
                || (word & (FLAG_BITS & ~MMAPPED)) != 0) {
            throw new MallocAbort(call + "(): invalid mmapped block");
        }
        return r;
    }

    private void munmapBlock(long p, long word, String call) {
        long r = checkedRegion(p, word, call);
        long len = word & ~FLAG_BITS;
        if (space.munmap(r, len) != 0) {
            throw new MallocAbort(call + "(): invalid mmapped block");
        }
        countMmapped(-1, -len);
    }

    /** glibc's {@code mremap_chunk}: the region moves or grows whole, its header kept. */
    private long mremapBlock(long p, long word, long size) {
        long r = p - MMAP_HEADER;
        long len = word & ~FLAG_BITS;
        long newLen = (size + MMAP_HEADER + PAGE - 1) & -PAGE;
        if (newLen == len) {
            return p;
        }
        long nr = space.mremap(r, len, newLen, Mman.MREMAP_MAYMOVE, 0);
        if (isError(nr)) {
            return 0;
        }
        space.store64(nr, nr);
        space.store64(nr + 8, newLen | MMAPPED);
        countMmapped(0, newLen - len);
        return nr + MMAP_HEADER;
    }

    private void countMmapped(long blocks, long bytes) {
        add(MMAPPED_BLOCKS, blocks);
        add(MMAPPED_BYTES, bytes);
        if (load(MMAPPED_BYTES) > load(MAX_MMAPPED_BYTES)) {
            space.store64(state + MAX_MMAPPED_BYTES, load(MMAPPED_BYTES));
        }
    }

    /** Maps {@code len} fresh bytes, or 0 when the kernel refuses. */
    protected final long mapPages(long len) {
        long r = space.mmap(0, len, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        return isError(r) ? 0 : r;
    }

    private static long mapOrThrow(AddressSpace space, long len, String what) {
        long r = space.mmap(0, len, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        if (isError(r)) {
            throw new IllegalStateException("mmap of " + what + " failed with errno " + -r);
        }
        return r;
    }

    /** Whether a syscall's return value is a negative errno. */
    protected static boolean isError(long syscallResult) {
        return syscallResult < 0 && syscallResult >= -4095;
    }

    /** Whether {@code a * b} overflows 64 unsigned bits (the check of glibc's {@code __libc_calloc}). */
    static boolean multiplyOverflows(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a) != 0;
    }

    /** The state page's field at {@code offset}. */
    protected final long load(int offset) {
        return space.load64(state + offset);
    }

    protected final void store(int offset, long value) {
        space.store64(state + offset, value);
    }

    protected final void add(int offset, long delta) {
        space.store64(state + offset, space.load64(state + offset) + delta);
    }

    private static String line(String label, long v) {
        return String.format("%-17s= %10d%n", label, v).replace(System.lineSeparator(), "\n");
    }
}
