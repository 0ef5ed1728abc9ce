package org.mallocsim.kernel.mm;

import org.mallocsim.kernel.Errno;

/**
 * One merge or modify request and its outcome, Linux's {@code struct vma_merge_struct} (mm/vma.h):
 * the range and the attributes it is to have go in, the VMA that covers the range and an explicit
 * {@link State} come out. {@link Mm} holds one and every syscall reuses it, so asking for a merge
 * allocates nothing; a caller reads {@link #state} (or {@link #errno()}) instead of a side field.
 *
 * <pre>
 *   prev        middle (modify only)       next
 * [.....)[start ............... end)[.........)
 *         flags, pgoff, file, shmem, anonVma: what [start, end) is to have
 * </pre>
 */
final class VmaMergeStruct {
    /** {@code enum vma_merge_state}. */
    enum State {
        /** Set up, not yet tried ({@code VMA_MERGE_START}). */
        START,
        /** No neighbour could take the range ({@code VMA_MERGE_NOMERGE}). */
        NOMERGE,
        /** {@link #target} now covers the range ({@code VMA_MERGE_SUCCESS}). */
        SUCCESS,
        /** Out of memory or over {@code vm.max_map_count} ({@code VMA_MERGE_ERROR_NOMEM}). */
        ERROR_NOMEM
    }

    Vma prev;
    /** The VMA being modified ({@code vmg->middle}); null for a new range. */
    Vma middle;

    Vma next;
    long start;
    long end;
    long pgoff;
    long flags;
    MappedFile file;
    Shmem shmem;
    AnonVma anonVma;
    /** brk's {@code just_expand}: only prev may grow, next is never looked at. */
    boolean justExpand;

    State state = State.START;
    /** The VMA covering [start, end) after a {@link State#SUCCESS}, or the split middle of a modify. */
    Vma target;

    /** {@code VMG_STATE}: a new anonymous range [start, end) with {@code flags} at {@code pgoff}. */
    VmaMergeStruct newRange(long start, long end, long flags, long pgoff) {
        reset();
        this.start = start;
        this.end = end;
        this.flags = flags;
        this.pgoff = pgoff;
        return this;
    }

    /** The backing (file, shmem object, anon_vma) of {@code v}, for a range that continues it. */
    VmaMergeStruct backedAs(Vma v) {
        file = v.file;
        shmem = v.shmem;
        anonVma = v.anonVma;
        return this;
    }

    /** {@code VMG_VMA_STATE}: [start, end) inside {@code vma} is to get {@code newFlags}. */
    VmaMergeStruct modify(Vma vma, long start, long end, long newFlags) {
        newRange(start, end, newFlags, vma.pgoffAt(start)).middle = vma;
        return backedAs(vma);
    }

    /** {@code vmg_nomem}. */
    boolean nomem() {
        return state == State.ERROR_NOMEM;
    }

    /** The error to return for a failed request: -ENOMEM after {@link State#ERROR_NOMEM}, else 0. */
    int errno() {
        return state == State.ERROR_NOMEM ? -Errno.ENOMEM : 0;
    }

    /** Records the outcome; returns {@code v} (the target, or null). */
    Vma done(State s, Vma v) {
        state = s;
        target = v;
        return v;
    }

    private void reset() {
        prev = middle = next = target = null;
        file = null;
        shmem = null;
        anonVma = null;
        justExpand = false;
        state = State.START;
    }
}
