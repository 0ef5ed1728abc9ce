/*
 * The replayer's in-memory trace: every call of the reference text format parsed up front into
 * one mmap'd array, so replaying never parses, allocates or waits on input between calls.
 */
#ifndef MALLOCSIM_REPLAY_TRACE_H
#define MALLOCSIM_REPLAY_TRACE_H

#include <stdint.h>

#define NO_EVENT    UINT32_MAX
#define MAX_THREADS 4096

/* One recorded call, plus the live answers the replay fills in. */
struct event {
    uint64_t a, b;       /* arguments as recorded (sizes, alignment, recorded old pointer) */
    uint64_t rec_result; /* the pointer glibc returned when recorded: the key of the pointer map */
    uint64_t live_arg;   /* the live pointer passed to free/realloc (0 when it was unknown) */
    uint64_t res, cw, brk; /* the live answers */
    uint32_t next;         /* index of the same thread's next event, or NO_EVENT */
    uint16_t thread;       /* index into the thread table */
    char op;               /* m c r f a v p, or S / X: the thread starts / exits (no call) */
    uint8_t skipped;       /* 1 when the call could not be replayed (free of an unknown pointer) */
};

struct trace {
    struct event *events;
    uint32_t count;
    uint64_t tids[MAX_THREADS]; /* kernel tid of each thread index, in order of first appearance */
    uint32_t first[MAX_THREADS];
    uint32_t last[MAX_THREADS];
    uint32_t nthreads;
};

/*
 * Parses the reference text format in buf[0..len) into t. '#' lines are skipped (the replayer
 * writes its own header). mallocsim's thread lines ("TID t PARENT = ...", "TID x = ...") become
 * S and X events so a thread is created and joined where the recording shows it; fork lines
 * ("TID k CHILD = ...") are skipped. Returns 0, or -1 after writing a message naming the bad line.
 */
int trace_parse(const char *buf, uint64_t len, struct trace *t);

/* Reads a whole file (or stdin for "-") into mmap'd memory; returns 0 or -1 with a message. */
int trace_slurp(const char *path, const char **buf, uint64_t *len);

#endif
