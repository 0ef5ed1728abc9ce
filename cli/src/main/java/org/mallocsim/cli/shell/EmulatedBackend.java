package org.mallocsim.cli.shell;

import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.proc.ProcMaps;
import org.mallocsim.kernel.proc.ProcSmaps;
import org.mallocsim.kernel.proc.ProcStatus;
import org.mallocsim.kernel.proc.ProcessInfo;

/** The shell's calls on the emulated kernel. */
final class EmulatedBackend implements Backend {
    private final AddressSpace as;

    EmulatedBackend(AddressSpace as) {
        this.as = as;
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
