package org.mallocsim.replay;

import org.mallocsim.allocator.Allocator;
import org.mallocsim.allocator.MallInfo2;
import org.mallocsim.allocator.ThreadEvents;
import org.mallocsim.kernel.mm.AddressSpace;

/**
 * The base of the replay's test doubles: every {@link Allocator} call and every thread event goes
 * to {@code delegate} (thread events only when it keeps per-thread state), so a double overrides
 * only what it changes. {@link #interpose()} runs before each call a trace can hold (malloc, free,
 * calloc, realloc and the memalign family, not reallocarray or the queries), where a double counts
 * calls, checks the heap or ends the process.
 */
class ForwardingAllocator implements Allocator, ThreadEvents {
    private final Allocator delegate;

    ForwardingAllocator(Allocator delegate) {
        this.delegate = delegate;
    }

    /** The allocator every call goes to. */
    final Allocator delegate() {
        return delegate;
    }

    /**
     * Runs before each malloc, free, calloc, realloc and memalign-family call: 0 lets the call
     * through to the delegate; any other value is returned instead (free ignores it).
     */
    long interpose() {
        return 0;
    }

    @Override
    public AddressSpace addressSpace() {
        return delegate.addressSpace();
    }

    @Override
    public long malloc(long size) {
        long instead = interpose();
        return instead != 0 ? instead : delegate.malloc(size);
    }

    @Override
    public void free(long ptr) {
        interpose();
        delegate.free(ptr);
    }

    @Override
    public long calloc(long nmemb, long size) {
        long instead = interpose();
        return instead != 0 ? instead : delegate.calloc(nmemb, size);
    }

    @Override
    public long realloc(long ptr, long size) {
        long instead = interpose();
        return instead != 0 ? instead : delegate.realloc(ptr, size);
    }

    @Override
    public long reallocarray(long ptr, long nmemb, long size) {
        return delegate.reallocarray(ptr, nmemb, size);
    }

    @Override
    public long memalign(long alignment, long size) {
        long instead = interpose();
        return instead != 0 ? instead : delegate.memalign(alignment, size);
    }

    @Override
    public long alignedAlloc(long alignment, long size) {
        long instead = interpose();
        return instead != 0 ? instead : delegate.alignedAlloc(alignment, size);
    }

    @Override
    public long posixMemalign(long alignment, long size) {
        long instead = interpose();
        return instead != 0 ? instead : delegate.posixMemalign(alignment, size);
    }

    @Override
    public long valloc(long size) {
        long instead = interpose();
        return instead != 0 ? instead : delegate.valloc(size);
    }

    @Override
    public long pvalloc(long size) {
        long instead = interpose();
        return instead != 0 ? instead : delegate.pvalloc(size);
    }

    @Override
    public long mallocUsableSize(long ptr) {
        return delegate.mallocUsableSize(ptr);
    }

    @Override
    public int mallocTrim(long pad) {
        return delegate.mallocTrim(pad);
    }

    @Override
    public int mallopt(int param, int value) {
        return delegate.mallopt(param, value);
    }

    @Override
    public MallInfo2 mallinfo2() {
        return delegate.mallinfo2();
    }

    @Override
    public String mallocStats() {
        return delegate.mallocStats();
    }

    @Override
    public String mallocInfo(int options) {
        return delegate.mallocInfo(options);
    }

    @Override
    public int errno() {
        return delegate.errno();
    }

    @Override
    public void threadStarted(int tid, int parentTid) {
        if (delegate instanceof ThreadEvents t) {
            t.threadStarted(tid, parentTid);
        }
    }

    @Override
    public void threadExited(int tid) {
        if (delegate instanceof ThreadEvents t) {
            t.threadExited(tid);
        }
    }

    @Override
    public void forked(int parentTid, int childTid) {
        if (delegate instanceof ThreadEvents t) {
            t.forked(parentTid, childTid);
        }
    }

    @Override
    public void switchThread(int tid) {
        if (delegate instanceof ThreadEvents t) {
            t.switchThread(tid);
        }
    }
}
