package org.mallocsim.replay;

import org.mallocsim.allocator.Allocator;
import org.mallocsim.allocator.MallInfo2;
import org.mallocsim.allocator.MallocAbort;
import org.mallocsim.allocator.bump.BumpAllocator;
import org.mallocsim.kernel.OutOfMemoryKill;
import org.mallocsim.kernel.mm.AddressSpace;

/**
 * A test double: the bump allocator until call {@code dieAt} (1-based, counting malloc, calloc,
 * realloc, free and the memalign family), where the process dies of {@link Fate}.
 */
final class DyingAllocator implements Allocator {
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

    private final BumpAllocator bump;
    private final Fate fate;
    private final long dieAt;
    private long calls;

    DyingAllocator(AddressSpace space, Fate fate, long dieAt) {
        this.bump = new BumpAllocator(space, java.util.Map.of());
        this.fate = fate;
        this.dieAt = dieAt;
    }

    /** Returns true when this call is the fatal one and the fate is a wild pointer; throws for the others. */
    private boolean fatal() {
        if (++calls != dieAt) {
            return false;
        }
        switch (fate) {
            case ABORT:
                throw new MallocAbort(MESSAGE);
            case OOM:
                throw new OutOfMemoryKill(0x5555_0000_0000L);
            default:
                return true;
        }
    }

    @Override
    public AddressSpace addressSpace() {
        return bump.addressSpace();
    }

    @Override
    public long malloc(long size) {
        return fatal() ? WILD : bump.malloc(size);
    }

    @Override
    public void free(long ptr) {
        fatal();
        bump.free(ptr);
    }

    @Override
    public long calloc(long nmemb, long size) {
        return fatal() ? WILD : bump.calloc(nmemb, size);
    }

    @Override
    public long realloc(long ptr, long size) {
        return fatal() ? WILD : bump.realloc(ptr, size);
    }

    @Override
    public long reallocarray(long ptr, long nmemb, long size) {
        return bump.reallocarray(ptr, nmemb, size);
    }

    @Override
    public long memalign(long alignment, long size) {
        return fatal() ? WILD : bump.memalign(alignment, size);
    }

    @Override
    public long alignedAlloc(long alignment, long size) {
        return fatal() ? WILD : bump.alignedAlloc(alignment, size);
    }

    @Override
    public long posixMemalign(long alignment, long size) {
        return fatal() ? WILD : bump.posixMemalign(alignment, size);
    }

    @Override
    public long valloc(long size) {
        return fatal() ? WILD : bump.valloc(size);
    }

    @Override
    public long pvalloc(long size) {
        return fatal() ? WILD : bump.pvalloc(size);
    }

    @Override
    public long mallocUsableSize(long ptr) {
        return bump.mallocUsableSize(ptr);
    }

    @Override
    public int mallocTrim(long pad) {
        return bump.mallocTrim(pad);
    }

    @Override
    public int mallopt(int param, int value) {
        return bump.mallopt(param, value);
    }

    @Override
    public MallInfo2 mallinfo2() {
        return bump.mallinfo2();
    }

    @Override
    public String mallocStats() {
        return bump.mallocStats();
    }

    @Override
    public String mallocInfo(int options) {
        return bump.mallocInfo(options);
    }

    @Override
    public int errno() {
        return bump.errno();
    }
}
