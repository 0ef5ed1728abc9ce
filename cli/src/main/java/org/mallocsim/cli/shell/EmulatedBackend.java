package org.mallocsim.cli.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.mallocsim.allocator.Allocator;
import org.mallocsim.allocator.MallInfo2;
import org.mallocsim.allocator.MallocAbort;
import org.mallocsim.allocator.ptmalloc.Ptmalloc;
import org.mallocsim.kernel.Errno;
import org.mallocsim.kernel.Mman;
import org.mallocsim.kernel.SegmentationFault;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.SyscallKind;
import org.mallocsim.kernel.mm.SyscallListener;
import org.mallocsim.kernel.proc.ProcMaps;
import org.mallocsim.kernel.proc.ProcSmaps;
import org.mallocsim.kernel.proc.ProcStatus;
import org.mallocsim.kernel.proc.ProcessInfo;

/**
 * The shell's calls on the emulated kernel; the malloc family is glibc's ptmalloc ("glibc" in
 * {@code Allocators}) over that kernel, started at the first allocator call, as glibc's malloc
 * starts at the first malloc, or the allocator of a replayed trace's process
 * ({@link TraceSession}). Its syscalls are caught by a {@link SyscallListener}.
 */
final class EmulatedBackend implements Backend, SyscallListener {
    private final AddressSpace as;
    private final List<String> syscalls = new ArrayList<>();
    private Allocator malloc;
    /** The allocator's name in {@code Allocators}, for the views that need glibc's. */
    private final String policy;
    /** The shell's threads that exist (bit N for thread N; the main thread, 0, always does). */
    private long liveThreads = 1;

    private int current;

    /** Makes the process anew as it was before the typed calls, for {@link #tryFree}; null when none can. */
    private final Supplier<EmulatedBackend> fresh;
    /** Every call so far that can change the process, replayed by {@link #tryFree}. */
    private final List<Consumer<EmulatedBackend>> journal = new ArrayList<>();

    EmulatedBackend(AddressSpace as) {
        this.as = as;
        this.fresh = null;
        this.policy = "glibc";
    }

    /** A process that {@code fresh} makes; try_free makes a twin the same way. */
    EmulatedBackend(Supplier<AddressSpace> fresh) {
        this.as = fresh.get();
        this.fresh = () -> new EmulatedBackend(fresh);
        this.policy = "glibc";
    }

    /**
     * A process that already runs {@code allocator} (named {@code policy}), such as a replay's;
     * {@code twins} makes another as it is now (or is null), for try_free.
     */
    EmulatedBackend(AddressSpace as, Allocator allocator, String policy, Supplier<EmulatedBackend> twins) {
        this.as = as;
        this.malloc = allocator;
        this.policy = policy;
        this.fresh = twins;
        as.syscallListener(this);
    }

    /** The emulated process. */
    AddressSpace addressSpace() {
        return as;
    }

    /** How many calls were typed into this process (every call the shell made in it). */
    int typedCalls() {
        return journal.size();
    }

    /**
     * Would {@code free(addr)} abort, and with which message? Answered without touching this
     * process: a twin is made as this one was and every call so far is replayed in it (the
     * emulation is deterministic, the tcache key included), then the twin frees. The lines are
     * what the shell would print: the syscalls, then glibc's message or {@code free ok}.
     */
    String tryFree(long addr) {
        if (fresh == null) {
            return "# try_free: needs a process the shell started itself (a script or --maps run)\n";
        }
        EmulatedBackend twin = fresh.get();
        for (Consumer<EmulatedBackend> call : journal) {
            try {
                call.accept(twin);
            } catch (RuntimeException e) {
                // the same fault or error the call met here, where the shell printed it
            }
        }
        twin.takeSyscalls();
        StringBuilder sb = new StringBuilder();
        try {
            twin.alloc("free", addr, 0);
            twin.takeSyscalls().forEach(l -> sb.append("# would: ").append(l).append('\n'));
            sb.append("# try_free(0x").append(Long.toHexString(addr)).append("): free would return\n");
        } catch (ProcessDied e) {
            sb.append("# try_free(0x")
                    .append(Long.toHexString(addr))
                    .append("): free would abort: ")
                    .append(e.stderr().isEmpty() ? "killed by " + e.signal() + "\n" : e.stderr());
        }
        return sb.toString();
    }

    private void log(Consumer<EmulatedBackend> call) {
        journal.add(call);
    }

    @Override
    public void syscall(SyscallKind kind, long a0, long a1, long a2, long a3, long a4, long a5, long result) {
        syscalls.add(Strace.line(kind, a0, a1, a2, a3, a4, a5, result));
    }

    /** The process's malloc; created (and the listener set) at the first allocator call. */
    private Allocator malloc() {
        if (malloc == null) {
            // Without a listing showing libc, ptmalloc maps a page for its statics: libc's .data, not a call.
            malloc = new Ptmalloc(as);
            as.syscallListener(this);
        }
        return malloc;
    }

    @Override
    public long alloc(String name, long a, long b, long c) {
        log(t -> t.alloc(name, a, b, c));
        return call(name, a, b, c);
    }

    /** A malloc-family call, not journaled (thread creation makes one of its own). */
    private long call(String name, long a, long b) {
        return call(name, a, b, 0);
    }

    private long call(String name, long a, long b, long c) {
        Allocator m = malloc();
        try {
            switch (name) {
                case "malloc":
                    return m.malloc(a);
                case "free":
                    m.free(a);
                    return 0;
                case "calloc":
                    return m.calloc(a, b);
                case "realloc":
                    return m.realloc(a, b);
                case "reallocarray":
                    return m.reallocarray(a, b, c);
                case "memalign":
                    return m.memalign(a, b);
                case "aligned_alloc":
                    return m.alignedAlloc(a, b);
                case "posix_memalign":
                    return m.posixMemalign(a, b);
                case "valloc":
                    return m.valloc(a);
                case "pvalloc":
                    return m.pvalloc(a);
                case "malloc_usable_size":
                    return m.mallocUsableSize(a);
                case "malloc_trim":
                    return m.mallocTrim(a);
                case "mallopt":
                    return m.mallopt((int) a, (int) b);
                default:
                    throw new IllegalArgumentException("not a malloc-family call: " + name);
            }
        } catch (MallocAbort e) {
            // __libc_message (sysdeps/posix/libc_fatal.c) maps a page for the message before abort()
            as.mmap(0, 4096, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
            throw new ProcessDied("SIGABRT", e.stderrLine());
        } catch (SegmentationFault e) {
            throw new ProcessDied("SIGSEGV", "");
        }
    }

    /**
     * A new thread as pthread_create makes it with default attributes (nptl/allocate_stack.c):
     * its stack mmapped PROT_NONE with MAP_STACK, all but the guard page made read-write, then its
     * DTV calloc'ed by the creating thread ({@code allocate_dtv}, elf/dl-tls.c: 14 spare slots
     * plus libc's one module with TLS plus 2), on the main thread, which creates every thread in
     * the executor. The stack size is RLIMIT_STACK's usual 8 MiB (the default limit; a script
     * run natively under another {@code ulimit -s} maps a stack of that size instead).
     * The emulated allocator numbers threads from 1 (the main thread), the shell from 0.
     */
    @Override
    public long thread(int id) {
        log(t -> t.thread(id));
        if (id < 0 || id >= MAX_THREADS) {
            return -22;
        }
        Ptmalloc m = (Ptmalloc) malloc(); // a process the shell started runs glibc's malloc
        if ((liveThreads & (1L << id)) == 0) {
            long stack = as.mmap(
                    0, STACK_SIZE + GUARD, Mman.PROT_NONE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | MAP_STACK, -1, 0);
            as.mprotect(stack + GUARD, STACK_SIZE, Mman.PROT_READ | Mman.PROT_WRITE);
            // the executor's main thread creates every thread, so the DTV comes from its tcache and arena
            m.switchThread(1);
            call("calloc", DTV_SLOTS, 16);
            m.threadStarted(id + 1, 1);
            liveThreads |= 1L << id;
        }
        m.switchThread(id + 1);
        current = id;
        return 0;
    }

    /** The thread's tcache and arena go back as at its exit ({@code __malloc_arena_thread_freeres}). */
    @Override
    public long exitThread(int id) {
        log(t -> t.exitThread(id));
        if (id <= 0 || id >= MAX_THREADS || (liveThreads & (1L << id)) == 0) {
            return -22;
        }
        try {
            ((Ptmalloc) malloc()).threadExited(id + 1);
        } catch (MallocAbort e) {
            as.mmap(0, 4096, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
            throw new ProcessDied("SIGABRT", e.stderrLine());
        }
        liveThreads &= ~(1L << id);
        if (current == id) {
            ((Ptmalloc) malloc).switchThread(1);
            current = 0;
        }
        return 0;
    }

    private static final int MAX_THREADS = 16;
    private static final long STACK_SIZE = 8L << 20;
    private static final long GUARD = 4096;
    private static final int MAP_STACK = 0x20000;
    private static final long DTV_SLOTS = 14 + 1 + 2;

    @Override
    public long[] mallinfo2() {
        log(t -> t.mallinfo2());
        MallInfo2 i = malloc().mallinfo2();
        return new long[] {
            i.arena(),
            i.ordblks(),
            i.smblks(),
            i.hblks(),
            i.hblkhd(),
            i.usmblks(),
            i.fsmblks(),
            i.uordblks(),
            i.fordblks(),
            i.keepcost()
        };
    }

    @Override
    public String mallocStats() {
        log(t -> t.mallocStats());
        return malloc().mallocStats();
    }

    /** glibc's __malloc_info returns EINVAL for any options but 0, before writing anything. */
    @Override
    public int mallocInfo(int options, StringBuilder out) {
        log(t -> t.mallocInfo(options, new StringBuilder()));
        if (options != 0) {
            return Errno.EINVAL;
        }
        out.append(malloc().mallocInfo(options));
        return 0;
    }

    @Override
    public List<String> takeSyscalls() {
        List<String> l = List.copyOf(syscalls);
        syscalls.clear();
        return l;
    }

    @Override
    public HeapViews heapViews() {
        Allocator m = malloc();
        return new HeapViews(m instanceof Ptmalloc ? (Ptmalloc) m : null, policy, this);
    }

    @Override
    public long brk(long addr) {
        log(t -> t.brk(addr));
        return as.brk(addr);
    }

    @Override
    public long mmap(long addr, long length, long prot, long flags, long fd, long offset) {
        log(t -> t.mmap(addr, length, prot, flags, fd, offset));
        return as.mmap(addr, length, (int) prot, (int) flags, (int) fd, offset);
    }

    @Override
    public long munmap(long addr, long length) {
        log(t -> t.munmap(addr, length));
        return as.munmap(addr, length);
    }

    @Override
    public long mprotect(long addr, long length, long prot) {
        log(t -> t.mprotect(addr, length, prot));
        return as.mprotect(addr, length, (int) prot);
    }

    @Override
    public long mremap(long oldAddr, long oldLength, long newLength, long flags, long newAddr) {
        log(t -> t.mremap(oldAddr, oldLength, newLength, flags, newAddr));
        return as.mremap(oldAddr, oldLength, newLength, (int) flags, newAddr);
    }

    @Override
    public long madvise(long addr, long length, long advice) {
        log(t -> t.madvise(addr, length, advice));
        return as.madvise(addr, length, (int) advice);
    }

    @Override
    public long load(int width, long addr) {
        log(t -> t.load(width, addr));
        switch (width) {
            case 8:
                return as.load8(addr) & 0xffL;
            case 16:
                return as.load16(addr) & 0xffffL;
            case 32:
                return as.load32(addr) & 0xffff_ffffL;
            default:
                return as.load64(addr);
        }
    }

    @Override
    public void store(int width, long addr, long value) {
        log(t -> t.store(width, addr, value));
        switch (width) {
            case 8:
                as.store8(addr, (int) value);
                break;
            case 16:
                as.store16(addr, (int) value);
                break;
            case 32:
                as.store32(addr, (int) value);
                break;
            default:
                as.store64(addr, value);
                break;
        }
    }

    @Override
    public String pageWalk(long addr) {
        return as.pageWalk(addr).render();
    }

    @Override
    public String proc(String file) {
        switch (file) {
            case "maps":
                return ProcMaps.of(as);
            case "smaps":
                return ProcSmaps.of(as);
            default:
                return ProcStatus.of(as, ProcessInfo.of("mallocsim", 1000), as.exePath());
        }
    }

    @Override
    public void close() {}
}
