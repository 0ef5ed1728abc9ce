/*
 * Raw output for programs that must not touch the heap they observe: a caller-owned byte buffer
 * flushed with write(2), and number formatting without stdio (printf may allocate, and a FILE's
 * buffer comes from malloc unless set up beforehand).
 */
#ifndef MALLOCSIM_RAWIO_H
#define MALLOCSIM_RAWIO_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

/* An output buffer over memory the caller provides (static or mmap'd). */
struct rawbuf {
    int fd;
    char *data;
    size_t cap;
    size_t len;
    int failed; /* set once a write fails, so callers can report it instead of losing data silently
                 */
};

static inline void raw_write_all(struct rawbuf *b, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(b->fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            b->failed = 1;
            return;
        }
        p += w;
        n -= (size_t)w;
    }
}

static inline void raw_flush(struct rawbuf *b)
{
    raw_write_all(b, b->data, b->len);
    b->len = 0;
}

static inline void raw_bytes(struct rawbuf *b, const char *p, size_t n)
{
    if (n > b->cap - b->len) {
        raw_flush(b);
        if (n > b->cap) {
            raw_write_all(b, p, n);
            return;
        }
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static inline void raw_str(struct rawbuf *b, const char *s)
{
    raw_bytes(b, s, strlen(s));
}

static inline void raw_char(struct rawbuf *b, char c)
{
    raw_bytes(b, &c, 1);
}

static inline void raw_dec(struct rawbuf *b, uint64_t v)
{
    char tmp[20];
    int i = 20;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    raw_bytes(b, tmp + i, (size_t)(20 - i));
}

/* Hex with a 0x prefix, as the reference format writes pointers and chunk words. */
static inline void raw_hex(struct rawbuf *b, uint64_t v)
{
    static const char digits[] = "0123456789abcdef";
    char tmp[18];
    int i = 18;
    do {
        tmp[--i] = digits[v & 0xf];
        v >>= 4;
    } while (v != 0);
    tmp[--i] = 'x';
    tmp[--i] = '0';
    raw_bytes(b, tmp + i, (size_t)(18 - i));
}

/* One message to stderr, unbuffered: used for errors, which must never need the heap. */
static inline void raw_err(const char *a, const char *b2, const char *c)
{
    const char *parts[3] = {a, b2, c};
    for (int i = 0; i < 3; i++) {
        if (parts[i] == NULL)
            continue;
        size_t n = strlen(parts[i]);
        while (n > 0) {
            ssize_t w = write(2, parts[i], n);
            if (w <= 0 && errno != EINTR)
                break;
            if (w > 0) {
                parts[i] += w;
                n -= (size_t)w;
            }
        }
    }
}

#endif
