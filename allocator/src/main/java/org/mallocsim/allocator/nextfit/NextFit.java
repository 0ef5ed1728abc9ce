package org.mallocsim.allocator.nextfit;

import java.util.Map;
import org.mallocsim.allocator.common.AddressOrderedHeap;
import org.mallocsim.kernel.mm.AddressSpace;

/**
 * Next fit (Wilson, Johnstone, Neely and Boles 1995, section 3.3, "Next fit"; Knuth's roving
 * pointer): the search starts where the previous one ended and wraps around the address-ordered
 * free list once. The rover lives in the state page; it moves to a split chunk's remainder, and
 * to the following chunk when the chunk it names leaves the list (allocated whole or merged). The
 * survey reports that next fit spreads objects across the heap and fragments more than first fit.
 * Bad input as {@link AddressOrderedHeap}'s.
 */
public final class NextFit extends AddressOrderedHeap {
    /** A next-fit heap for a process that has made no allocator call; options are ignored. */
    public NextFit(AddressSpace space, Map<String, String> options) {
        super(space);
    }

    @Override
    protected String name() {
        return "next-fit";
    }

    /** Where the next search starts (0: the head). */
    long rover() {
        return load(ROVER);
    }

    @Override
    protected long findFit(long size) {
        long start = load(ROVER);
        for (long c = start == 0 ? head() : start; c != 0; c = fd(c)) {
            if (size(c) >= size) {
                return c;
            }
        }
        for (long c = head(); c != start && c != 0; c = fd(c)) {
            if (size(c) >= size) {
                return c;
            }
        }
        return 0;
    }

    @Override
    protected void removeFree(long c, long size) {
        if (load(ROVER) == c) {
            store(ROVER, fd(c));
        }
        super.removeFree(c, size);
    }

    @Override
    protected void replaceFree(long c, long size, long rest, long restSize) {
        super.replaceFree(c, size, rest, restSize);
        store(ROVER, rest);
    }
}
