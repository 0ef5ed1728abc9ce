package org.mallocsim.kernel.mm;

import static org.mallocsim.kernel.Page.*;
import static org.mallocsim.kernel.mm.VmFlags.*;

import java.util.ArrayList;
import java.util.List;
import org.mallocsim.kernel.paging.PageTable;
import org.mallocsim.kernel.paging.PhysicalMemory;
import org.mallocsim.kernel.paging.Pte;

/**
 * What /proc and the tests read: the VMA list with /proc's names ({@code show_map_vma},
 * fs/proc/task_mmu.c), the smaps page walk ({@code smaps_pte_entry}) and an integrity check of the
 * whole address space.
 */
final class Introspect {
    private Introspect() {}

    static VmaView view(Mm mm, Vma v) {
        int major = 0;
        int minor = 0;
        long inode = 0;
        String name = v.name;
        if (v.file != null) {
            major = v.file.devMajor();
            minor = v.file.devMinor();
            inode = v.file.inode();
            name = v.file.path();
        } else if (v.shmem != null) {
            minor = 1;
            inode = v.shmem.inode;
            name = "/dev/zero (deleted)";
        } else if (name == null) {
            if (Long.compareUnsigned(v.start, mm.brk) < 0 && Long.compareUnsigned(v.end, mm.startBrk) > 0) {
                name = "[heap]";
            } else if (Long.compareUnsigned(v.start, mm.startStack) <= 0
                    && Long.compareUnsigned(mm.startStack, v.end) <= 0) {
                name = "[stack]";
            }
        }
        long pgoff = v.file != null || v.shmem != null ? v.pgoff : 0;
        return new VmaView(v.start, v.end, v.flags, pgoff, major, minor, inode, name);
    }

    static List<VmaView> vmas(Mm mm) {
        List<VmaView> out = new ArrayList<>(mm.mapCount);
        for (Vma v = mm.tree.first(); v != null; v = mm.tree.next(v)) {
            out.add(view(mm, v));
        }
        return out;
    }

    /** smaps' walk: counts of the pages of [start, end). */
    static final class Walk implements PageTable.PteVisitor {
        long rss;
        long anon;
        long dirty;
        long clean;
        long referenced;
        long lazyFree;
        boolean shmem;
        long specialFrames;
        private Vma vma;

        /** Zeroes the counts for a walk of {@code v}'s pages. */
        void reset(Vma v) {
            rss = anon = dirty = clean = referenced = lazyFree = specialFrames = 0;
            vma = v;
            shmem = v.shmem != null;
        }

        @Override
        public long visit(long vaddr, long pte) {
            if (!Pte.isPresent(pte)) {
                return pte;
            }
            if ((pte & Pte.SPECIAL) != 0) {
                specialFrames++;
                return pte;
            }
            rss++;
            if (!shmem) {
                anon++;
            }
            // smaps_account: a PTE's dirty bit or the folio's, which shmem keeps in its page cache
            if ((pte & Pte.DIRTY) != 0 || (shmem && vma.shmem.dirty.get((int) vma.pgoffAt(vaddr)))) {
                dirty++;
            } else {
                clean++;
                if ((pte & Pte.LAZYFREE) != 0) {
                    lazyFree++;
                }
            }
            if ((pte & Pte.ACCESSED) != 0) {
                referenced++;
            }
            return pte;
        }
    }

    static PageStats pageStats(Mm mm, long start, long end) {
        Walk w = new Walk();
        long rss = 0, anon = 0, dirty = 0, clean = 0, ref = 0, lazy = 0;
        PageTable pt = mm.paging.pageTable();
        if (pt != null) {
            for (Vma v = mm.tree.findIntersection(start, end); v != null && v.start < end; v = mm.tree.next(v)) {
                w.reset(v);
                pt.forEachPte(Math.max(start, v.start), Math.min(end, v.end), w);
                rss += w.rss;
                anon += w.anon;
                dirty += w.dirty;
                clean += w.clean;
                ref += w.referenced;
                lazy += w.lazyFree;
            }
        }
        return new PageStats(rss, anon, dirty, clean, ref, lazy);
    }

    /** {@code checkConsistency}: throws IllegalStateException naming the first broken invariant. */
    static void check(Mm mm) {
        long prevEnd = 0;
        int n = 0;
        long total = 0, data = 0, exec = 0, stack = 0, locked = 0;
        for (Vma v = mm.tree.first(); v != null; v = mm.tree.next(v)) {
            n++;
            if ((v.start & ~PAGE_MASK) != 0 || (v.end & ~PAGE_MASK) != 0 || Long.compareUnsigned(v.end, v.start) <= 0) {
                fail("VMA not page aligned or empty: " + v);
            }
            if (Long.compareUnsigned(v.start, prevEnd) < 0) {
                fail("VMAs overlap or are out of order at " + v);
            }
            if (mm.tree.lookup(v.start) != v || mm.tree.lookup(v.end - 1) != v) {
                fail("index does not find " + v);
            }
            prevEnd = v.end;
            long p = v.pages();
            total += p;
            if (Mm.isExecMapping(v.flags)) {
                exec += p;
            } else if (Mm.isStackMapping(v.flags)) {
                stack += p;
            } else if (Mm.isDataMapping(v.flags)) {
                data += p;
            }
            if ((v.flags & VM_LOCKED) != 0) {
                locked += p;
            }
        }
        if (n != mm.mapCount || n != mm.tree.size()) {
            fail("map_count " + mm.mapCount + " but " + n + " VMAs (index size " + mm.tree.size() + ")");
        }
        if (total != mm.totalVm
                || data != mm.dataVm
                || exec != mm.execVm
                || stack != mm.stackVm
                || locked != mm.lockedVm) {
            fail("vm counters total/data/exec/stack/locked " + mm.totalVm + "/" + mm.dataVm + "/" + mm.execVm + "/"
                    + mm.stackVm + "/" + mm.lockedVm + " but VMAs give " + total + "/" + data + "/" + exec + "/" + stack
                    + "/" + locked);
        }
        if (mm.hiwaterVm < mm.totalVm) {
            fail("hiwater_vm " + mm.hiwaterVm + " below total_vm " + mm.totalVm);
        }
        PageTable pt = mm.paging.pageTable();
        if (pt == null) {
            if (mm.rssAnon != 0 || mm.rssShmem != 0) {
                fail("RSS without a page table");
            }
            return;
        }
        Walk w = new Walk();
        long anon = 0, shm = 0;
        java.util.IdentityHashMap<Shmem, Boolean> objects = new java.util.IdentityHashMap<>();
        for (Vma v = mm.tree.first(); v != null; v = mm.tree.next(v)) {
            w.reset(v);
            pt.forEachPte(v.start, v.end, w);
            if (v.shmem != null) {
                shm += w.rss;
                objects.put(v.shmem, Boolean.TRUE);
            } else {
                anon += w.rss;
            }
            if (v.anonVma == null && w.anon > 0) {
                fail("anonymous pages in a VMA without anon_vma: " + v);
            }
        }
        if (anon != mm.rssAnon || shm != mm.rssShmem) {
            fail("RSS anon/shmem " + mm.rssAnon + "/" + mm.rssShmem + " but the page table maps " + anon + "/" + shm);
        }
        long shmemFrames = 0;
        for (Shmem s : objects.keySet()) {
            shmemFrames += s.frameCount();
        }
        PhysicalMemory ram = mm.paging.ram();
        long tables = pt.tableBytes() / PAGE_SIZE + 1;
        long expected = tables + anon + shmemFrames + 1;
        if (mm.paging.ownsRam && ram.framesInUse() != expected) {
            fail("frames in use " + ram.framesInUse() + " but page tables " + tables + " + anonymous " + anon
                    + " + shmem " + shmemFrames + " + zero page = " + expected);
        }
        String tlb = mm.paging.mmu().checkAgainstPageTable();
        if (tlb != null) {
            fail(tlb);
        }
    }

    private static void fail(String msg) {
        throw new IllegalStateException(msg);
    }
}
