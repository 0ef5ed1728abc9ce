/*
 * The reference text format, written without stdio (printf may allocate, and the recorder must
 * never touch the heap it observes). Thread events are comment lines ("# thread-start TID",
 * "# thread-exit TID") so that readers of the reference format skip them.
 */
#include <string.h>

#include "encode.h"

static char *put_dec(char *out, uint64_t v)
{
    char tmp[20];
    int i = 20;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    memcpy(out, tmp + i, (size_t)(20 - i));
    return out + (20 - i);
}

static char *put_hex(char *out, uint64_t v)
{
    static const char digits[] = "0123456789abcdef";
    char tmp[16];
    int i = 16;
    do {
        tmp[--i] = digits[v & 0xf];
        v >>= 4;
    } while (v != 0);
    *out++ = '0';
    *out++ = 'x';
    memcpy(out, tmp + i, (size_t)(16 - i));
    return out + (16 - i);
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
    /* Each maps line gains "# map " (6 bytes); a line is at least ~30 bytes, so doubling bounds it. */
    if (cap < 256 + tunables + 2 * h->maps_len)
        return 0;
    char *p = out;
    p = put_str(p, "# mrec 1 glibc ");
    p = put_str(p, h->glibc_version);
    p = put_str(p, " nprocs ");
    p = put_dec(p, h->nprocs);
    p = put_str(p, " start-brk ");
    p = put_hex(p, h->start_brk);
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
    char *p = put_dec(out, c->tid);
    *p++ = ' ';
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

static size_t text_thread(char *out, uint64_t tid, int start)
{
    char *p = put_str(out, start ? "# thread-start " : "# thread-exit ");
    p = put_dec(p, tid);
    *p++ = '\n';
    return (size_t)(p - out);
}

const struct encoder text_encoder = { text_header, text_call, text_thread };
