package org.mallocsim.kernel.paging;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Emulated physical RAM: 4 KiB frames in off-heap direct {@link ByteBuffer} slabs that are
 * allocated on first use, so host memory follows the frames in use, not the configured size.
 * Frame numbers (pfn) are {@code paddr >>> 12}. Frame 0 is the shared zero page.
 *
 * <p>The frame allocator plays the part of the kernel's page allocator ({@code alloc_page},
 * {@code free_page}, mm/page_alloc.c) without the buddy orders: every request is one frame.
 *
 * <pre>
 *  pfn:      | 63 ........... 10 | 9 ...... 0 |       paddr = pfn << 12 | offset
 *            |    slab index     | frame in   |       slab  = slabs[pfn >>> 10]
 *                                  slab                slabOffset = paddr & (4 MiB - 1)
 *
 *  slabs[]:  [ slab 0 (4 MiB)       ][ slab 1 ][ null ][ null ] ...   one per 1024 frames,
 *            [z][f1][f2] ... [f1023]                                  allocated when the bump
 *             ^ frame 0 = zero page                                   pointer first enters it
 *
 *  frames:   0 ........ nextFresh ........................ frames
 *            | handed out once |   never touched: no slab yet      |
 *  freeStack[0 .. freeTop): freed pfns, popped last-in first-out
 *
 *  home frames (RAM of at least 1 GiB + 4 MiB): slabs 1 .. 256, slices of one reservation of 1 GiB
 *            [ HOME_FIRST = 1024 ............................. HOME_FIRST + HOME_FRAMES )
 *  page va's home frame = HOME_FIRST + homeOffset(va) / 4096, homeOffset(va) = va mod 1 GiB
 *  host address of va in its home frame = homeHost() + homeOffset(va)
 *  pages 1 GiB apart share a home frame; glibc's thread heaps, 64 MiB apart, do not
 *  homeUsed: one bit per home frame, set while allocated; the bump pointer skips the range
 * </pre>
 *
 * <p>Home frames let the TLB's hit path compute a host address from the virtual address alone
 * ({@link Mmu}): a user page whose home frame is free gets it at its first fault
 * ({@link #allocZeroedFrameFor}); other frames (page tables, a page whose home frame is taken,
 * a page moved by mremap) come from the rest of RAM. Linux's frame numbers are arbitrary too, and
 * nothing a process can observe depends on them. The home memory is reserved from the host when
 * the first home frame is asked for (address space only: the host commits the frames a process
 * touches); a home frame is zeroed when it is handed out again, or when the reservation was
 * another process's before.
 *
 * <p>Slab size, 4 MiB (1024 frames): host memory overshoots the frames in use by less than one
 * slab; {@code allocateDirect} (which zeroes, reserves and registers a cleaner) is paid once per
 * 1024 frames, a few hundred nanoseconds per frame at most; the slab table for the default 4 GiB
 * is 1024 references and a frame's slab is one shift and one array load; offsets fit an
 * {@code int}. Slabs are never given back: host memory follows the peak of frames in use.
 *
 * <p>Free list: a LIFO stack of freed pfns ({@code int[]}, grown by doubling, never larger than
 * the frames handed out so far) in front of a bump pointer over never-used frames. Both ends are
 * O(1); a freed frame is reused first, while its cache lines are still warm, and fresh frames
 * come from {@code allocateDirect} already zeroed. Not thread-safe: one emulated CPU.
 *
 * <p>Guest memory is little-endian x86; the buffers use the host's native order, so only
 * little-endian hosts are supported.
 */
public final class PhysicalMemory {
    public static final int FRAME_SHIFT = 12;
    public static final int FRAME_SIZE = 1 << FRAME_SHIFT;

    /** log2 of the slab size: 4 MiB slabs of 1024 frames. */
    public static final int SLAB_SHIFT = 22;
    /** Bytes per slab. */
    public static final int SLAB_SIZE = 1 << SLAB_SHIFT;

    static final int FRAMES_PER_SLAB_SHIFT = SLAB_SHIFT - FRAME_SHIFT;
    static final int SLAB_OFFSET_MASK = SLAB_SIZE - 1;

    /** Integrity checks (double free, zero-page writes through the bulk helpers): {@code -Dmallocsim.paging.checks=true}. */
    static final boolean CHECKS = Boolean.getBoolean("mallocsim.paging.checks");

    private static final long ZERO_PFN = 0;

    /** log2 of the home frames: 262,144 frames, 1 GiB, sixteen of glibc's 64 MiB thread heaps. */
    public static final int HOME_SHIFT = 18;
    /** Home frames; a page's home frame is chosen by its page number modulo this. */
    public static final int HOME_FRAMES = 1 << HOME_SHIFT;
    /** Bytes of the home frames; a power of two, so a page's offset among them is a mask. */
    public static final long HOME_BYTES = (long) HOME_FRAMES << FRAME_SHIFT;
    /** The first home frame: slab 0 keeps the zero page and the first page tables. */
    public static final long HOME_FIRST = 1L << FRAMES_PER_SLAB_SHIFT;

    private static final long HOME_END = HOME_FIRST + HOME_FRAMES;

    private final long frames;
    private final ByteBuffer[] slabs;
    private int[] freeStack = new int[64];
    private int freeTop;
    private long nextFresh;
    private long inUse;
    private long peakInUse;
    private int slabsAllocated;
    /** One bit per frame ever handed out, set while allocated; kept only with {@link #CHECKS}. */
    private long[] allocatedBits = CHECKS ? new long[16] : null;

    /** Whether RAM is large enough for home frames; the bump pointer skips them if so. */
    private final boolean homeReserved;
    /** Host address of the first home frame; 0 until the home buffer exists, or when it cannot. */
    private long homeHost;

    /** Set when the host refused the home reservation: every page then takes an ordinary frame. */
    private boolean homeRefused;
    /** Set by {@link #release}: every frame is gone, and no home reservation is made again. */
    private boolean released;

    private HostMemory.Reservation homeReservation;
    private final long[] homeUsed = new long[HOME_FRAMES / 64];
    /** Home frames handed out at least once, to tell a double free from a bad pfn. */
    private final long[] homeEverUsed = new long[HOME_FRAMES / 64];

    /** @param bytes emulated RAM size, a multiple of the frame size */
    public PhysicalMemory(long bytes) {
        if (bytes < FRAME_SIZE || (bytes & (FRAME_SIZE - 1)) != 0) {
            throw new IllegalArgumentException("RAM size must be a positive multiple of 4096: " + bytes);
        }
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("the emulated x86 memory needs a little-endian host");
        }
        frames = bytes >>> FRAME_SHIFT;
        if (frames > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("at most 2^31 frames (8 TiB): " + bytes);
        }
        slabs = new ByteBuffer[(int) ((frames + (1 << FRAMES_PER_SLAB_SHIFT) - 1) >>> FRAMES_PER_SLAB_SHIFT)];
        homeReserved = frames >= HOME_END;
        if (allocFrame() != ZERO_PFN) {
            throw new IllegalStateException("no host memory for the zero page");
        }
    }

    /** Total frames, the zero page included. */
    public long frames() {
        return frames;
    }

    /** Frames handed out and not yet freed (the zero page and page tables included). */
    public long framesInUse() {
        return inUse;
    }

    /** The largest {@link #framesInUse()} seen. */
    public long peakFramesInUse() {
        return peakInUse;
    }

    /** Slabs allocated from the host so far; host bytes = {@code slabsAllocated() * SLAB_SIZE}. */
    public int slabsAllocated() {
        return slabsAllocated;
    }

    /** A free frame's pfn with unspecified contents, or -1 when none is left. O(1). */
    public long allocFrame() {
        long pfn;
        if (freeTop > 0) {
            pfn = freeStack[--freeTop];
        } else {
            pfn = allocFresh();
            if (pfn < 0) {
                return anyHomeFrame();
            }
        }
        taken(pfn);
        return pfn;
    }

    /** A free frame filled with zeros, or -1 when none is left. */
    public long allocZeroedFrame() {
        if (freeTop > 0) {
            long pfn = freeStack[--freeTop];
            taken(pfn);
            zeroFrame(pfn);
            return pfn;
        }
        long pfn = allocFresh(); // allocateDirect zeroed it, and nobody has written it since
        if (pfn >= 0) {
            taken(pfn);
            return pfn;
        }
        return anyHomeFrame();
    }

    /**
     * A zeroed frame for the user page at {@code vaddr}: its home frame when that is free, else
     * any free frame; -1 when none is left.
     */
    public long allocZeroedFrameFor(long vaddr) {
        if (homeHost() != 0) {
            int h = (int) (homeOffset(vaddr) >>> FRAME_SHIFT);
            if ((homeUsed[h >>> 6] & (1L << h)) == 0) {
                return takeHome(h);
            }
        }
        return allocZeroedFrame();
    }

    /**
     * The host address of the first home frame, allocating the home buffer on first use; 0 when
     * RAM is too small for home frames or the host refused the buffer.
     */
    public long homeHost() {
        if (homeHost == 0 && homeReserved && !homeRefused && !released) {
            try {
                // reserved, not committed: the host backs the frames a process touches, as with
                // slabs, and a process costs no 1 GiB of zeroing at its first fault
                homeReservation = HostMemory.reserve((int) HOME_BYTES);
                ByteBuffer home = homeReservation.buffer();
                int first = (int) (HOME_FIRST >>> FRAMES_PER_SLAB_SHIFT);
                for (int k = 0; k < HOME_FRAMES >>> FRAMES_PER_SLAB_SHIFT; k++) {
                    slabs[first + k] = home.slice(k << SLAB_SHIFT, SLAB_SIZE).order(ByteOrder.nativeOrder());
                }
                slabsAllocated += HOME_FRAMES >>> FRAMES_PER_SLAB_SHIFT;
                homeHost = HostMemory.address(home);
            } catch (OutOfMemoryError hostRefused) {
                homeRefused = true; // every page then takes an ordinary frame
            }
        }
        return homeHost;
    }

    /**
     * Gives the frames back to the host, the home frames to the next process: the owner's process
     * is over. Every later access to a frame throws; the caller has flushed every TLB first.
     */
    public void release() {
        Arrays.fill(slabs, null);
        released = true;
        homeHost = 0;
        if (homeReservation != null) {
            homeReservation.release().clean();
            homeReservation = null;
        }
    }

    /** Whether {@code pfn} is the home frame of the page at {@code vaddr}. */
    public boolean isHome(long pfn, long vaddr) {
        return homeHost != 0 && pfn == HOME_FIRST + (homeOffset(vaddr) >>> FRAME_SHIFT);
    }

    /** The offset of {@code vaddr}'s byte among the home frames, were its page in its home frame. */
    public static long homeOffset(long vaddr) {
        return vaddr & (HOME_BYTES - 1);
    }

    private long takeHome(int h) {
        homeUsed[h >>> 6] |= 1L << h;
        long pfn = HOME_FIRST + h;
        taken(pfn);
        if (!homeReservation.zeroed() || (homeEverUsed[h >>> 6] & (1L << h)) != 0) {
            zeroFrame(pfn);
        }
        homeEverUsed[h >>> 6] |= 1L << h;
        return pfn;
    }

    /** The last resort of an allocation that found no ordinary frame: any free home frame. */
    private long anyHomeFrame() {
        if (!homeReserved || homeHost() == 0) {
            return -1;
        }
        for (int w = 0; w < homeUsed.length; w++) {
            if (homeUsed[w] != -1L) {
                return takeHome((w << 6) | Long.numberOfTrailingZeros(~homeUsed[w]));
            }
        }
        return -1;
    }

    /** Returns a frame to the free list. O(1). */
    public void freeFrame(long pfn) {
        boolean home = homeReserved && pfn >= HOME_FIRST && pfn < HOME_END;
        int h = (int) (pfn - HOME_FIRST);
        if (pfn <= ZERO_PFN || (home ? (homeEverUsed[h >>> 6] & (1L << h)) == 0 : pfn >= nextFresh)) {
            throw new IllegalArgumentException("not a freeable frame: " + pfn);
        }
        if (home) {
            if ((homeUsed[h >>> 6] & (1L << h)) == 0) {
                throw new IllegalStateException("double free of frame " + pfn);
            }
            homeUsed[h >>> 6] &= ~(1L << h);
            inUse--;
            if (CHECKS) {
                allocatedBits[(int) (pfn >>> 6)] &= ~(1L << pfn);
            }
            return;
        }
        if (CHECKS) {
            if (!bit(pfn)) {
                throw new IllegalStateException("double free of frame " + pfn);
            }
            allocatedBits[(int) (pfn >>> 6)] &= ~(1L << pfn);
        }
        if (freeTop == freeStack.length) {
            freeStack = Arrays.copyOf(freeStack, freeTop * 2);
        }
        freeStack[freeTop++] = (int) pfn;
        inUse--;
    }

    /** The shared zero page's pfn: never freed, never written. */
    public long zeroPfn() {
        return ZERO_PFN;
    }

    /** The slab that holds a frame (for the TLB's host-address fast path). */
    public ByteBuffer slab(long pfn) {
        return slabs[(int) (pfn >>> FRAMES_PER_SLAB_SHIFT)];
    }

    /** Byte offset of a physical address inside its slab. */
    public int slabOffset(long paddr) {
        return (int) paddr & SLAB_OFFSET_MASK;
    }

    public byte getByte(long paddr) {
        return slabOf(paddr).get(slabOffset(paddr));
    }

    public void putByte(long paddr, byte v) {
        checkWritable(paddr);
        slabOf(paddr).put(slabOffset(paddr), v);
    }

    public int getInt(long paddr) {
        return slabOf(paddr).getInt(slabOffset(paddr));
    }

    public void putInt(long paddr, int v) {
        checkWritable(paddr);
        slabOf(paddr).putInt(slabOffset(paddr), v);
    }

    public long getLong(long paddr) {
        return slabOf(paddr).getLong(slabOffset(paddr));
    }

    public void putLong(long paddr, long v) {
        checkWritable(paddr);
        slabOf(paddr).putLong(slabOffset(paddr), v);
    }

    /** Fills a frame with zeros ({@code clear_page}), by a bulk copy from the zero page. */
    public void zeroFrame(long pfn) {
        copyFrame(pfn, ZERO_PFN);
    }

    /** Copies a whole frame ({@code copy_page}, as COW does in {@code wp_page_copy}). */
    public void copyFrame(long dstPfn, long srcPfn) {
        long dst = dstPfn << FRAME_SHIFT;
        long src = srcPfn << FRAME_SHIFT;
        checkWritable(dst);
        slabOf(dst).put(slabOffset(dst), slabOf(src), slabOffset(src), FRAME_SIZE);
    }

    /** True if the frame holds only zero bytes; a scan, for tests and checks. */
    public boolean isZeroFrame(long pfn) {
        ByteBuffer b = slab(pfn);
        int off = slabOffset(pfn << FRAME_SHIFT);
        for (int i = 0; i < FRAME_SIZE; i += 8) {
            if (b.getLong(off + i) != 0) {
                return false;
            }
        }
        return true;
    }

    private ByteBuffer slabOf(long paddr) {
        ByteBuffer b = slabs[(int) (paddr >>> SLAB_SHIFT)];
        if (b == null) {
            throw new IllegalStateException("no RAM at paddr 0x" + Long.toHexString(paddr)
                    + (released ? ": the process's RAM was released" : ""));
        }
        return b;
    }

    /** The zero page is shared by every read-only zero mapping: a write to it is a kernel bug. */
    private static void checkWritable(long paddr) {
        if (paddr >>> FRAME_SHIFT == ZERO_PFN) {
            throw new IllegalStateException("write to the zero page at paddr 0x" + Long.toHexString(paddr));
        }
    }

    /** Carves the next never-used frame, allocating its slab when it is the slab's first; -1 if none. */
    private long allocFresh() {
        if (nextFresh >= frames) {
            return -1;
        }
        long pfn = nextFresh;
        if (pfn == HOME_FIRST && homeReserved) {
            pfn = HOME_END;
            if (pfn >= frames) {
                return -1;
            }
        }
        int slab = (int) (pfn >>> FRAMES_PER_SLAB_SHIFT);
        if (slabs[slab] == null) {
            long remaining = (frames - ((long) slab << FRAMES_PER_SLAB_SHIFT)) << FRAME_SHIFT;
            int size = (int) Math.min(SLAB_SIZE, remaining);
            try {
                slabs[slab] = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
            } catch (OutOfMemoryError hostRefused) {
                return -1; // -XX:MaxDirectMemorySize or the host ran out: the guest sees RAM exhausted
            }
            slabsAllocated++;
        }
        nextFresh = pfn + 1;
        return pfn;
    }

    private void taken(long pfn) {
        if (++inUse > peakInUse) {
            peakInUse = inUse;
        }
        if (CHECKS) {
            int word = (int) (pfn >>> 6);
            if (word >= allocatedBits.length) {
                allocatedBits = Arrays.copyOf(allocatedBits, Math.max(word + 1, allocatedBits.length * 2));
            }
            allocatedBits[word] |= 1L << pfn;
        }
    }

    private boolean bit(long pfn) {
        int word = (int) (pfn >>> 6);
        return word < allocatedBits.length && (allocatedBits[word] & (1L << pfn)) != 0;
    }
}
