/*
 * How the recorder lays out its records. Two encodings share one interface: the reference text
 * format (traces/REFERENCE-FORMAT.md) and the compact binary format (docs/trace-format.md,
 * "Binary format (mrecb)"). Each function appends to a caller-owned buffer and returns the number
 * of bytes written; the caller guarantees ENC_MAX_RECORD bytes of room before each record.
 */
#ifndef MALLOCSIM_RECORDER_ENCODE_H
#define MALLOCSIM_RECORDER_ENCODE_H

#include <stddef.h>
#include <stdint.h>

/* Room for the longest record of either encoding (a text realloc line is well under this). */
#define ENC_MAX_RECORD 160

/* Operation codes, the letters of the reference format. */
enum rec_op {
    OP_MALLOC = 'm',
    OP_CALLOC = 'c',
    OP_REALLOC = 'r',
    OP_FREE = 'f',
    OP_MEMALIGN = 'a',
    OP_VALLOC = 'v',
    OP_PVALLOC = 'p',
};

/* Which memalign-family function made an OP_MEMALIGN call (the binary format keeps it). */
enum align_variant { ALIGN_MEMALIGN, ALIGN_ALIGNED_ALLOC, ALIGN_POSIX_MEMALIGN };

/* One call and glibc's answers. */
struct rec_call {
    uint64_t tid;
    enum rec_op op;
    enum align_variant variant;
    uint64_t arg1, arg2; /* sizes, alignment or the old/freed pointer, in reference-format order */
    uint64_t result, chunk_word, brk;
};

/* What the header carries. maps is /proc/self/maps at the first call, maps_len bytes long. */
struct rec_header {
    const char *glibc_version;
    uint64_t nprocs;
    uint64_t start_brk;
    uint64_t pid;
    uint64_t parent_pid;     /* the parent's pid in a forked child's trace, else 0 */
    const char *tunables;    /* GLIBC_TUNABLES or NULL */
    char *const *malloc_env; /* the MALLOC_* variables (glibc's tunable aliases), NULL-terminated */
    const char *maps;
    size_t maps_len;
};

struct encoder {
    /* Writes the header into out (at most cap bytes); returns its length or 0 if it does not fit.
     */
    size_t (*header)(char *out, size_t cap, const struct rec_header *h);
    size_t (*call)(char *out, const struct rec_call *c);
    /* Thread start (start = 1, created by thread parent, 0 if unknown) or exit (start = 0) of tid.
     */
    size_t (*thread)(char *out, uint64_t tid, int start, uint64_t parent, uint64_t brk);
    /* Thread tid called fork() and it made the child process child. */
    size_t (*fork)(char *out, uint64_t tid, uint64_t child, uint64_t brk);
    /* What closes a complete file after `events` records (nothing for text). */
    size_t (*trailer)(char *out, uint64_t events);
};

extern const struct encoder text_encoder;
extern const struct encoder binary_encoder;

#endif
