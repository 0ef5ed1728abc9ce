package org.mallocsim.kernel.mm;

import static org.mallocsim.kernel.Page.*;
import static org.mallocsim.kernel.mm.VmFlags.*;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The initial address-space layout: {@code arch_pick_mmap_layout} and {@code mmap_base}
 * (arch/x86/mm/mmap.c), the stack and heap of {@code load_elf_binary} (fs/binfmt_elf.c) with
 * ASLR off or seeded, and the reconstruction of a process from a recorded /proc/PID/maps listing.
 */
final class Layout {
    /** Where a small PIE's heap starts with ASLR off (ELF_ET_DYN_BASE plus a few pages of image). */
    static final long DEFAULT_START_BRK = 0x555555559000L;
    /** Size of the initial [stack] VMA of a small program (arguments, environment, auxv). */
    static final long INITIAL_STACK = 0x21000;
    /** {@code stack_maxrandom_size} with PF_RANDOMIZE: 0x3fffff pages (16 GiB). */
    static final long STACK_MAXRANDOM = 0x3fffffL << PAGE_SHIFT;

    static final long SIZE_128M = 128L << 20;
    /** The x86-64 vsyscall page, listed by /proc but not a VMA. */
    static final long VSYSCALL_START = 0xffffffffff600000L;

    static final long STACK_FLAGS =
            VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_GROWSDOWN | VM_ACCOUNT;

    private Layout() {}

    /** {@code mmap_base}: TASK_SIZE less the stack gap (RLIMIT_STACK + random range + guard, clamped) and rnd. */
    static long mmapBase(KernelConfig c, long rnd, boolean randomize) {
        long gap = c.rlimitStack() < 0 ? Long.MAX_VALUE : c.rlimitStack();
        long pad = (randomize ? STACK_MAXRANDOM : 0) + c.stackGuardGap();
        if (gap + pad > gap) {
            gap += pad;
        }
        long gapMax = Mm.TASK_SIZE / 6 * 5;
        if (gap < SIZE_128M) {
            gap = SIZE_128M;
        } else if (gap > gapMax) {
            gap = gapMax;
        }
        return pageAlign(Mm.TASK_SIZE - gap - rnd);
    }

    /** A fresh process: [stack] below TASK_SIZE, empty heap at start_brk, mmap_base from RLIMIT_STACK. */
    static void initDefault(Mm mm) {
        KernelConfig c = mm.config;
        boolean randomize = c.randomizeSeed() != 0;
        SplittableRandom r = randomize ? new SplittableRandom(c.randomizeSeed()) : null;
        long mmapRnd = randomize ? (r.nextLong() & ((1L << 28) - 1)) << PAGE_SHIFT : 0;
        mm.mmapBase = mmapBase(c, mmapRnd, randomize);
        mm.mmapLegacyBase = pageAlign(Mm.TASK_SIZE / 3) + mmapRnd;
        // mmap_is_legacy: an unlimited stack gives the bottom-up layout
        mm.topdown = c.rlimitStack() >= 0;
        long brk = DEFAULT_START_BRK;
        if (randomize) {
            // v6.9+: one page after bss, then randomize_page(brk, 1 GiB)
            brk += PAGE_SIZE + (r.nextLong(KernelConfig.GIB >>> PAGE_SHIFT) << PAGE_SHIFT);
        }
        mm.startBrk = brk;
        mm.brk = brk;
        long stackTop = Mm.TASK_SIZE;
        if (randomize) {
            stackTop -= (r.nextLong() & 0x3fffffL) << PAGE_SHIFT;
        }
        Vma stack = new Vma(
                stackTop - INITIAL_STACK, stackTop, STACK_FLAGS, (stackTop - INITIAL_STACK) >>> PAGE_SHIFT, null);
        addInitial(mm, stack);
        mm.startStack = stackTop - 16;
        mm.hasVsyscall = true;
    }

    static void addInitial(Mm mm, Vma v) {
        mm.insert(v);
        mm.vmStatAccount(v.flags, v.pages());
        if ((v.flags & VM_ACCOUNT) != 0) {
            mm.committed += v.pages();
        }
    }

    /**
     * Rebuilds a process from /proc/PID/maps lines (a {@code "# map "} prefix is accepted): each
     * line one VMA, files with their identity, {@code [vvar]}/{@code [vdso]} as special VMAs,
     * {@code [stack]} growing down, {@code [vsyscall]} remembered but not a VMA. mmap_base is the end
     * of the highest mapping below the stack, where the kernel placed ld.so top-down.
     *
     * <p>Two facts the lines do not show are inferred as the ELF loader and ld.so leave them: the
     * executable ({@code mm->exe_file}, for VmExe) is the lowest file mapping, and a private
     * read-only file mapping followed by a writable one of the same file at the next offset is the
     * RELRO part of a data segment, mapped writable and made read-only by ld.so's mprotect, so it
     * keeps VM_ACCOUNT ({@code mprotect_fixup} drops it only for unfaulted anonymous memory).
     */
    static void initFromMaps(Mm mm, List<String> lines, long startBrk) {
        Map<String, MappedFile> files = new HashMap<>();
        Map<Long, Shmem> shmems = new HashMap<>();
        Vma stack = null;
        Vma heap = null;
        long lastEnd = 0;
        int lineNo = 0;
        List<Vma> made = new java.util.ArrayList<>();
        for (String raw : lines) {
            lineNo++;
            String line = raw.strip();
            if (line.startsWith("# map ")) {
                line = line.substring(6).strip();
            }
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\\s+", 6);
            if (f.length < 5) {
                throw bad(lineNo, raw, "start-end perms offset dev inode [name]");
            }
            int dash = f[0].indexOf('-');
            if (dash <= 0) {
                throw bad(lineNo, raw, "an address range like 7f00a000-7f00b000");
            }
            long start;
            long end;
            long offset;
            long inode;
            int devMajor;
            int devMinor;
            try {
                start = Long.parseUnsignedLong(f[0].substring(0, dash), 16);
                end = Long.parseUnsignedLong(f[0].substring(dash + 1), 16);
                offset = Long.parseUnsignedLong(f[2], 16);
                int colon = f[3].indexOf(':');
                devMajor = Integer.parseInt(f[3].substring(0, colon), 16);
                devMinor = Integer.parseInt(f[3].substring(colon + 1), 16);
                inode = Long.parseLong(f[4]);
            } catch (RuntimeException e) {
                throw bad(lineNo, raw, "hex addresses and offset, a MM:mm device and a decimal inode");
            }
            String perms = f[1];
            if (perms.length() != 4
                    || "r-".indexOf(perms.charAt(0)) < 0
                    || "w-".indexOf(perms.charAt(1)) < 0
                    || "x-".indexOf(perms.charAt(2)) < 0
                    || "sp".indexOf(perms.charAt(3)) < 0) {
                throw bad(lineNo, raw, "permissions like rw-p");
            }
            if ((start & ~PAGE_MASK) != 0 || (end & ~PAGE_MASK) != 0 || Long.compareUnsigned(end, start) <= 0) {
                throw bad(lineNo, raw, "a non-empty page-aligned range");
            }
            String name = f.length == 6 ? f[5].strip() : "";
            if (name.equals("[vsyscall]")) {
                mm.hasVsyscall = true;
                continue;
            }
            if (Long.compareUnsigned(start, lastEnd) < 0) {
                throw bad(lineNo, raw, "ranges in increasing order that do not overlap");
            }
            if (Long.compareUnsigned(end, Mm.TASK_SIZE) > 0) {
                throw bad(lineNo, raw, "a user address below 0x7ffffffff000");
            }
            lastEnd = end;
            long flags = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
            flags |= perms.charAt(0) == 'r' ? VM_READ : 0;
            flags |= perms.charAt(1) == 'w' ? VM_WRITE : 0;
            flags |= perms.charAt(2) == 'x' ? VM_EXEC : 0;
            boolean shared = perms.charAt(3) == 's';
            if (shared) {
                flags |= VM_SHARED | VM_MAYSHARE;
            }
            Vma v;
            if (name.equals("[vvar]") || name.equals("[vvar_vclock]")) {
                flags = (flags & VM_ACCESS_FLAGS) | VM_MAYREAD | VM_PFNMAP | VM_IO | VM_DONTEXPAND | VM_DONTDUMP;
                v = new Vma(start, end, flags, 0, name);
            } else if (name.equals("[vdso]")) {
                v = new Vma(start, end, flags | VM_DONTEXPAND, 0, name);
            } else if (name.equals("[stack]")) {
                v = new Vma(start, end, flags | VM_GROWSDOWN | VM_ACCOUNT, start >>> PAGE_SHIFT, null);
                stack = v;
            } else if (shared && inode != 0 && (name.startsWith("/dev/zero") || name.startsWith("/SYSV"))) {
                v = new Vma(start, end, flags, offset >>> PAGE_SHIFT, null);
                Shmem s = shmems.get(inode);
                if (s == null) {
                    s = new Shmem(inode, (offset >>> PAGE_SHIFT) + v.pages());
                    shmems.put(inode, s);
                } else {
                    s.mappings++;
                }
                v.shmem = s;
            } else if (inode != 0 || name.startsWith("/")) {
                String key = name + "\0" + devMajor + ":" + devMinor + ":" + inode;
                MappedFile mf = files.get(key);
                if (mf == null) {
                    mf = new MappedFile(name, devMajor, devMinor, inode);
                    files.put(key, mf);
                }
                if (!shared && (flags & VM_WRITE) != 0) {
                    flags |= VM_ACCOUNT;
                }
                v = new Vma(start, end, flags, offset >>> PAGE_SHIFT, null);
                v.file = mf;
                if (mm.exeFile == null) {
                    mm.exeFile = name;
                }
            } else {
                if (!shared && (flags & VM_WRITE) != 0) {
                    flags |= VM_ACCOUNT;
                }
                boolean named = !name.isEmpty() && !name.equals("[heap]");
                v = new Vma(start, end, flags, start >>> PAGE_SHIFT, named ? name : null);
                if (name.equals("[heap]")) {
                    heap = v;
                }
            }
            made.add(v);
        }
        for (int i = 0; i < made.size(); i++) {
            Vma v = made.get(i);
            Vma next = i + 1 < made.size() ? made.get(i + 1) : null;
            if (v.file != null
                    && next != null
                    && next.file == v.file
                    && next.start == v.end
                    && (v.flags & (VM_WRITE | VM_SHARED)) == 0
                    && (next.flags & (VM_WRITE | VM_SHARED)) == VM_WRITE
                    && next.pgoff == v.pgoff + v.pages()) {
                v.flags |= VM_ACCOUNT;
            }
            addInitial(mm, v);
        }
        if (startBrk == 0 && heap != null) {
            startBrk = heap.start;
        }
        mm.startBrk = startBrk;
        mm.brk = heap != null && heap.end > startBrk ? heap.end : startBrk;
        if (stack != null) {
            mm.startStack = stack.end - 16;
        }
        long base = 0;
        for (Vma v = mm.tree.first(); v != null; v = mm.tree.next(v)) {
            if (v != stack && (stack == null || v.end <= stack.start)) {
                base = v.end;
            }
        }
        mm.mmapBase = base != 0 ? base : mmapBase(mm.config, 0, false);
        mm.mmapLegacyBase = pageAlign(Mm.TASK_SIZE / 3);
        mm.topdown = mm.config.rlimitStack() >= 0;
    }

    private static IllegalArgumentException bad(int lineNo, String line, String expected) {
        return new IllegalArgumentException(
                "maps line " + lineNo + ": expected " + expected + ", got \"" + line + "\"");
    }
}
