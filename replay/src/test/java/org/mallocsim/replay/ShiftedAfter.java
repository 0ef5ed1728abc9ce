package org.mallocsim.replay;

import java.util.Map;
import org.mallocsim.allocator.bump.BumpAllocator;
import org.mallocsim.kernel.mm.AddressSpace;

/**
 * A test double: the bump policy, except that from call {@code from} on (1-based, counting
 * malloc, free, calloc, realloc and the memalign family) every malloc wastes one 16-byte block
 * first, so its answers drift from bump's.
 */
final class ShiftedAfter extends ForwardingAllocator {
    private final long from;
    private long calls;

    ShiftedAfter(AddressSpace space, long from) {
        super(new BumpAllocator(space, Map.of()));
        this.from = from;
    }

    @Override
    long interpose() {
        calls++;
        return 0;
    }

    @Override
    public long malloc(long size) {
        if (calls + 1 >= from) {
            delegate().malloc(0); // the wasted block; the call itself is counted by interpose()
        }
        return super.malloc(size);
    }
}
