package org.mallocsim.replay;

import java.util.Map;
import org.mallocsim.allocator.MallocAbort;
import org.mallocsim.allocator.bump.BumpAllocator;
import org.mallocsim.kernel.OutOfMemoryKill;
import org.mallocsim.kernel.mm.AddressSpace;

/**
 * A test double: the bump allocator until call {@code dieAt} (1-based, counting malloc, calloc,
 * realloc, free and the memalign family), where the process dies of {@link Fate}.
 */
final class DyingAllocator extends ForwardingAllocator {
    /** How call {@code dieAt} ends the process. */
    enum Fate {
        /** glibc's malloc_printerr: "free(): double free detected in tcache 2". */
        ABORT,
        /** The call returns a pointer into unmapped memory: the chunk-word load faults. */
        WILD_POINTER,
        /** The kernel has no frame left. */
        OOM
    }

    static final String MESSAGE = "free(): double free detected in tcache 2";
    static final long WILD = 0x10_0000_0010L;

    private final Fate fate;
    private final long dieAt;
    private long calls;

    DyingAllocator(AddressSpace space, Fate fate, long dieAt) {
        super(new BumpAllocator(space, Map.of()));
        this.fate = fate;
        this.dieAt = dieAt;
    }

    /** The wild pointer when this call is the fatal one and the fate is a wild pointer; throws for the others. */
    @Override
    long interpose() {
        if (++calls != dieAt) {
            return 0;
        }
        return switch (fate) {
            case ABORT -> throw new MallocAbort(MESSAGE);
            case OOM -> throw new OutOfMemoryKill(0x5555_0000_0000L);
            case WILD_POINTER -> WILD;
        };
    }
}
