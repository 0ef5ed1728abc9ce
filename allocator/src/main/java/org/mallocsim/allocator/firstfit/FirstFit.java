package org.mallocsim.allocator.firstfit;

import java.util.Map;
import org.mallocsim.allocator.common.AddressOrderedHeap;
import org.mallocsim.kernel.mm.AddressSpace;

/**
 * Address-ordered first fit (Wilson, Johnstone, Neely and Boles, "Dynamic Storage Allocation: A
 * Survey and Critical Review", 1995, section 3.3, "First fit"): the lowest-addressed free chunk
 * that is large enough serves the request, split when the remainder can be a chunk; freed chunks
 * merge with free neighbours at once (boundary tags). The survey and Johnstone and Wilson (ISMM
 * 1998) found this policy among the least fragmenting. Bad input is answered as
 * {@link org.mallocsim.allocator.common.BoundaryTagHeap} and
 * {@link org.mallocsim.allocator.common.PolicyAllocator} document.
 */
public final class FirstFit extends AddressOrderedHeap {
    /** A first-fit heap for a process that has made no allocator call; options are ignored. */
    public FirstFit(AddressSpace space, Map<String, String> options) {
        super(space);
    }

    @Override
    protected String name() {
        return "first-fit";
    }

    @Override
    protected long findFit(long size) {
        for (long c = head(); c != 0; c = fd(c)) {
            if (size(c) >= size) {
                return c;
            }
        }
        return 0;
    }
}
