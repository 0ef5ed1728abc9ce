/*
 * Reading and parsing the reference text format without touching the heap: the input lands in
 * mmap'd memory and numbers are parsed by hand (strtoull is fine, but the tokenising around it
 * is simpler this way and never allocates).
 */
#define _GNU_SOURCE
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/rawio.h"

static void error_at_line(uint64_t line, const char *what)
{
    char num[24];
    int i = 23;
    num[i] = '\0';
    do {
        num[--i] = (char)('0' + line % 10);
        line /= 10;
    } while (line != 0);
    raw_err("mallocsim-replay: line ", num + i, ": ");
    raw_err(what, "\n", NULL);
}

int trace_slurp(const char *path, const char **buf, uint64_t *len)
{
    int fd = 0;
    if (strcmp(path, "-") != 0) {
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            raw_err("mallocsim-replay: cannot open ", path, ": ");
            raw_err(strerror(errno), "\n", NULL);
            return -1;
        }
    }
    /* Grow by mremap: the input size of a pipe is unknown, and the reserve costs nothing. */
    size_t cap = 1u << 24, used = 0;
    char *data =
        mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (data == MAP_FAILED) {
        raw_err("mallocsim-replay: out of memory reading the trace\n", NULL, NULL);
        return -1;
    }
    for (;;) {
        if (used == cap) {
            char *bigger = mremap(data, cap, cap * 2, MREMAP_MAYMOVE);
            if (bigger == MAP_FAILED) {
                raw_err("mallocsim-replay: out of memory reading the trace\n", NULL, NULL);
                return -1;
            }
            data = bigger;
            cap *= 2;
        }
        ssize_t n = read(fd, data + used, cap - used);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            raw_err("mallocsim-replay: cannot read the trace: ", strerror(errno), "\n");
            return -1;
        }
        if (n == 0)
            break;
        used += (size_t)n;
    }
    if (fd != 0)
        close(fd);
    *buf = data;
    *len = used;
    return 0;
}

/* Parses one decimal or 0x-hex number at *p, advancing past it; -1 when there is none. */
static int parse_number(const char **p, const char *end, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    int digits = 0;
    if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        for (; s < end; s++, digits++) {
            char c = *s;
            int d = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
            if (d < 0)
                break;
            v = v << 4 | (uint64_t)d;
        }
    } else {
        for (; s < end && *s >= '0' && *s <= '9'; s++, digits++)
            v = v * 10 + (uint64_t)(*s - '0');
    }
    if (digits == 0)
        return -1;
    *out = v;
    *p = s;
    return 0;
}

static void skip_spaces(const char **p, const char *end)
{
    while (*p < end && (**p == ' ' || **p == '\t' || **p == '\r'))
        (*p)++;
}

static int argument_count(char op)
{
    switch (op) {
    case 'm':
    case 'f':
    case 'v':
    case 'p':
        return 1;
    case 'c':
    case 'r':
    case 'a':
        return 2;
    case 't':
    case 'k':
        return 1; /* thread start (parent tid), fork (child pid) */
    case 'x':
        return 0; /* thread exit */
    default:
        return -1;
    }
}

static int thread_index(struct trace *t, uint64_t tid)
{
    /* Few threads in practice; the last hit answers almost every lookup. */
    static uint32_t last_hit;
    if (last_hit < t->nthreads && t->tids[last_hit] == tid)
        return (int)last_hit;
    for (uint32_t i = 0; i < t->nthreads; i++)
        if (t->tids[i] == tid)
            return (int)(last_hit = i);
    if (t->nthreads == MAX_THREADS)
        return -1;
    t->tids[t->nthreads] = tid;
    t->first[t->nthreads] = NO_EVENT;
    t->last[t->nthreads] = NO_EVENT;
    return (int)(last_hit = t->nthreads++);
}

int trace_parse(const char *buf, uint64_t len, struct trace *t)
{
    const char *end = buf + len;
    uint64_t lines = 1;
    for (const char *p = buf; p < end; p++)
        lines += *p == '\n';
    size_t bytes = (size_t)lines * sizeof(struct event);
    t->events = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (t->events == MAP_FAILED) {
        raw_err("mallocsim-replay: out of memory for the event table\n", NULL, NULL);
        return -1;
    }
    t->count = 0;
    t->nthreads = 0;
    uint64_t lineno = 0;
    const char *p = buf;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (eol == NULL)
            eol = end;
        lineno++;
        const char *s = p;
        p = eol + 1;
        skip_spaces(&s, eol);
        uint64_t tid, args[2] = {0, 0}, res = 0, cw = 0, brk = 0;
        char op;
        (void)brk;
        if (s < eol && *s == '#')
            continue;
        if (s == eol)
            continue;
        if (parse_number(&s, eol, &tid) != 0) {
            error_at_line(lineno, "expected a thread id");
            return -1;
        }
        skip_spaces(&s, eol);
        op = s < eol ? *s++ : '\0';
        int nargs = argument_count(op);
        if (nargs < 0) {
            error_at_line(lineno, "unknown operation (expected one of m c r f a v p t x k)");
            return -1;
        }
        for (int i = 0; i < nargs; i++) {
            skip_spaces(&s, eol);
            if (parse_number(&s, eol, &args[i]) != 0) {
                error_at_line(lineno, "expected a number argument");
                return -1;
            }
        }
        skip_spaces(&s, eol);
        if (s >= eol || *s != '=') {
            error_at_line(lineno, "expected '=' before the answers");
            return -1;
        }
        s++;
        uint64_t *answers[3] = {&res, &cw, &brk};
        for (int i = 0; i < 3; i++) {
            skip_spaces(&s, eol);
            if (parse_number(&s, eol, answers[i]) != 0) {
                error_at_line(lineno, "expected RESULT CHUNKWORD BRK after '='");
                return -1;
            }
        }
        /* A fork is the child's business (its own trace); threads become S and X events. */
        if (op == 'k')
            continue;
        /* A thread's parent existed before it: named first, the root of the creation tree (the
         * process's main thread) gets index 0 even when the trace opens with a 't'. */
        if (op == 't' && thread_index(t, args[0]) < 0) {
            error_at_line(lineno, "too many threads");
            return -1;
        }
        if (op == 't' || op == 'x')
            op = op == 't' ? 'S' : 'X';
        int th = thread_index(t, tid);
        if (th < 0) {
            error_at_line(lineno, "too many threads");
            return -1;
        }
        struct event *e = &t->events[t->count];
        memset(e, 0, sizeof *e);
        e->op = op;
        e->a = args[0];
        e->b = args[1];
        e->rec_result = res;
        e->thread = (uint16_t)th;
        e->next = NO_EVENT;
        if (t->first[th] == NO_EVENT)
            t->first[th] = t->count;
        else
            t->events[t->last[th]].next = t->count;
        t->last[th] = t->count;
        t->count++;
    }
    return 0;
}
