/*
 * The mrecb binary format, version 1, exactly as docs/trace-format.md ("Binary format (mrecb)")
 * freezes it: LEB128 varints, zigzag differences against glibc-shaped predictions, live pointers
 * named by slot numbers. All state lives in static or mmap'd memory; nothing here allocates
 * from the heap being recorded.
 */
#include <string.h>
#include <sys/mman.h>

#include "encode.h"

#define MAX_THREADS 4096

/* Opcodes and op-byte flags of the spec's record table. */
enum {
    B_MALLOC = 1, B_CALLOC = 2, B_REALLOC = 3, B_FREE = 4,
    B_MEMALIGN = 6, B_ALIGNED_ALLOC = 7, B_POSIX_MEMALIGN = 8,
    B_VALLOC = 9, B_PVALLOC = 10, B_THREAD_START = 11, B_THREAD_EXIT = 12, B_FORK = 13,
    FLAG_THREAD = 0x10, FLAG_BRK = 0x20, FLAG_IRREGULAR = 0x40,
};

/* ---- per-file state, reset for each new file (a forked child starts its own) ---- */

static uint64_t thread_tids[MAX_THREADS];
static uint64_t last_end[MAX_THREADS]; /* P: where the thread's next allocation is predicted */
static uint32_t nthreads;
static uint32_t prev_thread;
static int have_prev_thread;
static uint64_t prev_brk, start_brk;

/*
 * Slots: pointer -> slot. Pointers into the first 64 MiB above start-brk (the main heap of most
 * programs) are looked up directly, one 32-bit cell per 16-byte granule holding slot + 1 (a
 * reservation of 16 MiB, touched only as far as the heap reaches); any other pointer goes to an
 * open-addressing table (backward-shift delete). Released slots are reused from a stack.
 */
#define WINDOW_SHIFT 26
static uint32_t *window;

struct slot_entry {
    uint64_t ptr; /* 0: empty */
    uint32_t slot;
};
static struct slot_entry *slots;
static uint64_t slot_mask, slot_count;
static uint32_t *free_stack;
static uint64_t free_top, free_cap;
static uint32_t next_slot;
static int tables_failed;

static uint64_t mix(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
}

static void *map_zeroed(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void put_entry(uint64_t ptr, uint32_t slot)
{
    uint64_t i = mix(ptr) & slot_mask;
    while (slots[i].ptr != 0 && slots[i].ptr != ptr)
        i = (i + 1) & slot_mask;
    if (slots[i].ptr == 0)
        slot_count++;
    slots[i].ptr = ptr;
    slots[i].slot = slot;
}

/* Grows the table at 3/8 load (short probe chains); if mmap fails, records go irregular. */
static int ensure_room(void)
{
    if ((slot_count + 1) * 8 <= (slot_mask + 1) * 3)
        return 0;
    struct slot_entry *old = slots;
    uint64_t old_size = slot_mask + 1;
    struct slot_entry *bigger = map_zeroed(old_size * 2 * sizeof *slots);
    if (bigger == NULL)
        return -1;
    slots = bigger;
    slot_mask = old_size * 2 - 1;
    slot_count = 0;
    for (uint64_t i = 0; i < old_size; i++)
        if (old[i].ptr != 0)
            put_entry(old[i].ptr, old[i].slot);
    munmap(old, old_size * sizeof *slots);
    return 0;
}

/* The window cell of a pointer, or NULL when the pointer lies outside the window. */
static uint32_t *window_cell(uint64_t ptr)
{
    uint64_t off = ptr - start_brk;
    if (window == NULL || off >= (uint64_t)1 << WINDOW_SHIFT || (off & 15) != 0)
        return NULL;
    return &window[off >> 4];
}

/* The slot of a live pointer, or -1. */
static int64_t slot_of(uint64_t ptr)
{
    uint32_t *cell = window_cell(ptr);
    if (cell != NULL)
        return (int64_t)*cell - 1;
    if (ptr == 0 || slots == NULL)
        return -1;
    for (uint64_t i = mix(ptr) & slot_mask; slots[i].ptr != 0; i = (i + 1) & slot_mask)
        if (slots[i].ptr == ptr)
            return slots[i].slot;
    return -1;
}

static void push_free(uint32_t slot);

static void release(uint64_t ptr)
{
    uint32_t *cell = window_cell(ptr);
    if (cell != NULL) {
        if (*cell != 0)
            push_free(*cell - 1);
        *cell = 0;
        return;
    }
    uint64_t i = mix(ptr) & slot_mask;
    while (slots[i].ptr != ptr) {
        if (slots[i].ptr == 0)
            return;
        i = (i + 1) & slot_mask;
    }
    uint32_t slot = slots[i].slot;
    uint64_t hole = i;
    for (;;) {
        i = (i + 1) & slot_mask;
        if (slots[i].ptr == 0)
            break;
        uint64_t home = mix(slots[i].ptr) & slot_mask;
        int home_after_hole = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
        if (!home_after_hole) {
            slots[hole] = slots[i];
            hole = i;
        }
    }
    slots[hole].ptr = 0;
    slot_count--;
    push_free(slot);
}

static void push_free(uint32_t slot)
{
    if (free_top == free_cap) {
        uint32_t *bigger = map_zeroed(free_cap * 2 * sizeof *free_stack);
        if (bigger == NULL) {
            tables_failed = 1;
            return;
        }
        memcpy(bigger, free_stack, free_cap * sizeof *free_stack);
        munmap(free_stack, free_cap * sizeof *free_stack);
        free_stack = bigger;
        free_cap *= 2;
    }
    free_stack[free_top++] = slot;
}

static void assign(uint64_t ptr)
{
    uint32_t *cell = window_cell(ptr);
    if (slot_of(ptr) >= 0)
        release(ptr); /* a pointer handed out while still live: its old slot goes first */
    if (cell == NULL && ensure_room() != 0) {
        tables_failed = 1;
        return;
    }
    uint32_t slot = free_top > 0 ? free_stack[--free_top] : next_slot++;
    if (cell != NULL)
        *cell = slot + 1;
    else
        put_entry(ptr, slot);
}

static void reset_state(uint64_t brk)
{
    nthreads = 0;
    have_prev_thread = 0;
    start_brk = prev_brk = brk;
    next_slot = 0;
    free_top = 0;
    slot_count = 0;
    tables_failed = 0;
    if (slots != NULL)
        munmap(slots, (slot_mask + 1) * sizeof *slots);
    if (free_stack != NULL)
        munmap(free_stack, free_cap * sizeof *free_stack);
    if (window != NULL)
        munmap(window, ((size_t)1 << WINDOW_SHIFT >> 4) * sizeof *window);
    window = map_zeroed(((size_t)1 << WINDOW_SHIFT >> 4) * sizeof *window);
    /* Small to start, so the table of a program with few live blocks stays in cache. */
    slot_mask = (1u << 10) - 1;
    slots = map_zeroed((slot_mask + 1) * sizeof *slots);
    free_cap = 1u << 16;
    free_stack = map_zeroed(free_cap * sizeof *free_stack);
    if (slots == NULL || free_stack == NULL)
        tables_failed = 1;
}

/* ---- primitives ---- */

static char *put_varint(char *out, uint64_t v)
{
    while (v >= 0x80) {
        *out++ = (char)(v | 0x80);
        v >>= 7;
    }
    *out++ = (char)v;
    return out;
}

static char *put_zz(char *out, uint64_t diff)
{
    int64_t d = (int64_t)diff;
    return put_varint(out, ((uint64_t)d << 1) ^ (uint64_t)(d >> 63));
}

static char *put_str(char *out, const char *s, size_t n)
{
    out = put_varint(out, n);
    memcpy(out, s, n);
    return out + n;
}

/* glibc's request2size: the chunk size a request of n bytes gets. */
static uint64_t request2size(uint64_t n)
{
    return n + 8 + 15 < 32 ? 32 : (n + 23) & ~(uint64_t)15;
}

/* ---- header ---- */

static size_t binary_header(char *out, size_t cap, const struct rec_header *h)
{
    size_t tunables = h->tunables == NULL ? 0 : strlen(h->tunables);
    if (cap < 512 + tunables + 2 * h->maps_len)
        return 0;
    reset_state(h->start_brk);
    char *p = out;
    static const char magic[9] = { (char)0x89, 'M', 'R', 'E', 'C', 'B', '\r', '\n', 1 };
    memcpy(p, magic, sizeof magic);
    p += sizeof magic;
    *p++ = 1;
    p = put_str(p, h->glibc_version, strlen(h->glibc_version));
    *p++ = 2;
    p = put_varint(p, h->nprocs);
    *p++ = 3;
    p = put_varint(p, h->start_brk);
    for (size_t i = 0; i < h->maps_len;) {
        const char *nl = memchr(h->maps + i, '\n', h->maps_len - i);
        size_t n = nl == NULL ? h->maps_len - i : (size_t)(nl - (h->maps + i));
        *p++ = 4;
        p = put_str(p, h->maps + i, n);
        i += n + 1;
    }
    if (h->tunables != NULL) {
        *p++ = 5;
        p = put_str(p, h->tunables, tunables);
    }
    /* The text header's other lines (tag 7, the text after "# "). */
    if (h->parent_pid != 0) {
        char line[40] = "forked-from ";
        char digits[24];
        int d = 24;
        for (uint64_t v = h->parent_pid; v > 0; v /= 10)
            digits[--d] = (char)('0' + v % 10);
        memcpy(line + 12, digits + d, (size_t)(24 - d));
        *p++ = 7;
        p = put_str(p, line, 12 + (size_t)(24 - d));
    }
    for (char *const *e = h->malloc_env; e != NULL && *e != NULL; e++) {
        size_t n = strlen(*e);
        if ((size_t)(p - out) + n + 512 + 2 * h->maps_len > cap)
            return 0;
        char line[8] = "env ";
        *p++ = 7;
        p = put_varint(p, 4 + n);
        memcpy(p, line, 4);
        memcpy(p + 4, *e, n);
        p += 4 + n;
    }
    *p++ = 0;
    return (size_t)(p - out);
}

/* ---- records ---- */

/* Writes the op byte and thread reference; returns the position of the op byte for later flags. */
static char *begin_record(char *out, uint64_t tid, int opcode, uint32_t *thread)
{
    uint32_t index = nthreads;
    if (have_prev_thread && thread_tids[prev_thread] == tid) {
        index = prev_thread;
    } else {
        for (uint32_t i = 0; i < nthreads; i++)
            if (thread_tids[i] == tid) {
                index = i;
                break;
            }
    }
    char *p = out;
    *p++ = (char)opcode;
    if (!have_prev_thread || index != prev_thread) {
        out[0] |= FLAG_THREAD;
        p = put_varint(p, index);
        if (index == nthreads) {
            p = put_varint(p, tid);
            if (nthreads < MAX_THREADS) {
                thread_tids[nthreads] = tid;
                last_end[nthreads] = start_brk;
                nthreads++;
            }
        }
    }
    prev_thread = index < MAX_THREADS ? index : MAX_THREADS - 1;
    have_prev_thread = 1;
    *thread = prev_thread;
    return p;
}

static char *end_record(char *out, char *p, uint64_t brk)
{
    if (brk != prev_brk) {
        out[0] |= FLAG_BRK;
        p = put_zz(p, brk - prev_brk);
        prev_brk = brk;
    }
    return p;
}

static int opcode_of(enum rec_op op, int variant)
{
    switch (op) {
    case OP_MALLOC: return B_MALLOC;
    case OP_CALLOC: return B_CALLOC;
    case OP_REALLOC: return B_REALLOC;
    case OP_FREE: return B_FREE;
    case OP_VALLOC: return B_VALLOC;
    case OP_PVALLOC: return B_PVALLOC;
    case OP_MEMALIGN:
        return variant == ALIGN_ALIGNED_ALLOC ? B_ALIGNED_ALLOC
             : variant == ALIGN_POSIX_MEMALIGN ? B_POSIX_MEMALIGN : B_MEMALIGN;
    }
    return B_MALLOC;
}

static size_t binary_call(char *out, const struct rec_call *c)
{
    uint32_t th;
    char *p = begin_record(out, c->tid, opcode_of(c->op, c->variant), &th);
    uint64_t predicted = last_end[th];
    int64_t old_slot = -1;
    int regular = !tables_failed;
    if (c->op == OP_FREE) {
        old_slot = slot_of(c->arg1);
        regular &= old_slot >= 0;
    } else if (c->op == OP_REALLOC && c->arg1 != 0) {
        old_slot = slot_of(c->arg1);
        regular &= old_slot >= 0;
    }
    if (!regular) {
        out[0] |= FLAG_IRREGULAR;
        p = put_varint(p, c->arg1);
        p = put_varint(p, c->arg2);
        p = put_varint(p, c->result);
        p = put_varint(p, c->chunk_word);
    } else {
        switch (c->op) {
        case OP_FREE:
            p = put_varint(p, (uint64_t)old_slot + 1);
            break;
        case OP_REALLOC:
            p = put_varint(p, c->arg1 == 0 ? 0 : (uint64_t)old_slot + 1);
            p = put_varint(p, c->arg2);
            p = put_zz(p, c->result - (c->arg1 != 0 ? c->arg1 : predicted));
            p = put_zz(p, c->chunk_word - request2size(c->arg2));
            break;
        case OP_CALLOC:
            p = put_varint(p, c->arg1);
            p = put_varint(p, c->arg2);
            p = put_zz(p, c->result - predicted);
            p = put_zz(p, c->chunk_word - request2size(c->arg1 * c->arg2));
            break;
        case OP_MEMALIGN:
            p = put_varint(p, c->arg1);
            p = put_varint(p, c->arg2);
            p = put_zz(p, c->result - predicted);
            p = put_zz(p, c->chunk_word - request2size(c->arg2));
            break;
        default: /* malloc, valloc, pvalloc */
            p = put_varint(p, c->arg1);
            p = put_zz(p, c->result - predicted);
            p = put_zz(p, c->chunk_word - request2size(c->arg1));
        }
    }
    p = end_record(out, p, c->brk);

    /* Prediction and slot updates, in the spec's order; they depend only on the values. */
    if (c->op != OP_FREE && c->result != 0)
        last_end[th] = c->result + (c->chunk_word & ~(uint64_t)7);
    /* old_slot is still valid: nothing changed the table since it was looked up. */
    if (c->op == OP_FREE) {
        if (old_slot >= 0)
            release(c->arg1);
    } else if (c->op == OP_REALLOC) {
        if (c->arg1 != 0 && old_slot >= 0 && (c->result != 0 || c->arg2 == 0))
            release(c->arg1);
        if (c->result != 0)
            assign(c->result);
    } else if (c->result != 0) {
        assign(c->result);
    }
    return (size_t)(p - out);
}

static size_t binary_event(char *out, enum rec_event kind, uint64_t tid, uint64_t arg, uint64_t brk)
{
    uint32_t th;
    int opcode = kind == EV_THREAD_START ? B_THREAD_START : kind == EV_FORK ? B_FORK : B_THREAD_EXIT;
    char *p = begin_record(out, tid, opcode, &th);
    if (kind != EV_THREAD_EXIT)
        p = put_varint(p, arg);
    p = end_record(out, p, brk);
    return (size_t)(p - out);
}

static size_t binary_trailer(char *out, uint64_t events)
{
    char *p = out;
    *p++ = 0;
    p = put_varint(p, events);
    memcpy(p, "ENDMRECB", 8);
    return (size_t)(p + 8 - out);
}

const struct encoder binary_encoder = { binary_header, binary_call, binary_event, binary_trailer };
