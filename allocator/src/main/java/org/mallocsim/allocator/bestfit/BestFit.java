package org.mallocsim.allocator.bestfit;

import java.util.Map;
import org.mallocsim.allocator.common.AddressOrderedHeap;
import org.mallocsim.kernel.mm.AddressSpace;

/**
 * Best fit (Wilson, Johnstone, Neely and Boles 1995, section 3.3, "Best fit"): the smallest free
 * chunk that is large enough serves the request, the lowest-addressed one among equals; an exact
 * fit ends the search early. The free list is kept in address order and searched whole (the
 * survey's "exhaustive search"), so its cost per call grows with the number of free chunks, which
 * the replay's accesses-per-call metric shows. Bad input as {@link AddressOrderedHeap}'s.
 */
public final class BestFit extends AddressOrderedHeap {
    /** A best-fit heap for a process that has made no allocator call; options are ignored. */
    public BestFit(AddressSpace space, Map<String, String> options) {
        super(space);
    }

    @Override
    protected String name() {
        return "best-fit";
    }

    @Override
    protected long findFit(long size) {
        long best = 0;
        long bestSize = Long.MAX_VALUE;
        for (long c = head(); c != 0; c = fd(c)) {
            long s = size(c);
            if (s >= size && s < bestSize) {
                best = c;
                bestSize = s;
                if (s == size) {
                    break;
                }
            }
        }
        return best;
    }
}
