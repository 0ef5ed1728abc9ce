/*
 * Recorded pointer -> live pointer, for the replayer. An open-addressing hash table (linear
 * probing, backward-shift deletion so no tombstones pile up) in mmap'd memory: the replayer's own
 * tables must never live in the heap whose behaviour it reproduces.
 */
#ifndef MALLOCSIM_PTRMAP_H
#define MALLOCSIM_PTRMAP_H

#include <stdint.h>
#include <sys/mman.h>

struct ptrmap_slot {
    uint64_t key; /* recorded pointer; 0 marks an empty slot (NULL is never mapped) */
    uint64_t value;
};

struct ptrmap {
    struct ptrmap_slot *slots;
    uint64_t mask;
    uint64_t count;
};

static inline uint64_t ptrmap_hash(uint64_t k)
{
    /* Chunk addresses share their low 4 bits and cluster; a multiplicative mix spreads them. */
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
}

static inline int ptrmap_init(struct ptrmap *m, uint64_t capacity_pow2)
{
    size_t bytes = (size_t)capacity_pow2 * sizeof(struct ptrmap_slot);
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (p == MAP_FAILED)
        return -1;
    m->slots = p;
    m->mask = capacity_pow2 - 1;
    m->count = 0;
    return 0;
}

static inline void ptrmap_put_raw(struct ptrmap *m, uint64_t key, uint64_t value)
{
    uint64_t i = ptrmap_hash(key) & m->mask;
    while (m->slots[i].key != 0 && m->slots[i].key != key)
        i = (i + 1) & m->mask;
    if (m->slots[i].key == 0)
        m->count++;
    m->slots[i].key = key;
    m->slots[i].value = value;
}

/* Doubles the table when it is 5/8 full, so probe chains stay short. Returns -1 if mmap fails. */
static inline int ptrmap_put(struct ptrmap *m, uint64_t key, uint64_t value)
{
    if ((m->count + 1) * 8 > (m->mask + 1) * 5) {
        struct ptrmap old = *m;
        if (ptrmap_init(m, (old.mask + 1) * 2) != 0) {
            *m = old;
            return -1;
        }
        for (uint64_t i = 0; i <= old.mask; i++)
            if (old.slots[i].key != 0)
                ptrmap_put_raw(m, old.slots[i].key, old.slots[i].value);
        munmap(old.slots, (size_t)(old.mask + 1) * sizeof(struct ptrmap_slot));
    }
    ptrmap_put_raw(m, key, value);
    return 0;
}

/* The live pointer for a recorded one, or 0 when it is not mapped. */
static inline uint64_t ptrmap_get(const struct ptrmap *m, uint64_t key)
{
    uint64_t i = ptrmap_hash(key) & m->mask;
    while (m->slots[i].key != 0) {
        if (m->slots[i].key == key)
            return m->slots[i].value;
        i = (i + 1) & m->mask;
    }
    return 0;
}

/* Removes key; shifts later members of the probe chain back so lookups never stop early. */
static inline void ptrmap_remove(struct ptrmap *m, uint64_t key)
{
    uint64_t i = ptrmap_hash(key) & m->mask;
    while (m->slots[i].key != key) {
        if (m->slots[i].key == 0)
            return;
        i = (i + 1) & m->mask;
    }
    uint64_t hole = i;
    for (;;) {
        i = (i + 1) & m->mask;
        if (m->slots[i].key == 0)
            break;
        uint64_t home = ptrmap_hash(m->slots[i].key) & m->mask;
        /* The entry at i may fill the hole only if its home is not cyclically in (hole, i]. */
        int home_after_hole = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
        if (!home_after_hole) {
            m->slots[hole] = m->slots[i];
            hole = i;
        }
    }
    m->slots[hole].key = 0;
    m->slots[hole].value = 0;
    m->count--;
}

#endif
