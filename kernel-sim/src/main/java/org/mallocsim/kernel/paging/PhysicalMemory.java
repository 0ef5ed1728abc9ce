package org.mallocsim.kernel.paging;

import java.nio.ByteBuffer;

/**
 * Emulated physical RAM: 4 KiB frames in off-heap direct {@link ByteBuffer} slabs that are
 * allocated on first use, so host memory follows the frames in use, not the configured size.
 * Frame numbers (pfn) are {@code paddr >>> 12}. Frame 0 is the shared zero page.
 *
 * <p>SKELETON: bodies are filled in by the paging work; signatures are fixed.
 */
public final class PhysicalMemory {
    public static final int FRAME_SHIFT = 12;
    public static final int FRAME_SIZE = 1 << FRAME_SHIFT;

    /** @param bytes emulated RAM size, a multiple of the frame size */
    public PhysicalMemory(long bytes) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Total frames, the zero page included. */
    public long frames() { throw new UnsupportedOperationException("skeleton"); }

    /** Frames handed out and not yet freed (the zero page and page tables included). */
    public long framesInUse() { throw new UnsupportedOperationException("skeleton"); }

    /** A free frame's pfn with unspecified contents, or -1 when none is left. O(1). */
    public long allocFrame() { throw new UnsupportedOperationException("skeleton"); }

    /** A free frame filled with zeros, or -1 when none is left. */
    public long allocZeroedFrame() { throw new UnsupportedOperationException("skeleton"); }

    /** Returns a frame to the free list. O(1). */
    public void freeFrame(long pfn) { throw new UnsupportedOperationException("skeleton"); }

    /** The shared zero page's pfn: never freed, never written. */
    public long zeroPfn() { throw new UnsupportedOperationException("skeleton"); }

    /** The slab that holds a frame (for the TLB's host-address fast path). */
    public ByteBuffer slab(long pfn) { throw new UnsupportedOperationException("skeleton"); }

    /** Byte offset of a physical address inside its slab. */
    public int slabOffset(long paddr) { throw new UnsupportedOperationException("skeleton"); }

    public byte getByte(long paddr) { throw new UnsupportedOperationException("skeleton"); }
    public void putByte(long paddr, byte v) { throw new UnsupportedOperationException("skeleton"); }
    public long getLong(long paddr) { throw new UnsupportedOperationException("skeleton"); }
    public void putLong(long paddr, long v) { throw new UnsupportedOperationException("skeleton"); }
}
