package org.mallocsim.replay;

import java.util.Map;
import org.mallocsim.allocator.Allocator;
import org.mallocsim.allocator.MallInfo2;
import org.mallocsim.allocator.bump.BumpAllocator;
import org.mallocsim.kernel.mm.AddressSpace;

/**
 * A test double: the bump policy, except that from call {@code from} on (1-based, counting
 * malloc and free) every malloc wastes one 16-byte block first, so its answers drift from bump's.
 */
final class ShiftedAfter implements Allocator {
    private final BumpAllocator bump;
    private final long from;
    private long calls;

    ShiftedAfter(AddressSpace space, long from) {
        this.bump = new BumpAllocator(space, Map.of());
        this.from = from;
    }

    @Override
    public long malloc(long size) {
        if (++calls >= from) {
            bump.malloc(0);
        }
        return bump.malloc(size);
    }

    @Override
    public void free(long ptr) {
        calls++;
        bump.free(ptr);
    }

    @Override
    public AddressSpace addressSpace() {
        return bump.addressSpace();
    }

    @Override
    public long calloc(long nmemb, long size) {
        calls++;
        return bump.calloc(nmemb, size);
    }

    @Override
    public long realloc(long ptr, long size) {
        calls++;
        return bump.realloc(ptr, size);
    }

    @Override
    public long reallocarray(long ptr, long nmemb, long size) {
        return bump.reallocarray(ptr, nmemb, size);
    }

    @Override
    public long memalign(long alignment, long size) {
        calls++;
        return bump.memalign(alignment, size);
    }

    @Override
    public long alignedAlloc(long alignment, long size) {
        calls++;
        return bump.alignedAlloc(alignment, size);
    }

    @Override
    public long posixMemalign(long alignment, long size) {
        calls++;
        return bump.posixMemalign(alignment, size);
    }

    @Override
    public long valloc(long size) {
        calls++;
        return bump.valloc(size);
    }

    @Override
    public long pvalloc(long size) {
        calls++;
        return bump.pvalloc(size);
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
