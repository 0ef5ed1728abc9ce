/*
 * The reference text format, written without stdio (printf may allocate, and the recorder must
 * never touch the heap it observes). Thread and fork events use mallocsim's extension lines
 * (docs/trace-format.md): "TID t PARENT = 0x0 0x0 BRK", "TID x = 0x0 0x0 BRK" and
 * "TID k CHILD = 0x0 0x0 BRK"; a complete file ends with "# end N" (promised by "end line").
 */
#include <string.h>

#include "encode.h"

/*
 * Number formatting is most of the recorder's own cost per call: hex digits are made eight at a
 * time with bit tricks, decimal ones two at a time from a table, each number at its final length.
 */
static const char DEC_PAIRS[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

static char *put_dec(char *out, uint64_t v)
{
    int len = 1;
    for (uint64_t t = v; t >= 10; t /= 10)
        len++;
    char *p = out + len;
    while (v >= 100) {
        unsigned pair = (unsigned)(v % 100) * 2;
        v /= 100;
        *--p = DEC_PAIRS[pair + 1];
        *--p = DEC_PAIRS[pair];
    }
    if (v >= 10) {
        *--p = DEC_PAIRS[v * 2 + 1];
        *--p = DEC_PAIRS[v * 2];
    } else {
        *--p = (char)('0' + v);
    }
    return out + len;
}

/* Eight hex digits of x, most significant first, as eight ASCII bytes in memory order (SWAR). */
static uint64_t hex8(uint32_t x)
{
    uint64_t v = x;
    /* Spread the nibbles so that byte k holds nibble k. */
    v = (v | v << 16) & 0x0000ffff0000ffffULL;
    v = (v | v << 8) & 0x00ff00ff00ff00ffULL;
    v = (v | v << 4) & 0x0f0f0f0f0f0f0f0fULL;
    /* Bytes holding 10..15 need 'a' - '0' - 10 = 0x27 more than those holding 0..9. */
    uint64_t letters = ((v + 0x0606060606060606ULL) >> 4) & 0x0101010101010101ULL;
    v += 0x3030303030303030ULL + letters * 0x27;
    return __builtin_bswap64(v); /* little-endian memory: most significant digit first */
}

static char *put_hex(char *out, uint64_t v)
{
    *out++ = '0';
    *out++ = 'x';
    int digits = v == 0 ? 1 : (67 - __builtin_clzll(v)) / 4;
    char tmp[16];
    uint64_t hi = hex8((uint32_t)(v >> 32)), lo = hex8((uint32_t)v);
    memcpy(tmp, &hi, 8);
    memcpy(tmp + 8, &lo, 8);
    memcpy(out, tmp + 16 - digits, (size_t)digits);
    return out + digits;
}

static char *put_str(char *out, const char *s)
{
    size_t n = strlen(s);
    memcpy(out, s, n);
    return out + n;
}

static size_t text_header(char *out, size_t cap, const struct rec_header *h)
{
    size_t tunables = h->tunables == NULL ? 0 : strlen(h->tunables);
    /* Each maps line gains "# map " (6 bytes); a line is at least ~30 bytes, so doubling bounds it.
     */
    if (cap < 256 + tunables + 2 * h->maps_len)
        return 0;
    char *p = out;
    p = put_str(p, "# mrec 1 glibc ");
    p = put_str(p, h->glibc_version);
    p = put_str(p, " nprocs ");
    p = put_dec(p, h->nprocs);
    p = put_str(p, " start-brk ");
    p = put_hex(p, h->start_brk);
    /* The promise of the closing "# end N" line (the trailer), by which a cut trace is detected. */
    p = put_str(p, " end line");
    *p++ = '\n';
    if (h->parent_pid != 0) {
        p = put_str(p, "# forked-from ");
        p = put_dec(p, h->parent_pid);
        *p++ = '\n';
    }
    if (h->tunables != NULL) {
        p = put_str(p, "# tunables ");
        memcpy(p, h->tunables, tunables);
        p += tunables;
        *p++ = '\n';
    }
    for (char *const *e = h->malloc_env; e != NULL && *e != NULL; e++) {
        size_t n = strlen(*e);
        if ((size_t)(p - out) + n + 256 + 2 * h->maps_len > cap)
            return 0;
        p = put_str(p, "# env ");
        p = put_str(p, *e);
        *p++ = '\n';
    }
    for (size_t i = 0; i < h->maps_len;) {
        const char *nl = memchr(h->maps + i, '\n', h->maps_len - i);
        size_t n = nl == NULL ? h->maps_len - i : (size_t)(nl - (h->maps + i));
        p = put_str(p, "# map ");
        memcpy(p, h->maps + i, n);
        p += n;
        *p++ = '\n';
        i += n + 1;
    }
    return (size_t)(p - out);
}

static size_t text_call(char *out, const struct rec_call *c)
{
    /* A thread's id is the same on every line: format it once per thread. */
    static __thread uint64_t tid;
    static __thread char tid_text[24];
    static __thread size_t tid_len;
    if (tid != c->tid || tid_len == 0) {
        tid = c->tid;
        tid_len = (size_t)(put_dec(tid_text, tid) - tid_text);
        tid_text[tid_len++] = ' ';
    }
    memcpy(out, tid_text, tid_len);
    char *p = out + tid_len;
    *p++ = (char)c->op;
    *p++ = ' ';
    switch (c->op) {
    case OP_FREE:
        p = put_hex(p, c->arg1);
        break;
    case OP_REALLOC:
        p = put_hex(p, c->arg1);
        *p++ = ' ';
        p = put_dec(p, c->arg2);
        break;
    case OP_CALLOC:
    case OP_MEMALIGN:
        p = put_dec(p, c->arg1);
        *p++ = ' ';
        p = put_dec(p, c->arg2);
        break;
    default:
        p = put_dec(p, c->arg1);
    }
    p = put_str(p, " = ");
    p = put_hex(p, c->result);
    *p++ = ' ';
    p = put_hex(p, c->chunk_word);
    *p++ = ' ';
    p = put_hex(p, c->brk);
    *p++ = '\n';
    return (size_t)(p - out);
}

/* "TID OP[ ARG] = 0x0 0x0 BRK", the shape of mallocsim's event lines; op " x" has no argument. */
static size_t event_line(char *out, uint64_t tid, const char *op, uint64_t arg, uint64_t brk)
{
    char *p = put_dec(out, tid);
    p = put_str(p, op);
    if (op[2] != '\0') /* " t " and " k " take the argument */
        p = put_dec(p, arg);
    p = put_str(p, " = 0x0 0x0 ");
    p = put_hex(p, brk);
    *p++ = '\n';
    return (size_t)(p - out);
}

static size_t text_thread(char *out, uint64_t tid, int start, uint64_t parent, uint64_t brk)
{
    return event_line(out, tid, start ? " t " : " x", parent, brk);
}

static size_t text_fork(char *out, uint64_t tid, uint64_t child, uint64_t brk)
{
    return event_line(out, tid, " k ", child, brk);
}

/* "# end N": the file is complete and holds N event lines. */
static size_t text_trailer(char *out, uint64_t events)
{
    char *p = put_str(out, "# end ");
    p = put_dec(p, events);
    *p++ = '\n';
    return (size_t)(p - out);
}

const struct encoder text_encoder = {text_header, text_call, text_thread, text_fork, text_trailer};
