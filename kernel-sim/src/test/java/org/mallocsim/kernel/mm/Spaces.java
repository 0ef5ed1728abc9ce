package org.mallocsim.kernel.mm;

import static org.mallocsim.kernel.Mman.*;

import java.util.ArrayList;
import java.util.List;

/** Helpers shared by the address-space tests. */
final class Spaces {
    static final long PAGE = 4096;
    static final int RW = PROT_READ | PROT_WRITE;
    static final int ANON = MAP_PRIVATE | MAP_ANONYMOUS;
    static final long MMAP_BASE = 0x7ffff7fff000L;

    private Spaces() {}

    static AddressSpace fresh() {
        return new AddressSpace(KernelConfig.defaults());
    }

    /** The VMAs as "start-end perms [name]" lines, the stack excluded, for whole-list comparisons. */
    static List<String> layout(AddressSpace as) {
        List<String> out = new ArrayList<>();
        for (VmaView v : as.vmas()) {
            if ("[stack]".equals(v.name())) {
                continue;
            }
            out.add(Long.toHexString(v.start()) + "-" + Long.toHexString(v.end()) + " " + v.perms()
                    + (v.name() == null ? "" : " " + v.name()));
        }
        return out;
    }

    static VmaView vmaAt(AddressSpace as, long addr) {
        for (VmaView v : as.vmas()) {
            if (v.start() <= addr && addr < v.end()) {
                return v;
            }
        }
        return null;
    }
}
