package org.mallocsim.allocator.ptmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;

/**
 * The emulated accesses of the free and malloc paths, counted word by word: a word the code has
 * loaded is not loaded again while nothing has been stored since, as a compiled glibc keeps it in a
 * register (glibc reads p->size for chunksize, chunk_is_mmapped and prev_inuse, and the next
 * chunk's size for prev_inuse, chunksize and chunksize_nomask). The tcache is off, so that a freed
 * chunk goes to a fastbin or to unsorted; the counts are those of the accesses listed, no others.
 */
class AccessCountTest {
    private final AddressSpace as = new AddressSpace(KernelConfig.defaults());
    private final Ptmalloc pm =
            new Ptmalloc(as, Tunables.builder().tcacheCount(0).build());

    private long accessesOfFree(long p) {
        long before = as.accesses();
        pm.free(p);
        return as.accesses() - before;
    }

    private long accessesOfMalloc(long n, long expected) {
        long before = as.accesses();
        assertThat(pm.malloc(n)).isEqualTo(expected);
        return as.accesses() - before;
    }

    /** The second of three blocks of {@code n} bytes, so that both its neighbours are in use. */
    private long betweenTwoInUse(long n) {
        pm.malloc(n);
        long b = pm.malloc(n);
        pm.malloc(n);
        return b;
    }

    @Test
    void aFreeBetweenChunksInUseReadsEachSizeWordOnce() {
        long b = betweenTwoInUse(200);
        // p->size; e->key and the tcache count; av->top, av->flags (contiguous), top->size;
        // next->size (prev_inuse, chunksize and the next-size check), av->system_mem;
        // nextnext->size (is next in use); next->size &= ~PREV_INUSE (a store only);
        // unsorted->fd, fwd->bk; and the stores p->fd, p->bk, unsorted->fd, fwd->bk, p->size and
        // next->prev_size
        assertThat(accessesOfFree(b)).isEqualTo(18);
        // the tcache count; the smallbin's last; the unsorted scan: unsorted->bk, victim->bk,
        // victim->size, av->system_mem, next->size, next->prev_size, bck->fd, victim->fd,
        // av->last_remainder; the stores unsorted->bk, bck->fd (bck->fd is not read again for
        // glibc's "corrupted unsorted chunks 3" check) and next->size |= PREV_INUSE (a store
        // only); the tcache count again, whether to cache the exact fit
        assertThat(accessesOfMalloc(200, b)).isEqualTo(15);
        pm.checkHeap();
    }

    @Test
    void aFreeBetweenTwoFreeChunksReadsEachOfTheirSizeWordsOnce() {
        long a = pm.malloc(200);
        long b = pm.malloc(200);
        long c = pm.malloc(200);
        pm.malloc(200);
        pm.free(a);
        pm.free(c);
        // p->size; e->key and the tcache count; av->top, av->flags, top->size; next->size,
        // av->system_mem; p->prev_size, prev->size; unlink(prev), whose prev_size check reads
        // nothing new: fd, bk, fd->bk, bk->fd and two stores; nextnext->size; next->size again,
        // after the unlink's stores; unlink(next): next(next)->prev_size, fd, bk, fd->bk, bk->fd
        // and two stores; unsorted->fd, fwd->bk; the six stores that put p in unsorted
        assertThat(accessesOfFree(b)).isEqualTo(33);
        pm.checkHeap();
    }

    @Test
    void aFastbinFreeReadsTheNextSizeOnce() {
        long b = betweenTwoInUse(24);
        // p->size; e->key and the tcache count; next->size (both next-size checks),
        // av->system_mem; av->flags (have_fastchunks, a store); the bin's head; the stores p->fd
        // and the head
        assertThat(accessesOfFree(b)).isEqualTo(9);
        pm.checkHeap();
    }
}
