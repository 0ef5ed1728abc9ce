/*
 * The mrecb binary format, version 2, as docs/trace-format.md ("Binary format (mrecb)") defines
 * it: LEB128 varints, zigzag differences against glibc-shaped predictions. Freed and reallocated
 * pointers are written as addresses (flag A), not slot numbers: the recorder keeps no table of
 * live pointers, whose lookups cost more than all the rest of a record. All state is static;
 * nothing here allocates from the heap being recorded.
 */
#include <string.h>

#include "encode.h"
#include "encode_binary.h"

#define MAX_THREADS 4096

/* ---- per-file state, reset for each new file (a forked child starts its own) ---- */

struct mrecb_state mrecb;
static uint64_t thread_tids[MAX_THREADS];
static uint64_t last_end[MAX_THREADS]; /* P: where each thread's next allocation is predicted */
static uint32_t nthreads;
static uint32_t prev_thread;
static int have_prev_thread;
static uint64_t start_brk;

static void reset_state(uint64_t brk)
{
    nthreads = 0;
    have_prev_thread = 0;
    start_brk = mrecb.prev_brk = brk;
    mrecb.last_end = &last_end[0];
}

/* ---- primitives ---- */

static char *put_str(char *out, const char *s, size_t n)
{
    out = mrecb_varint(out, n);
    memcpy(out, s, n);
    return out + n;
}

/* ---- header ---- */

static size_t binary_header(char *out, size_t cap, const struct rec_header *h)
{
    size_t tunables = h->tunables == NULL ? 0 : strlen(h->tunables);
    if (cap < 512 + tunables + 2 * h->maps_len)
        return 0;
    reset_state(h->start_brk);
    char *p = out;
    static const char magic[9] = {(char)0x89, 'M', 'R', 'E', 'C', 'B', '\r', '\n', MRECB_VERSION};
    memcpy(p, magic, sizeof magic);
    p += sizeof magic;
    *p++ = 1;
    p = put_str(p, h->glibc_version, strlen(h->glibc_version));
    *p++ = 2;
    p = mrecb_varint(p, h->nprocs);
    *p++ = 3;
    p = mrecb_varint(p, h->start_brk);
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
        p = mrecb_varint(p, 4 + n);
        memcpy(p, line, 4);
        memcpy(p + 4, *e, n);
        p += 4 + n;
    }
    *p++ = 0;
    return (size_t)(p - out);
}

/* ---- records ---- */

/* Writes the op byte and thread reference; returns where the record's fields go. */
static char *begin_record(char *out, uint64_t tid, int opcode)
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
        p = mrecb_varint(p, index);
        if (index == nthreads) {
            p = mrecb_varint(p, tid);
            if (nthreads < MAX_THREADS) {
                thread_tids[nthreads] = tid;
                last_end[nthreads] = start_brk;
                nthreads++;
            }
        }
    }
    prev_thread = index < MAX_THREADS ? index : MAX_THREADS - 1;
    have_prev_thread = 1;
    mrecb.last_end = &last_end[prev_thread];
    return p;
}

static int opcode_of(enum rec_op op, int variant)
{
    switch (op) {
    case OP_MALLOC:
        return B_MALLOC;
    case OP_CALLOC:
        return B_CALLOC;
    case OP_REALLOC:
        return B_REALLOC;
    case OP_FREE:
        return B_FREE;
    case OP_VALLOC:
        return B_VALLOC;
    case OP_PVALLOC:
        return B_PVALLOC;
    case OP_MEMALIGN:
        return variant == ALIGN_ALIGNED_ALLOC    ? B_ALIGNED_ALLOC
               : variant == ALIGN_POSIX_MEMALIGN ? B_POSIX_MEMALIGN
                                                 : B_MEMALIGN;
    }
    return B_MALLOC;
}

static size_t binary_call(char *out, const struct rec_call *c)
{
    char *p = begin_record(out, c->tid, opcode_of(c->op, c->variant));
    uint64_t predicted = *mrecb.last_end;
    switch (c->op) {
    case OP_FREE:
        out[0] |= FLAG_ADDRESS;
        p = mrecb_zz(p, c->arg1 - predicted);
        break;
    case OP_REALLOC:
        out[0] |= FLAG_ADDRESS;
        p = mrecb_zz(p, c->arg1 - predicted);
        p = mrecb_varint(p, c->arg2);
        p = mrecb_allocation(p, c->arg1 != 0 ? c->arg1 : predicted, c->arg2, c->result,
                             c->chunk_word);
        break;
    case OP_CALLOC:
        p = mrecb_varint(p, c->arg1);
        p = mrecb_varint(p, c->arg2);
        p = mrecb_allocation(p, predicted, c->arg1 * c->arg2, c->result, c->chunk_word);
        break;
    case OP_MEMALIGN:
        p = mrecb_varint(p, c->arg1);
        p = mrecb_varint(p, c->arg2);
        p = mrecb_allocation(p, predicted, c->arg2, c->result, c->chunk_word);
        break;
    default: /* malloc, valloc, pvalloc */
        p = mrecb_varint(p, c->arg1);
        p = mrecb_allocation(p, predicted, c->arg1, c->result, c->chunk_word);
    }
    return (size_t)(mrecb_brk(out, p, c->brk) - out);
}

/* A record with one varint field (thread start: the parent; fork: the child) or none (exit). */
static size_t event_record(char *out, uint64_t tid, int opcode, const uint64_t *field, uint64_t brk)
{
    char *p = begin_record(out, tid, opcode);
    if (field != NULL)
        p = mrecb_varint(p, *field);
    return (size_t)(mrecb_brk(out, p, brk) - out);
}

static size_t binary_thread(char *out, uint64_t tid, int start, uint64_t parent, uint64_t brk)
{
    return event_record(out, tid, start ? B_THREAD_START : B_THREAD_EXIT, start ? &parent : NULL,
                        brk);
}

static size_t binary_fork(char *out, uint64_t tid, uint64_t child, uint64_t brk)
{
    return event_record(out, tid, B_FORK, &child, brk);
}

static size_t binary_trailer(char *out, uint64_t events)
{
    char *p = out;
    *p++ = 0;
    p = mrecb_varint(p, events);
    memcpy(p, "ENDMRECB", 8);
    return (size_t)(p + 8 - out);
}

const struct encoder binary_encoder = {
    binary_header, binary_call, binary_thread, binary_fork, binary_trailer,
};
