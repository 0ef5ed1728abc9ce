package org.mallocsim.traces.glibc;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.Library;
import com.kenai.jffi.Struct;
import com.kenai.jffi.Type;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.byref.AddressByReference;
import org.mallocsim.allocator.MallInfo2;

/**
 * The real glibc of this process, for in-process measurements beside the emulation. The JVM's own
 * threads allocate from the same heap, so absolute figures (mallinfo2, the break) move on their
 * own: tests that compare with glibc run in their own JVM with {@code GLIBC_TUNABLES} set and
 * compare deltas and per-call answers (usable sizes, chunk words, alignment, mmap-or-not).
 * {@code mallopt} changes the whole JVM process.
 */
public final class Glibc {
    /** {@code M_MMAP_THRESHOLD} for {@link #mallopt}. */
    public static final int M_MMAP_THRESHOLD = -3;
    /** {@code M_TRIM_THRESHOLD}. */
    public static final int M_TRIM_THRESHOLD = -1;
    /** {@code M_TOP_PAD}. */
    public static final int M_TOP_PAD = -2;
    /** {@code M_MMAP_MAX}. */
    public static final int M_MMAP_MAX = -4;
    /** {@code M_ARENA_MAX}. */
    public static final int M_ARENA_MAX = -8;

    private static volatile Glibc instance;

    private final LibC libc;
    private final Runtime runtime;
    private final com.kenai.jffi.Function mallinfo2;
    private final CallContext mallinfo2Context;

    private Glibc() {
        this.libc = LibraryLoader.create(LibC.class).load("c");
        this.runtime = Runtime.getRuntime(libc);
        Library lib = Library.getCachedInstance("libc.so.6", Library.LAZY | Library.GLOBAL);
        if (lib == null) {
            throw new UnsupportedOperationException("libc.so.6 cannot be opened: " + Library.getLastError());
        }
        long sym = lib.getSymbolAddress("mallinfo2");
        if (sym == 0) {
            throw new UnsupportedOperationException("this C library has no mallinfo2 (glibc 2.33+ needed)");
        }
        Type[] fields = new Type[10];
        java.util.Arrays.fill(fields, Type.UINT64);
        this.mallinfo2Context =
                CallContext.getCallContext(Struct.newStruct(fields), new Type[0], CallingConvention.DEFAULT, false);
        this.mallinfo2 = new com.kenai.jffi.Function(sym, mallinfo2Context);
    }

    /**
     * The process's glibc.
     *
     * @throws UnsupportedOperationException on a system without glibc 2.33+
     */
    public static Glibc get() {
        Glibc g = instance;
        if (g == null) {
            synchronized (Glibc.class) {
                if (instance == null) {
                    instance = new Glibc();
                }
                g = instance;
            }
        }
        return g;
    }

    public String version() {
        return libc.gnu_get_libc_version();
    }

    public long malloc(long size) {
        return libc.malloc(size);
    }

    public void free(long ptr) {
        libc.free(ptr);
    }

    public long calloc(long nmemb, long size) {
        return libc.calloc(nmemb, size);
    }

    public long realloc(long ptr, long size) {
        return libc.realloc(ptr, size);
    }

    public long memalign(long alignment, long size) {
        return libc.memalign(alignment, size);
    }

    public long alignedAlloc(long alignment, long size) {
        return libc.aligned_alloc(alignment, size);
    }

    /** posix_memalign: the pointer, or {@code -errno} (EINVAL, ENOMEM) as the C call returns it. */
    public long posixMemalign(long alignment, long size) {
        AddressByReference out = new AddressByReference();
        int rc = libc.posix_memalign(out, alignment, size);
        return rc != 0 ? -rc : out.getValue().address();
    }

    public long valloc(long size) {
        return libc.valloc(size);
    }

    public long pvalloc(long size) {
        return libc.pvalloc(size);
    }

    public long mallocUsableSize(long ptr) {
        return libc.malloc_usable_size(ptr);
    }

    public int mallopt(int param, int value) {
        return libc.mallopt(param, value);
    }

    public int mallocTrim(long pad) {
        return libc.malloc_trim(pad);
    }

    /** mallinfo2(), called through jffi because JNR-FFI cannot return a struct by value. */
    public MallInfo2 mallinfo2() {
        byte[] raw = Invoker.getInstance()
                .invokeStruct(mallinfo2, new com.kenai.jffi.HeapInvocationBuffer(mallinfo2Context));
        return MallInfo2.fromBytes(raw);
    }

    /** glibc's size word of the chunk behind a pointer it returned: size | flag bits. */
    public long chunkWord(long ptr) {
        return runtime.getMemoryManager().newPointer(ptr - 8).getLong(0);
    }

    /** mmap(2): the address, or -1 ({@code MAP_FAILED}). */
    public long mmap(long addr, long length, int prot, int flags, int fd, long offset) {
        return libc.mmap(
                addr == 0 ? null : runtime.getMemoryManager().newPointer(addr), length, prot, flags, fd, offset);
    }

    public int munmap(long addr, long length) {
        return libc.munmap(addr, length);
    }

    public int madvise(long addr, long length, int advice) {
        return libc.madvise(addr, length, advice);
    }

    /** sbrk(2): the old break, or -1. */
    public long sbrk(long increment) {
        return libc.sbrk(increment);
    }
}
