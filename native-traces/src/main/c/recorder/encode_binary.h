/*
 * The parts of the mrecb encoder (docs/trace-format.md, "Binary format (mrecb)") that the
 * recorder's single-threaded fast path inlines: the primitives and the state a record by the
 * previous record's thread reads and updates. encode_binary.c builds every record from these.
 */
#ifndef MALLOCSIM_RECORDER_ENCODE_BINARY_H
#define MALLOCSIM_RECORDER_ENCODE_BINARY_H

#include <stdint.h>
#include <string.h>

/* Version 2: version 1 plus the A flag (pointer arguments as addresses instead of slots). */
#define MRECB_VERSION 2

/* Opcodes and op-byte flags of the spec's record table. */
enum {
    B_MALLOC = 1,
    B_CALLOC = 2,
    B_REALLOC = 3,
    B_FREE = 4,
    B_MEMALIGN = 6,
    B_ALIGNED_ALLOC = 7,
    B_POSIX_MEMALIGN = 8,
    B_VALLOC = 9,
    B_PVALLOC = 10,
    B_THREAD_START = 11,
    B_THREAD_EXIT = 12,
    B_FORK = 13,
    FLAG_THREAD = 0x10,
    FLAG_BRK = 0x20,
    FLAG_IRREGULAR = 0x40,
    FLAG_ADDRESS = 0x80,
};

struct mrecb_state {
    uint64_t prev_brk;
    uint64_t
        *last_end; /* P of the previous record's thread: where its next allocation is predicted */
};
extern struct mrecb_state mrecb;

/* The length of a varint of 1..8 bytes and its continuation bits, indexed by the value's top bit.
 */
struct mrecb_shape {
    uint64_t continuation;
    uint64_t length;
};
static const struct mrecb_shape mrecb_shapes[56] = {
#define MRECB_SHAPE(len)                                                                           \
    {                                                                                              \
        0x8080808080808080ULL & ((1ULL << (8 * (len)-8)) - 1), len                                 \
    }
#define MRECB_SHAPE7(len)                                                                          \
    MRECB_SHAPE(len), MRECB_SHAPE(len), MRECB_SHAPE(len), MRECB_SHAPE(len), MRECB_SHAPE(len),      \
        MRECB_SHAPE(len), MRECB_SHAPE(len)
    MRECB_SHAPE7(1), MRECB_SHAPE7(2), MRECB_SHAPE7(3), MRECB_SHAPE7(4),
    MRECB_SHAPE7(5), MRECB_SHAPE7(6), MRECB_SHAPE7(7), MRECB_SHAPE7(8),
#undef MRECB_SHAPE7
#undef MRECB_SHAPE
};

/*
 * An unsigned LEB128 varint. Below 2^56 (every size, delta and tid in practice) it is made
 * without a branch on its length, which varies from call to call and would be mispredicted:
 * the 7-bit groups are spread to one per byte, continuation bits set on all but the last, and
 * 8 bytes stored, of which the varint's length count; the caller leaves 8 bytes of room. The
 * branches pick how many groups to spread, and each mostly goes one way for a given field.
 */
static inline char *mrecb_varint(char *out, uint64_t v)
{
    if (__builtin_expect(v < 1u << 14, 1)) {
        /* Sizes, chunk-word differences: v + (v & 0x3f80) moves bits 7..13 up by one. */
        uint64_t high = v & 0x3f80;
        uint64_t two = (high + 0x3f80) >> 14; /* 1 if high != 0, computed so no branch is made */
        uint16_t x = (uint16_t)(v + high + (two << 7));
        memcpy(out, &x, 2);
        return out + 1 + two;
    }
    uint64_t x;
    if (__builtin_expect(v < 1u << 28, 1)) {
        x = (v & 0x3fff) | (v & 0xfffc000) << 2;
    } else if (__builtin_expect(v >> 56 == 0, 1)) {
        x = (v & 0xfffffffULL) | (v & 0xfffffff0000000ULL) << 4;
        x = (x & 0x00003fff00003fffULL) | (x & 0x0fffc0000fffc000ULL) << 2;
    } else {
        while (v >= 0x80) {
            *out++ = (char)(v | 0x80);
            v >>= 7;
        }
        *out++ = (char)v;
        return out;
    }
    x = (x & 0x007f007f007f007fULL) | (x & 0x3f803f803f803f80ULL) << 1;
    const struct mrecb_shape *shape = &mrecb_shapes[63 - __builtin_clzll(v)];
    x |= shape->continuation;
    memcpy(out, &x, 8);
    return out + shape->length;
}

/* zz(d): the zigzag of a wrapping 64-bit difference, as a varint. */
static inline char *mrecb_zz(char *out, uint64_t diff)
{
    return mrecb_varint(out, diff << 1 ^ (uint64_t)((int64_t)diff >> 63));
}

/* glibc's request2size: the chunk size a request of n bytes gets. */
static inline uint64_t mrecb_request2size(uint64_t n)
{
    return n + 8 + 15 < 32 ? 32 : (n + 23) & ~(uint64_t)15;
}

/* An allocation's tail: zz(result - predicted), zz(chunkword - R(request)); then P moves on. */
static inline char *mrecb_allocation(char *p, uint64_t predicted, uint64_t request, uint64_t result,
                                     uint64_t chunk_word)
{
    p = mrecb_zz(p, result - predicted);
    p = mrecb_zz(p, chunk_word - mrecb_request2size(request));
    if (result != 0)
        *mrecb.last_end = result + (chunk_word & ~(uint64_t)7);
    return p;
}

/* Ends a record whose op byte is at op: the brk difference if the break moved. */
static inline char *mrecb_brk(char *op, char *p, uint64_t brk)
{
    if (__builtin_expect(brk != mrecb.prev_brk, 0)) {
        *op |= FLAG_BRK;
        p = mrecb_zz(p, brk - mrecb.prev_brk);
        mrecb.prev_brk = brk;
    }
    return p;
}

/* A malloc by the previous record's thread; returns the record's length. */
static inline size_t mrecb_same_thread_malloc(char *out, uint64_t size, uint64_t result,
                                              uint64_t chunk_word, uint64_t brk)
{
    out[0] = B_MALLOC;
    char *p = mrecb_varint(out + 1, size);
    p = mrecb_allocation(p, *mrecb.last_end, size, result, chunk_word);
    return (size_t)(mrecb_brk(out, p, brk) - out);
}

/* A free by the previous record's thread, the pointer as an address (flag A). */
static inline size_t mrecb_same_thread_free(char *out, uint64_t ptr, uint64_t brk)
{
    out[0] = (char)(B_FREE | FLAG_ADDRESS);
    char *p = mrecb_zz(out + 1, ptr - *mrecb.last_end);
    return (size_t)(mrecb_brk(out, p, brk) - out);
}

#endif
