/*
 * mallocsim-replay: replays a malloc trace (the reference text format) against the real glibc in
 * a fresh process and writes glibc's own answers in the same format.
 *
 *   mallocsim-replay [--emit FILE] [--stats FILE] [--touch none|first|page|byte] [TRACE|-]
 *
 * For the answers to be comparable with the recorded ones, glibc must reach the first replayed
 * call in the state the recorded program did: nothing here may call malloc before or between the
 * replayed calls. So no stdio (a FILE's buffer is malloc'd), no locale, no getenv-driven library
 * code; the trace, the pointer map and the output buffer all live in mmap'd memory, and output
 * goes out through write(2).
 *
 * Threads need one more step. pthread_create allocates the new thread's DTV with calloc (through
 * ld.so's __rtld_calloc, which binds to the executable's calloc when there is one). The recorded
 * program's DTV calloc is already in the trace, so glibc must not make a second one here: this
 * program defines calloc and free, and while it creates a thread, calloc hands out memory from a
 * private pool outside the heap; free ignores pointers into that pool.
 *
 * A multi-threaded trace is replayed on real threads (the trace's main thread, the first one it
 * names, is this process's main thread: a thread's parent is named before it). A global sequence
 * number enforces trace order: each thread sleeps on its own futex until the sequence reaches its
 * next event; the thread that finishes an event wakes the owner of the following one. A thread is
 * created when its first event comes up. One whose last event is its exit ('x') is joined right
 * after it, before the next event runs, so its exit (tcache flush, arena put on the free list)
 * happens at a fixed point; one whose trace just stops (a recording without thread events) waits
 * until the calls are over and measured, as the emulated replay, which ends no thread the trace
 * does not end, keeps it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gnu/libc-version.h>
#include <linux/futex.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include "../common/rawio.h"
#include "ptrmap.h"
#include "trace.h"

enum touch { TOUCH_NONE, TOUCH_FIRST, TOUCH_PAGE, TOUCH_BYTE };

static const char OPS[] = "mcrfavp";
#define NOPS 7

static struct trace trace;
static struct ptrmap ptrs;
static enum touch touch_mode = TOUCH_NONE;
static uint64_t start_brk;
static uint64_t op_calls[NOPS], op_ns[NOPS];
static uint64_t unknown_pointers, failed_allocations;

/*
 * --exact-peak: the peak RSS is the largest resident set sampled before every call that can give
 * memory back (free, realloc, the memalign family) and after the last one, instead of VmHWM.
 * Linux folds a process's RSS from per-CPU counters into VmHWM only now and then, so VmHWM can
 * miss up to a batch of pages (32 on 2 CPUs) for each CPU; /proc/self/statm followed every page
 * exactly in a test on Linux 6.18, also when the process changed CPUs. The
 * resident set only grows between two such calls, so the samples find the peak for a
 * single-threaded replay (a call that faults a page in and trims it again before it returns is
 * not seen). Each sample costs a few microseconds, so timing runs leave it off.
 */
static int exact_peak;
static int statm_fd = -1;
static uint64_t sampled_peak_kib;

/* /proc/self/maps at the first call, for the emitted header. */
static char maps_text[1 << 18];
static size_t maps_len;

static int op_index(char op)
{
    const char *p = strchr(OPS, op);
    return p == NULL ? 0 : (int)(p - OPS);
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *a, const char *b)
{
    raw_err("mallocsim-replay: ", a, b);
    raw_err("\n", NULL, NULL);
    _exit(1);
}

static void read_maps(void)
{
    int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    for (;;) {
        ssize_t n = read(fd, maps_text + maps_len, sizeof maps_text - maps_len);
        if (n <= 0)
            break;
        maps_len += (size_t)n;
    }
    close(fd);
}

/* Writes into fresh memory the way the recorded program might have, per --touch. */
static void touch(void *p, uint64_t size)
{
    volatile char *c = p;
    switch (touch_mode) {
    case TOUCH_NONE:
        break;
    case TOUCH_FIRST:
        if (size > 0)
            c[0] = 1;
        break;
    case TOUCH_PAGE:
        for (uint64_t off = 0; off < size; off += 4096)
            c[off] = 1;
        break;
    case TOUCH_BYTE:
        memset(p, 0xa5, size);
        break;
    }
}

static void map_result(struct event *e, void *p)
{
    if (p == NULL || e->rec_result == 0)
        return;
    if (ptrmap_put(&ptrs, e->rec_result, (uint64_t)(uintptr_t)p) != 0)
        die("out of memory for the pointer map", "");
}

/* The resident set now, in KiB, from /proc/self/statm (its second field, in pages). */
static uint64_t statm_rss_kib(void)
{
    char text[128];
    ssize_t n = pread(statm_fd, text, sizeof text - 1, 0);
    if (n <= 0)
        return 0;
    text[n] = '\0';
    const char *c = strchr(text, ' ');
    uint64_t pages = 0;
    if (c != NULL)
        for (c++; *c >= '0' && *c <= '9'; c++)
            pages = pages * 10 + (uint64_t)(*c - '0');
    return pages * (uint64_t)(sysconf(_SC_PAGESIZE) / 1024);
}

static void sample_rss(void)
{
    uint64_t kib = statm_rss_kib();
    if (kib > sampled_peak_kib)
        sampled_peak_kib = kib;
}

/* Replays one call and fills in the live answers; times only glibc's own work. */
static void replay_one(struct event *e)
{
    void *p = NULL;
    uint64_t t0, t1, touch_size = 0;
    if (exact_peak && e->op != 'm' && e->op != 'c')
        sample_rss();
    switch (e->op) {
    case 'm':
        t0 = now_ns();
        p = malloc(e->a);
        t1 = now_ns();
        touch_size = e->a;
        break;
    case 'c':
        t0 = now_ns();
        p = calloc(e->a, e->b);
        t1 = now_ns();
        touch_size = p == NULL ? 0 : e->a * e->b;
        break;
    case 'a':
        t0 = now_ns();
        p = memalign(e->a, e->b);
        t1 = now_ns();
        touch_size = e->b;
        break;
    case 'v':
        t0 = now_ns();
        p = valloc(e->a);
        t1 = now_ns();
        touch_size = e->a;
        break;
    case 'p':
        t0 = now_ns();
        p = pvalloc(e->a);
        t1 = now_ns();
        touch_size = e->a;
        break;
    case 'f': {
        uint64_t live = ptrmap_get(&ptrs, e->a);
        e->live_arg = live;
        if (live == 0) {
            /* Freed before recording began, or by a call the trace does not show. */
            e->skipped = 1;
            unknown_pointers++;
            e->brk = (uint64_t)(uintptr_t)sbrk(0);
            return;
        }
        ptrmap_remove(&ptrs, e->a);
        t0 = now_ns();
        free((void *)(uintptr_t)live);
        t1 = now_ns();
        break;
    }
    case 'r': {
        uint64_t live = 0;
        if (e->a != 0) {
            live = ptrmap_get(&ptrs, e->a);
            if (live == 0) {
                unknown_pointers++;
                e->skipped = 1;
            } else {
                ptrmap_remove(&ptrs, e->a);
            }
        }
        e->live_arg = live;
        t0 = now_ns();
        p = realloc((void *)(uintptr_t)live, e->b);
        t1 = now_ns();
        /* A failed realloc keeps the old block; realloc(p, 0) frees it. */
        if (p == NULL && live != 0 && e->b != 0 && ptrmap_put(&ptrs, e->a, live) != 0)
            die("out of memory for the pointer map", "");
        touch_size = e->b;
        break;
    }
    default: /* a thread event: no call */
        e->brk = (uint64_t)(uintptr_t)sbrk(0);
        return;
    }
    int op = op_index(e->op);
    op_calls[op]++;
    op_ns[op] += t1 - t0;
    if (p != NULL) {
        e->res = (uint64_t)(uintptr_t)p;
        e->cw = *((uint64_t *)p - 1);
        touch(p, touch_size);
        map_result(e, p);
    } else if (e->op != 'f' && !(e->op == 'r' && e->b == 0)) {
        failed_allocations++;
    }
    e->brk = (uint64_t)(uintptr_t)sbrk(0);
}

/* ---- keeping pthread_create's own allocations out of the heap under test ---- */

extern void *__libc_calloc(size_t nmemb, size_t size);
extern void __libc_free(void *ptr);

static _Alignas(64) char thread_pool[1 << 20];
static size_t thread_pool_used;
static int creating_thread; /* set only by the turn holder, around pthread_create */

void *calloc(size_t nmemb, size_t size)
{
    size_t bytes;
    if (creating_thread && !__builtin_mul_overflow(nmemb, size, &bytes) &&
        bytes <= sizeof thread_pool - thread_pool_used) {
        void *p = thread_pool + thread_pool_used;
        thread_pool_used += (bytes + 63) & ~(size_t)63;
        return p; /* static storage is already zero */
    }
    return __libc_calloc(nmemb, size);
}

void free(void *ptr)
{
    if ((char *)ptr >= thread_pool && (char *)ptr < thread_pool + sizeof thread_pool)
        return;
    __libc_free(ptr);
}

/* ---- multi-threaded replay ---- */

struct replay_thread {
    _Atomic uint32_t futex; /* bumped by whoever hands this thread the turn */
    pthread_t handle;
    int started;
};

static struct replay_thread threads[MAX_THREADS];
static _Atomic uint32_t turn;
/* Threads that ran their last event and await a join; touched only by the turn holder. */
static uint32_t pending_exit[MAX_THREADS];
static uint32_t npending;
/*
 * Threads whose last event is a call, not an exit: a trace without thread events (an older
 * recording) says nothing of when they ended, and the emulated replay keeps them. They wait here,
 * their tcaches and arenas attached, until the calls are over and measured, so that their exits
 * (tcache_thread_shutdown's frees, which can trim the heap) fall outside the measured calls.
 */
static uint32_t lingering[MAX_THREADS];
static uint32_t nlingering;
static _Atomic uint32_t release_lingering;

static void futex_wait(_Atomic uint32_t *word, uint32_t seen)
{
    syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
}

static void futex_wake(_Atomic uint32_t *word)
{
    syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void wait_turn(uint32_t thread, uint32_t event)
{
    for (;;) {
        /* Read the futex word before the turn, so a wake between the two is not lost. */
        uint32_t seen = atomic_load(&threads[thread].futex);
        if (atomic_load(&turn) == event)
            return;
        futex_wait(&threads[thread].futex, seen);
    }
}

static void *thread_main(void *arg);

static void start_thread(uint32_t th)
{
    threads[th].started = 1;
    creating_thread = 1;
    int err = pthread_create(&threads[th].handle, NULL, thread_main, (void *)(uintptr_t)th);
    creating_thread = 0;
    if (err != 0)
        die("cannot create a replay thread: ", strerror(err));
}

/* Passes the turn from event e to e + 1 and wakes (or creates) the thread that owns it. */
static void hand_over(uint32_t e)
{
    uint32_t next = e + 1;
    uint32_t owner = next < trace.count ? trace.events[next].thread : 0;
    if (next < trace.count && owner != trace.events[e].thread && !threads[owner].started)
        start_thread(owner);
    atomic_store(&turn, next);
    atomic_fetch_add(&threads[owner].futex, 1);
    futex_wake(&threads[owner].futex);
}

static void join_exited(void)
{
    for (uint32_t i = 0; i < npending; i++)
        pthread_join(threads[pending_exit[i]].handle, NULL);
    npending = 0;
}

static void run_thread_events(uint32_t th)
{
    int linger = 0;
    for (uint32_t e = trace.first[th]; e != NO_EVENT; e = trace.events[e].next) {
        wait_turn(th, e);
        join_exited();
        replay_one(&trace.events[e]);
        if (trace.events[e].next == NO_EVENT && th != 0) {
            if (trace.events[e].op == 'X') {
                pending_exit[npending++] = th;
            } else {
                lingering[nlingering++] = th;
                linger = 1;
            }
        }
        hand_over(e);
    }
    while (linger && atomic_load(&release_lingering) == 0)
        futex_wait(&release_lingering, 0);
}

/* After the measured calls: lets the lingering threads end, and joins them. */
static void end_lingering(void)
{
    atomic_store(&release_lingering, 1);
    syscall(SYS_futex, &release_lingering, FUTEX_WAKE_PRIVATE, MAX_THREADS, NULL, NULL, 0);
    for (uint32_t i = 0; i < nlingering; i++)
        pthread_join(threads[lingering[i]].handle, NULL);
    nlingering = 0;
}

static void *thread_main(void *arg)
{
    run_thread_events((uint32_t)(uintptr_t)arg);
    return NULL;
}

static void replay_threads(void)
{
    threads[0].started = 1;
    /* A trace that opens with a thread start (the main thread calls nothing first) hands the
     * first turn to that thread. */
    if (trace.count > 0 && trace.events[0].thread != 0)
        start_thread(trace.events[0].thread);
    run_thread_events(0);
    wait_turn(0, trace.count);
    join_exited();
    /* Every other thread was joined at its exit event, or waits in end_lingering. */
}

/* ---- output ---- */

static char out_buffer[1 << 20];

static void emit(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        die("cannot create the answers file ", path);
    struct rawbuf b = {fd, out_buffer, sizeof out_buffer, 0, 0};
    raw_str(&b, "# mrec 1 glibc ");
    raw_str(&b, gnu_get_libc_version());
    raw_str(&b, " nprocs ");
    raw_dec(&b, (uint64_t)get_nprocs());
    raw_str(&b, " start-brk ");
    raw_hex(&b, start_brk);
    raw_char(&b, '\n');
    /* The malloc settings glibc ran under, written as the recorder writes them: answers depend
     * on them, so a replay of this file must run under them too. */
    const char *tunables = getenv("GLIBC_TUNABLES");
    if (tunables != NULL) {
        raw_str(&b, "# tunables ");
        raw_str(&b, tunables);
        raw_char(&b, '\n');
    }
    for (char **e = environ; e != NULL && *e != NULL; e++)
        if (strncmp(*e, "MALLOC_", 7) == 0) {
            raw_str(&b, "# env ");
            raw_str(&b, *e);
            raw_char(&b, '\n');
        }
    for (size_t i = 0; i < maps_len;) {
        const char *nl = memchr(maps_text + i, '\n', maps_len - i);
        size_t n = nl == NULL ? maps_len - i : (size_t)(nl - (maps_text + i));
        raw_str(&b, "# map ");
        raw_bytes(&b, maps_text + i, n);
        raw_char(&b, '\n');
        i += n + 1;
    }
    for (uint32_t i = 0; i < trace.count; i++) {
        const struct event *e = &trace.events[i];
        if (e->op == 'S' || e->op == 'X') {
            raw_dec(&b, trace.tids[e->thread]);
            raw_str(&b, e->op == 'S' ? " t " : " x");
            if (e->op == 'S')
                raw_dec(&b, e->a);
            raw_str(&b, " = 0x0 0x0 ");
            raw_hex(&b, e->brk);
            raw_char(&b, '\n');
            continue;
        }
        raw_dec(&b, trace.tids[e->thread]);
        raw_char(&b, ' ');
        raw_char(&b, e->op);
        raw_char(&b, ' ');
        switch (e->op) {
        case 'f':
            raw_hex(&b, e->live_arg);
            break;
        case 'r':
            raw_hex(&b, e->live_arg);
            raw_char(&b, ' ');
            raw_dec(&b, e->b);
            break;
        case 'c':
        case 'a':
            raw_dec(&b, e->a);
            raw_char(&b, ' ');
            raw_dec(&b, e->b);
            break;
        default:
            raw_dec(&b, e->a);
        }
        raw_str(&b, " = ");
        raw_hex(&b, e->res);
        raw_char(&b, ' ');
        raw_hex(&b, e->cw);
        raw_char(&b, ' ');
        raw_hex(&b, e->brk);
        raw_char(&b, '\n');
    }
    raw_flush(&b);
    if (b.failed)
        die("cannot write the answers file ", path);
    close(fd);
}

/*
 * A "Field:   N kB" line of /proc/self/status, in KiB, or 0 when absent. Read with open/read into
 * static storage, as nothing here may call malloc outside the replayed calls.
 */
static uint64_t status_kib(const char *field)
{
    static char text[8192];
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0)
        return 0;
    text[n] = '\0';
    size_t flen = strlen(field);
    for (char *line = text; *line != '\0';) {
        if (strncmp(line, field, flen) == 0 && line[flen] == ':') {
            uint64_t v = 0;
            for (char *c = line + flen + 1; *c != '\0' && *c != '\n'; c++)
                if (*c >= '0' && *c <= '9')
                    v = v * 10 + (uint64_t)(*c - '0');
            return v;
        }
        char *nl = strchr(line, '\n');
        if (nl == NULL)
            break;
        line = nl + 1;
    }
    return 0;
}

/*
 * Resets VmHWM to the current RSS (writing 5 to clear_refs, Linux 4.0+,
 * Documentation/admin-guide/mm/soft-dirty.rst), so the peak read after the replay is the peak
 * during the calls, not while the trace was parsed.
 */
static void reset_peak_rss(void)
{
    int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
        if (write(fd, "5", 1) != 1) {
            /* an older kernel: the peak then includes parsing, which the baseline shares */
        }
        close(fd);
    }
}

static uint64_t rss_start_kib, rss_peak_kib, rss_end_kib;

static void print_stats(const char *path, uint64_t total_ns)
{
    static char buf[8192];
    int fd = 2;
    if (path != NULL) {
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
            die("cannot create the stats file ", path);
    }
    struct rawbuf b = {fd, buf, sizeof buf, 0, 0};
    uint64_t calls = 0, call_ns = 0;
    for (int i = 0; i < NOPS; i++) {
        calls += op_calls[i];
        call_ns += op_ns[i];
    }
    /* One "key value" pair per line, easy to read for people and for NativeReplayer. */
    raw_str(&b, "events ");
    raw_dec(&b, trace.count);
    raw_str(&b, "\nthreads ");
    raw_dec(&b, trace.nthreads);
    raw_str(&b, "\ncalls ");
    raw_dec(&b, calls);
    raw_str(&b, "\nwall-ns ");
    raw_dec(&b, total_ns);
    raw_str(&b, "\ncall-ns ");
    raw_dec(&b, call_ns);
    raw_str(&b, "\nns-per-call ");
    raw_dec(&b, calls == 0 ? 0 : call_ns / calls);
    for (int i = 0; i < NOPS; i++) {
        if (op_calls[i] == 0)
            continue;
        raw_str(&b, "\nop ");
        raw_char(&b, OPS[i]);
        raw_char(&b, ' ');
        raw_dec(&b, op_calls[i]);
        raw_char(&b, ' ');
        raw_dec(&b, op_ns[i] / op_calls[i]);
    }
    raw_str(&b, "\nunknown-pointers ");
    raw_dec(&b, unknown_pointers);
    raw_str(&b, "\nfailed-allocations ");
    raw_dec(&b, failed_allocations);
    raw_str(&b, "\nrss-start-kib ");
    raw_dec(&b, rss_start_kib);
    raw_str(&b, "\nrss-peak-kib ");
    raw_dec(&b, rss_peak_kib);
    raw_str(&b, "\nrss-end-kib ");
    raw_dec(&b, rss_end_kib);
    raw_char(&b, '\n');
    raw_flush(&b);
    if (path != NULL)
        close(fd);
}

static void usage(void)
{
    raw_err("usage: mallocsim-replay [--emit FILE] [--stats FILE] [--touch none|first|page|byte] "
            "[--exact-peak] [TRACE|-]\n",
            NULL, NULL);
    _exit(2);
}

int main(int argc, char **argv)
{
    const char *input = "-", *emit_path = NULL, *stats_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--emit") == 0 && i + 1 < argc) {
            emit_path = argv[++i];
        } else if (strcmp(argv[i], "--stats") == 0 && i + 1 < argc) {
            stats_path = argv[++i];
        } else if (strcmp(argv[i], "--exact-peak") == 0) {
            exact_peak = 1;
        } else if (strcmp(argv[i], "--touch") == 0 && i + 1 < argc) {
            const char *m = argv[++i];
            if (strcmp(m, "none") == 0)
                touch_mode = TOUCH_NONE;
            else if (strcmp(m, "first") == 0)
                touch_mode = TOUCH_FIRST;
            else if (strcmp(m, "page") == 0)
                touch_mode = TOUCH_PAGE;
            else if (strcmp(m, "byte") == 0)
                touch_mode = TOUCH_BYTE;
            else
                usage();
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            usage();
        } else {
            input = argv[i];
        }
    }
    /*
     * An exact peak is also the same in every run: where the stack, the libraries and the
     * replayer's own tables land decides how many of their pages the calls touch (diff's peak
     * moved by 16 pages between runs), so the replayer runs itself again without address-space
     * randomization, as setarch -R does. Where that is refused it goes on randomized.
     */
    if (exact_peak) {
        int persona = personality(0xffffffff);
        if (persona != -1 && (persona & ADDR_NO_RANDOMIZE) == 0 &&
            personality((unsigned long)persona | ADDR_NO_RANDOMIZE) != -1)
            execv("/proc/self/exe", argv);
    }
    /*
     * No transparent huge pages: under THP "always" a fault in the heap may map 2 MiB at once, or
     * khugepaged may collapse the heap at a moment of its own, and the peak RSS would depend on
     * the host's setting and on timing. The emulated kernel maps 4 KiB pages only, as Linux does
     * for a process that disabled THP.
     */
    prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
    const char *text;
    uint64_t len;
    if (trace_slurp(input, &text, &len) != 0 || trace_parse(text, len, &trace) != 0)
        return 1;
    munmap((void *)text, len);
    if (ptrmap_init(&ptrs, 1u << 16) != 0)
        die("out of memory for the pointer map", "");
    /*
     * The table's pages are faulted in now, not by the calls' first puts: else the replayer's own
     * table would add up to 1 MiB to the RSS measured during the calls, growing as the trace goes
     * on, and move the peak to wherever the table had grown most.
     */
    for (uint64_t off = 0; off < (ptrs.mask + 1) * sizeof *ptrs.slots; off += 4096)
        ((volatile char *)ptrs.slots)[off] = 0;

    start_brk = (uint64_t)(uintptr_t)sbrk(0);
    read_maps();
    /*
     * The opens of clear_refs and of status just before the first call and of status just after
     * the last bound the calls for NativeSyscalls, which counts their syscalls under strace: no
     * other open of status may come between them.
     */
    /*
     * Linux keeps a process's RSS in per-CPU counters and reads them without the CPUs' pending
     * deltas (mm rss_stat, a percpu_counter since 6.2): each CPU the process faulted on and left
     * can hide up to a batch of pages (32 on 2 CPUs) from VmRSS and VmHWM. A single-threaded
     * replay stays on the CPU it starts on, so at most one batch is hidden.
     */
    if (trace.nthreads <= 1) {
        int cpu = sched_getcpu();
        cpu_set_t one;
        CPU_ZERO(&one);
        if (cpu >= 0) {
            CPU_SET(cpu, &one);
            sched_setaffinity(0, sizeof one, &one);
        }
    }
    if (exact_peak) {
        statm_fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
        if (statm_fd < 0)
            die("cannot open /proc/self/statm", "");
    }
    reset_peak_rss();
    /* Read before the samples, this first read of status also faults in its buffer, which every
     * sample then counts alike. */
    rss_start_kib = status_kib("VmRSS");
    uint64_t t0 = now_ns();
    if (trace.nthreads <= 1 && (trace.count == 0 || trace.first[0] == 0)) {
        for (uint32_t i = 0; i < trace.count; i++)
            replay_one(&trace.events[i]);
    } else {
        replay_threads();
    }
    uint64_t wall = now_ns() - t0;
    rss_peak_kib = status_kib("VmHWM");
    rss_end_kib = status_kib("VmRSS");
    if (exact_peak) {
        sample_rss(); /* the end */
        rss_peak_kib = sampled_peak_kib > rss_start_kib ? sampled_peak_kib : rss_start_kib;
    }
    end_lingering();

    if (emit_path != NULL)
        emit(emit_path);
    print_stats(stats_path, wall);
    return 0;
}
