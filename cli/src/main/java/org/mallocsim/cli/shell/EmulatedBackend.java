package org.mallocsim.cli.shell;

import java.util.ArrayList;
import java.util.List;
import org.mallocsim.allocator.MallInfo2;
import org.mallocsim.allocator.MallocAbort;
import org.mallocsim.allocator.ptmalloc.Ptmalloc;
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
 * starts at the first malloc. Its syscalls are caught by a {@link SyscallListener}.
 */
final class EmulatedBackend implements Backend, SyscallListener {
    private final AddressSpace as;
    private final List<String> syscalls = new ArrayList<>();
    private Ptmalloc malloc;

    EmulatedBackend(AddressSpace as) {
        this.as = as;
    }

    @Override
    public void syscall(SyscallKind kind, long a0, long a1, long a2, long a3, long a4, long a5, long result) {
        syscalls.add(Strace.line(kind, a0, a1, a2, a3, a4, a5, result));
    }

    /** The process's malloc; created (and the listener set) at the first allocator call. */
    private Ptmalloc malloc() {
        if (malloc == null) {
            // Without a listing showing libc, ptmalloc maps a page for its statics: libc's .data, not a call.
            malloc = new Ptmalloc(as);
            as.syscallListener(this);
        }
        return malloc;
    }

    @Override
    public long alloc(String name, long a, long b) {
        Ptmalloc m = malloc();
        try {
            switch (name) {
                case "malloc": return m.malloc(a);
                case "free": m.free(a); return 0;
                case "calloc": return m.calloc(a, b);
                case "realloc": return m.realloc(a, b);
                case "memalign": return m.memalign(a, b);
                case "aligned_alloc": return m.alignedAlloc(a, b);
                case "posix_memalign": return m.posixMemalign(a, b);
                case "valloc": return m.valloc(a);
                case "pvalloc": return m.pvalloc(a);
                case "malloc_usable_size": return m.mallocUsableSize(a);
                case "malloc_trim": return m.mallocTrim(a);
                case "mallopt": return m.mallopt((int) a, (int) b);
                default: throw new IllegalArgumentException("not a malloc-family call: " + name);
            }
        } catch (MallocAbort e) {
            // __libc_message (sysdeps/posix/libc_fatal.c) maps a page for the message before abort()
            as.mmap(0, 4096, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
            throw new ProcessDied("SIGABRT", e.stderrLine());
        } catch (SegmentationFault e) {
            throw new ProcessDied("SIGSEGV", "");
        }
    }

    @Override
    public long[] mallinfo2() {
        MallInfo2 i = malloc().mallinfo2();
        return new long[] {i.arena(), i.ordblks(), i.smblks(), i.hblks(), i.hblkhd(), i.usmblks(), i.fsmblks(),
            i.uordblks(), i.fordblks(), i.keepcost()};
    }

    @Override
    public String mallocStats() {
        return malloc().mallocStats();
    }

    @Override
    public List<String> takeSyscalls() {
        List<String> l = List.copyOf(syscalls);
        syscalls.clear();
        return l;
    }

    @Override
    public HeapViews heapViews() {
        return new HeapViews(malloc());
    }

    @Override
    public long brk(long addr) {
        return as.brk(addr);
    }

    @Override
    public long mmap(long addr, long length, long prot, long flags, long fd, long offset) {
        return as.mmap(addr, length, (int) prot, (int) flags, (int) fd, offset);
    }

    @Override
    public long munmap(long addr, long length) {
        return as.munmap(addr, length);
    }

    @Override
    public long mprotect(long addr, long length, long prot) {
        return as.mprotect(addr, length, (int) prot);
    }

    @Override
    public long mremap(long oldAddr, long oldLength, long newLength, long flags, long newAddr) {
        return as.mremap(oldAddr, oldLength, newLength, (int) flags, newAddr);
    }

    @Override
    public long madvise(long addr, long length, long advice) {
        return as.madvise(addr, length, (int) advice);
    }

    @Override
    public long load(int width, long addr) {
        switch (width) {
            case 8: return as.load8(addr) & 0xffL;
            case 16: return as.load16(addr) & 0xffffL;
            case 32: return as.load32(addr) & 0xffff_ffffL;
            default: return as.load64(addr);
        }
    }

    @Override
    public void store(int width, long addr, long value) {
        switch (width) {
            case 8: as.store8(addr, (int) value); break;
            case 16: as.store16(addr, (int) value); break;
            case 32: as.store32(addr, (int) value); break;
            default: as.store64(addr, value); break;
        }
    }

    @Override
    public String pageWalk(long addr) {
        return as.pageWalk(addr).render();
    }

    @Override
    public String proc(String file) {
        switch (file) {
            case "maps": return ProcMaps.of(as);
            case "smaps": return ProcSmaps.of(as);
            default: return ProcStatus.of(as, ProcessInfo.of("mallocsim", 1000), as.exePath());
        }
    }

    @Override
    public void close() {
    }
}
