package org.mallocsim.kernel.mm;

import static org.mallocsim.kernel.Page.*;
import static org.mallocsim.kernel.mm.VmFlags.*;

/**
 * VMA merging (mm/vma.c): {@code vma_merge_new_range} for a range about to be mapped and
 * {@code vma_modify} for a range of an existing VMA whose flags change, both driven by one
 * {@link VmaMergeStruct} that carries the request in and the {@link VmaMergeStruct.State} and the
 * covering VMA out.
 */
final class VmaMerge {
    private VmaMerge() {}

    /** {@code is_mergeable_anon_vma}: no fork in the emulator, so null is compatible with anything. */
    static boolean anonCompatible(AnonVma a, AnonVma b) {
        return a == null || b == null || a == b;
    }

    /** {@code is_mergeable_vma}: same flags (no VM_SPECIAL), same file or shmem object, same name. */
    static boolean isMergeable(Vma v, VmaMergeStruct vmg) {
        return (vmg.flags & VM_SPECIAL) == 0
                && v.flags == vmg.flags
                && v.file == vmg.file
                && v.shmem == vmg.shmem
                && v.name == null
                && anonCompatible(v.anonVma, vmg.anonVma);
    }

    /** {@code can_vma_merge_after}: prev ends at start and its pgoff runs on into the range's. */
    static boolean canMergeAfter(VmaMergeStruct vmg) {
        Vma prev = vmg.prev;
        return prev != null
                && prev.end == vmg.start
                && isMergeable(prev, vmg)
                && prev.pgoff + prev.pages() == vmg.pgoff;
    }

    /** {@code can_vma_merge_before}: next starts at end and continues the range's pgoff. */
    static boolean canMergeBefore(VmaMergeStruct vmg) {
        Vma next = vmg.next;
        return next != null
                && next.start == vmg.end
                && isMergeable(next, vmg)
                && next.pgoff == vmg.pgoff + ((vmg.end - vmg.start) >>> PAGE_SHIFT);
    }

    /**
     * {@code vma_merge_new_range}: merges the new range into prev, next or both; with
     * {@code justExpand} (brk) only prev may grow. SUCCESS with the covering VMA as target, or
     * NOMERGE (returning null) when no neighbour takes it.
     */
    static Vma mergeNewRange(Mm mm, VmaMergeStruct vmg) {
        if ((vmg.flags & VM_SPECIAL) != 0) {
            return vmg.done(VmaMergeStruct.State.NOMERGE, null);
        }
        long start = vmg.start;
        long end = vmg.end;
        Vma prev = mm.prevOf(start);
        vmg.prev = prev != null && prev.end == start ? prev : null;
        Vma next = vmg.justExpand ? null : mm.tree.find(start);
        vmg.next = next != null && next.start == end ? next : null;
        boolean left = canMergeAfter(vmg);
        boolean right = canMergeBefore(vmg);
        prev = vmg.prev;
        next = vmg.next;
        if (left && right && !anonCompatible(prev.anonVma, next.anonVma)) {
            right = false;
        }
        if (left && right) {
            AnonVma a = prev.anonVma != null ? prev.anonVma : next.anonVma;
            long nextEnd = next.end;
            mm.remove(next);
            mm.tree.resize(prev, prev.start, nextEnd);
            prev.anonVma = a;
            return vmg.done(VmaMergeStruct.State.SUCCESS, prev);
        }
        if (left) {
            mm.tree.resize(prev, prev.start, end);
            if (prev.anonVma == null) {
                prev.anonVma = vmg.anonVma;
            }
            return vmg.done(VmaMergeStruct.State.SUCCESS, prev);
        }
        if (right) {
            mm.tree.resize(next, start, next.end);
            next.pgoff = vmg.pgoff;
            if (next.anonVma == null) {
                next.anonVma = vmg.anonVma;
            }
            return vmg.done(VmaMergeStruct.State.SUCCESS, next);
        }
        return vmg.done(VmaMergeStruct.State.NOMERGE, null);
    }

    /**
     * {@code vma_modify} ({@code vma_merge_existing_range}, else {@code split_vma}): gives
     * [start, end) inside {@code vmg.middle} the flags {@code vmg.flags}, merging with a neighbour
     * when the range touches that side, else splitting. Returns the VMA that now covers exactly
     * [start, end) (flags not yet set when split; state SUCCESS or NOMERGE), or null with state
     * ERROR_NOMEM when a split would pass {@code vm.max_map_count}.
     */
    static Vma modify(Mm mm, VmaMergeStruct vmg) {
        Vma vma = vmg.middle;
        long start = vmg.start;
        long end = vmg.end;
        vmg.prev = start == vma.start ? mm.tree.prev(vma) : null;
        vmg.next = end == vma.end ? mm.tree.next(vma) : null;
        boolean left = canMergeAfter(vmg);
        boolean right = canMergeBefore(vmg);
        Vma prev = vmg.prev;
        Vma next = vmg.next;
        if (left && right && !anonCompatible(prev.anonVma, next.anonVma)) {
            right = false;
        }
        AnonVma a = vma.anonVma;
        if (left && right) {
            long nextEnd = next.end;
            if (a == null) {
                a = prev.anonVma != null ? prev.anonVma : next.anonVma;
            }
            mm.remove(vma);
            mm.remove(next);
            mm.tree.resize(prev, prev.start, nextEnd);
            prev.anonVma = a;
            return vmg.done(VmaMergeStruct.State.SUCCESS, prev);
        }
        if (left) {
            if (end == vma.end) {
                mm.remove(vma);
            } else {
                long vmaPgoff = vma.pgoffAt(end);
                mm.tree.resize(vma, end, vma.end);
                vma.pgoff = vmaPgoff;
            }
            mm.tree.resize(prev, prev.start, end);
            if (prev.anonVma == null) {
                prev.anonVma = a;
            }
            return vmg.done(VmaMergeStruct.State.SUCCESS, prev);
        }
        if (right) {
            if (start == vma.start) {
                mm.remove(vma);
            } else {
                mm.tree.resize(vma, vma.start, start);
            }
            mm.tree.resize(next, start, next.end);
            next.pgoff = vmg.pgoff;
            if (next.anonVma == null) {
                next.anonVma = a;
            }
            return vmg.done(VmaMergeStruct.State.SUCCESS, next);
        }
        // split_vma at each end that is not the VMA's own; each split needs map_count < max
        for (int side = 0; side < 2; side++) {
            long at = side == 0 ? start : end;
            if (at > vma.start && at < vma.end) {
                if (mm.mapCount >= mm.config.maxMapCount()) {
                    return vmg.done(VmaMergeStruct.State.ERROR_NOMEM, null);
                }
                mm.splitVma(vma, at, side == 0);
            }
        }
        return vmg.done(VmaMergeStruct.State.NOMERGE, vma);
    }
}
