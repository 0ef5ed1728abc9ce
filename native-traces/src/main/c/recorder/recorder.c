/*
 * libmallocsim-record.so: an LD_PRELOAD recorder of every glibc allocator call.
 *
 *   MALLOCSIM_TRACE=out.mrecb LD_PRELOAD=libmallocsim-record.so prog args...
 *
 * Environment:
 *   MALLOCSIM_TRACE         output path; "%p" is replaced by the pid. Without it nothing is
 * recorded. MALLOCSIM_TRACE_FORMAT  "binary" (mrecb version 2, docs/trace-format.md; the default)
 * or "text" (the reference format with mallocsim's thread and fork lines and the closing "# end N"
 * line). MALLOCSIM_FLUSH_KIB     bytes buffered between writes, in KiB (default 256; see flush_at).
 *
 * Each entry point forwards to glibc's own __libc_* function and records the call with glibc's
 * answers: the pointer, the chunk word 8 bytes below it, and the program break afterwards.
 *
 * Rules that keep the trace faithful:
 * - The recorder never allocates from the heap it observes: the 64 MiB log buffer is mmap'd and
 *   written out with write(2) when full; numbers are formatted by hand.
 * - One lock is held across each call and its record, so the order of records is the order in
 *   which glibc ran the calls, across threads. While the process has one thread, no lock is
 *   needed, and malloc and free take an inline fast path (see fast_limit).
 * - Thread starts name their creator (the pthread_create wrapper passes its tid on); fork()
 *   records the child's pid in the parent's trace. After a thread's exit event, other threads'
 *   calls wait until the leaver is gone (its tcache flushed, its arena free), as a replay has it.
 * - A forked child starts its own file (PATH.PID unless PATH has %p). An exec'd program loads
 *   the recorder afresh (LD_PRELOAD persists); it keeps the pid, so the exec wrappers flush and
 *   pass MALLOCSIM_TRACE_EXEC=N to the new image, which writes PATH.execN instead.
 * - The buffer is flushed at exit (destructor; later calls are written through at once), in
 *   _exit and before exec (both skip destructors), and on fatal signals (the handler flushes,
 *   restores the default action and re-raises).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <gnu/libc-version.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "encode.h"
#include "encode_binary.h"

/* glibc's real entry points (exported by libc.so.6 2.36; see nm -D). */
extern void *__libc_malloc(size_t size);
extern void __libc_free(void *ptr);
extern void *__libc_calloc(size_t nmemb, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void *__libc_valloc(size_t size);
extern void *__libc_pvalloc(size_t size);

#define EXPORT      __attribute__((visibility("default")))
#define BUFFER_SIZE ((size_t)64 << 20)
/* Room kept free for the next record: the longest one, plus the 8 bytes a varint may overwrite. */
#define ROOM (ENC_MAX_RECORD + 32)
/* /proc/self/maps is read into the end of the log buffer before the header is encoded at its start.
 */
#define MAPS_ROOM ((size_t)4 << 20)

enum state { UNINITIALIZED, RECORDING, OFF };

extern char **environ;

/* The program break as glibc's sbrk keeps it; reading it saves a call per record. */
extern void *__curbrk;

/*
 * The one lock held across each call and its record. A test-and-set lock: uncontended it costs
 * one atomic exchange and a plain store, about half of a pthread mutex, and it is taken on every
 * allocator call of the program.
 */
static _Atomic int lock_word;

static void lock(void)
{
    while (atomic_exchange_explicit(&lock_word, 1, memory_order_acquire) != 0) {
        for (int spin = 0;
             spin < 100 && atomic_load_explicit(&lock_word, memory_order_relaxed) != 0; spin++)
            __builtin_ia32_pause();
        if (atomic_load_explicit(&lock_word, memory_order_relaxed) != 0)
            sched_yield();
    }
}

static void unlock(void)
{
    atomic_store_explicit(&lock_word, 0, memory_order_release);
}

/*
 * glibc's own flag (sys/single_threaded.h): true until the process first creates a thread.
 * While it holds, no other thread can race for the lock, and the atomic exchange (a fifth of the
 * recorder's cost per call) is skipped, as glibc's malloc skips its arena lock then. It turns
 * false inside pthread_create before the new thread exists, so a call that started unlocked
 * also ends before any other thread can make one.
 */
extern char __libc_single_threaded;

static enum state state = UNINITIALIZED;
static const struct encoder *encoder;
static char *buffer;
/*
 * What the buffer holds: the low 32 bits count its bytes, the high 32 bits the records among
 * them. One word, updated by one store after a record's bytes are in place, so a fatal signal
 * arriving at any moment finds the bytes and the count of whole records in agreement.
 */
static uint64_t cursor;
#define RECORD_ONE ((uint64_t)1 << 32)
static uint64_t events_out; /* records of this file already written out, for the trailer */
static size_t trailer_len;  /* bytes of trailer at the end of the file, once written */
/*
 * The single-threaded fast path of malloc and free runs while at most this many bytes are
 * buffered (so there is room for its record), and never while it is -1. It is -1 unless the
 * recorder is recording, in the binary format, not writing through, and the previous record was
 * made by the thread that is now the only one (__libc_single_threaded is checked with it). Any
 * other call takes the general path, which sets it again after its record.
 */
static int64_t fast_limit = -1;
static int out_fd = -1;
static int write_through; /* after the exit-time flush: write each record at once */
/*
 * Records are written out whenever this many bytes are buffered. The mapping is 64 MiB (the
 * reference recorder's, so a recorded map looks the same), but filling all of it before each
 * write streams every record through cold cache lines and doubled the recorder's CPU cost on
 * malloc_heavy; a 256 KiB window stays in the L2 cache (docs/performance.md). MALLOCSIM_FLUSH_KIB
 * sets another window, up to the whole buffer.
 */
static size_t flush_at = (size_t)256 << 10;
/* The fast path flushes before a record when more than this is buffered (room for one more). */
static uint32_t flush_before;
static uint64_t start_brk;
static char path_template[4096];
static pthread_key_t exit_key;
static unsigned
    exec_generation; /* how many execs this pid went through, from MALLOCSIM_TRACE_EXEC */

/* Initial-exec TLS: no lazy TLS allocation (which would call malloc) on first access. */
static __thread pid_t cached_tid __attribute__((tls_model("initial-exec")));
/* Set while the recorder itself is inside glibc, so a nested allocator call is only forwarded. */
static __thread int busy __attribute__((tls_model("initial-exec")));

static void warn(const char *a, const char *b)
{
    /* Best effort: a failed write to stderr leaves nothing better to do. */
    if (write(2, a, strlen(a)) < 0 || (b != NULL && write(2, b, strlen(b)) < 0))
        return;
    if (write(2, "\n", 1) < 0)
        return;
}

static void write_all(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(out_fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            warn("mallocsim-record: cannot write the trace: ", strerror(errno));
            state = OFF;
            fast_limit = -1;
            return;
        }
        p += w;
        n -= (size_t)w;
    }
}

static uint32_t buffered(void)
{
    return (uint32_t)cursor;
}

/* Makes a record (or trailer) of n bytes at buffer + buffered() part of the buffer. */
static void commit(size_t n, uint64_t records)
{
    atomic_signal_fence(
        memory_order_release); /* the bytes before the count, for the signal handler */
    cursor += n + records * RECORD_ONE;
}

/* Writes out what is buffered; leaves errno as it was (the calls being recorded set it). */
static void flush(void)
{
    int saved = errno;
    if (out_fd >= 0 && buffered() > 0)
        write_all(buffer, buffered());
    events_out += cursor >> 32;
    cursor = 0;
    errno = saved;
}

/*
 * Writes everything buffered and closes the file with the encoder's trailer, so the file is
 * complete even if the process never runs another line. Calls recorded later (another library's
 * destructor, a failed exec) step back over the trailer and write it again after themselves.
 */
static void flush_complete(void)
{
    if (out_fd < 0)
        return;
    if (trailer_len > 0 && lseek(out_fd, -(off_t)trailer_len, SEEK_CUR) < 0)
        trailer_len = 0; /* a pipe: the trailer cannot be moved, so it is only written once */
    size_t n = encoder->trailer(buffer + buffered(), events_out + (cursor >> 32));
    commit(n, 0);
    flush();
    trailer_len = n;
    write_through = 1;
    fast_limit = -1;
}

static pid_t current_tid(void)
{
    if (cached_tid == 0)
        cached_tid = (pid_t)syscall(SYS_gettid);
    return cached_tid;
}

/* Expands %p in the template into out; a plain path gets ".PID" in a forked child. */
static void output_path(char *out, size_t cap, int forked)
{
    char pid[24];
    int n = 23;
    pid[n] = '\0';
    for (pid_t v = getpid(); v > 0; v /= 10)
        pid[--n] = (char)('0' + v % 10);
    size_t o = 0;
    int expanded = 0;
    for (const char *s = path_template; *s != '\0' && o + 24 < cap; s++) {
        if (s[0] == '%' && s[1] == 'p') {
            for (const char *d = pid + n; *d != '\0'; d++)
                out[o++] = *d;
            s++;
            expanded = 1;
        } else {
            out[o++] = *s;
        }
    }
    if (forked && !expanded) {
        out[o++] = '.';
        for (const char *d = pid + n; *d != '\0'; d++)
            out[o++] = *d;
    }
    if (exec_generation > 0 && o + 16 < cap) {
        memcpy(out + o, ".exec", 5);
        o += 5;
        char gen[12];
        int g = 12;
        for (unsigned v = exec_generation; v > 0; v /= 10)
            gen[--g] = (char)('0' + v % 10);
        memcpy(out + o, gen + g, (size_t)(12 - g));
        o += (size_t)(12 - g);
    }
    out[o] = '\0';
}

static size_t read_maps(char *dst, size_t cap)
{
    int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    size_t len = 0;
    if (fd < 0)
        return 0;
    for (;;) {
        ssize_t n = read(fd, dst + len, cap - len);
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    return len;
}

/* Opens the output and writes the header; on failure recording is switched off with a message. */
static void start_file(int forked, pid_t parent)
{
    char path[sizeof path_template + 32];
    output_path(path, sizeof path, forked);
    out_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out_fd < 0) {
        warn("mallocsim-record: cannot create the trace file ", path);
        state = OFF;
        return;
    }
    char *maps = buffer + BUFFER_SIZE - MAPS_ROOM;
    /* glibc reads these aliases of its malloc tunables at the first call: the replay needs them. */
    static char *malloc_env[64];
    size_t nenv = 0;
    for (char **e = environ; e != NULL && *e != NULL && nenv + 1 < 64; e++)
        if (strncmp(*e, "MALLOC_", 7) == 0)
            malloc_env[nenv++] = *e;
    malloc_env[nenv] = NULL;
    struct rec_header h = {
        .glibc_version = gnu_get_libc_version(),
        .nprocs = (uint64_t)get_nprocs(),
        .start_brk = start_brk,
        .pid = (uint64_t)getpid(),
        .parent_pid = (uint64_t)parent,
        .tunables = getenv("GLIBC_TUNABLES"),
        .malloc_env = malloc_env,
        .maps = maps,
        .maps_len = read_maps(maps, MAPS_ROOM),
    };
    events_out = 0;
    trailer_len = 0;
    cursor = encoder->header(buffer, BUFFER_SIZE - MAPS_ROOM, &h);
    if (cursor == 0) {
        warn("mallocsim-record: the header does not fit the log buffer", NULL);
        state = OFF;
        return;
    }
    state = RECORDING;
}

static void on_fatal_signal(int sig)
{
    /* The record in progress (if any) is not yet counted in `cursor`, so what is written is whole.
     */
    if (state == RECORDING)
        flush_complete();
    raise(sig); /* SA_RESETHAND restored the default action, SA_NODEFER lets it act now */
}

static void install_signal_handlers(void)
{
    static const int fatal[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL,
                                SIGTERM, SIGINT, SIGHUP,  SIGQUIT};
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) {
        struct sigaction old;
        /* Leave the program's own handlers (and ignored signals) alone. */
        if (sigaction(fatal[i], NULL, &old) != 0 || old.sa_handler != SIG_DFL)
            continue;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_fatal_signal;
        sa.sa_flags = SA_RESETHAND | SA_NODEFER;
        sigemptyset(&sa.sa_mask);
        sigaction(fatal[i], &sa, NULL);
    }
}

static void append_thread_event(uint64_t tid, int start, uint64_t parent);

/*
 * The thread whose exit event was the last record, until it is gone. glibc frees a thread's
 * tcache and puts its arena on the free list after the thread's key destructors (this hook among
 * them) have run; a replay does all of that at the exit event. So the next call of another thread
 * waits, holding the lock, until the leaver is gone (see wait_for_leaver), or else a thread making
 * its first allocation meanwhile would get a fresh arena where the replay hands it the leaver's.
 */
static pid_t leaver;

/* Runs at a recorded thread's exit, before glibc flushes its tcache (__libc_thread_freeres). */
static void on_thread_exit(void *value)
{
    (void)value;
    lock();
    if (state == RECORDING) {
        append_thread_event((uint64_t)current_tid(), 0, 0);
        leaver = current_tid();
    }
    unlock();
}

/*
 * Waits, for at most about 50 ms, until the thread that recorded the last exit event is gone
 * (tgkill finds no such thread). The bound keeps a leaver whose later destructors wait for this
 * thread from blocking the program; such a recording can differ from its replay.
 */
static void wait_for_leaver(void)
{
    pid_t pid = getpid();
    for (int round = 0; round < 5000 && syscall(SYS_tgkill, pid, leaver, 0) == 0; round++) {
        if (round < 100)
            sched_yield();
        else
            usleep(10);
    }
    leaver = 0;
}

/* Set in the fork wrapper around glibc's fork, which then records the child's pid before unlocking.
 */
static __thread int forking __attribute__((tls_model("initial-exec")));
static __thread int fork_lock_kept __attribute__((tls_model("initial-exec")));

static void before_fork(void)
{
    lock();
}

static void after_fork_in_parent(void)
{
    if (forking)
        fork_lock_kept = 1;
    else
        unlock();
}

/* The child's copy of the buffer holds the parent's records; it starts its own file instead. */
static void after_fork_in_child(void)
{
    pid_t parent = getppid();
    cached_tid = 0;
    leaver = 0; /* the leaver thread, if any, is not in the child */
    cursor = 0;
    fast_limit = -1;
    write_through = 0;
    if (state == RECORDING) {
        close(out_fd);
        start_file(1, parent);
    }
    atomic_store(&lock_word, 0);
}

/* First call in this process: called with the lock held, before glibc runs that call. */
static void initialize(void)
{
    state = OFF;
    const char *path = getenv("MALLOCSIM_TRACE");
    if (path == NULL || *path == '\0')
        return;
    if (strlen(path) >= sizeof path_template) {
        warn("mallocsim-record: MALLOCSIM_TRACE is too long", NULL);
        return;
    }
    strcpy(path_template, path);
    const char *window = getenv("MALLOCSIM_FLUSH_KIB");
    if (window != NULL) {
        size_t kib = 0;
        for (; *window >= '0' && *window <= '9' && kib <= BUFFER_SIZE >> 10; window++)
            kib = kib * 10 + (size_t)(*window - '0');
        flush_at = kib < 4                                 ? (size_t)4 << 10
                   : kib > (BUFFER_SIZE - MAPS_ROOM) >> 10 ? BUFFER_SIZE - MAPS_ROOM
                                                           : kib << 10;
    }
    flush_before = (uint32_t)(flush_at - ROOM);
    const char *generation = getenv("MALLOCSIM_TRACE_EXEC");
    for (exec_generation = 0; generation != NULL && *generation >= '0' && *generation <= '9';
         generation++)
        exec_generation = exec_generation * 10 + (unsigned)(*generation - '0');
    const char *format = getenv("MALLOCSIM_TRACE_FORMAT");
    encoder = format != NULL && strcmp(format, "text") == 0 ? &text_encoder : &binary_encoder;
    buffer = mmap(NULL, BUFFER_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buffer == MAP_FAILED) {
        warn("mallocsim-record: cannot map the log buffer: ", strerror(errno));
        return;
    }
    start_brk = (uint64_t)(uintptr_t)sbrk(0);
    start_file(0, 0);
    if (state != RECORDING)
        return;
    /* Both use static storage for the first few entries, so they do not allocate. */
    pthread_key_create(&exit_key, on_thread_exit);
    pthread_atfork(before_fork, after_fork_in_parent, after_fork_in_child);
    install_signal_handlers();
}

static void make_room(void)
{
    if (buffered() + ROOM > flush_at)
        flush();
}

/* Counts the record of n bytes just encoded at buffer + buffered(); with the lock held if any. */
static void finish_record(size_t n)
{
    commit(n, 1);
    if (write_through)
        flush_complete();
    /* The record was this thread's: if it is the only thread, the next one may go the fast way. */
    int fast = __libc_single_threaded && state == RECORDING && encoder == &binary_encoder &&
               !write_through;
    fast_limit = fast ? (int64_t)flush_before : -1;
}

static uint64_t brk_now(void)
{
    return (uint64_t)(uintptr_t)__curbrk;
}

static void append_thread_event(uint64_t tid, int start, uint64_t parent)
{
    make_room();
    finish_record(encoder->thread(buffer + buffered(), tid, start, parent, brk_now()));
}

/* Set for the duration of a call that took the lock (as opposed to a single-threaded one). */
static __thread int holding __attribute__((tls_model("initial-exec")));
/* Set once this thread's start is in the trace (or it needs none: the main thread). */
static __thread int announced __attribute__((tls_model("initial-exec")));

/* Records the start of the calling thread, created by parent (0: unknown); the lock is held. */
static void announce_thread(pid_t parent)
{
    announced = 1;
    pid_t tid = current_tid();
    if (tid == getpid())
        return;
    append_thread_event((uint64_t)tid, 1, (uint64_t)parent);
    /* pthread_setspecific may calloc for keys past the first 32: forward that unrecorded. */
    busy = 1;
    pthread_setspecific(exit_key, (void *)1);
    busy = 0;
}

/* Takes the lock; initializes on the first call and notes a thread's first call. */
static int enter(void)
{
    /* Not while this thread keeps the lock across its own fork: the program's atfork parent
     * handlers run after the recorder's and may allocate. */
    holding = !__libc_single_threaded && !(forking && fork_lock_kept);
    if (holding)
        lock();
    if (state == UNINITIALIZED)
        initialize();
    if (state != RECORDING)
        return 0;
    if (leaver != 0 && leaver != cached_tid) /* a new thread (cached_tid 0) is never the leaver */
        wait_for_leaver();
    if (!announced)
        announce_thread(0); /* a thread not started through pthread_create below */
    return 1;
}

static void leave_variant(int recording, enum rec_op op, enum align_variant variant, uint64_t a1,
                          uint64_t a2, void *result)
{
    if (recording && state == RECORDING) {
        struct rec_call c = {
            .tid = (uint64_t)current_tid(),
            .op = op,
            .variant = variant,
            .arg1 = a1,
            .arg2 = a2,
            .result = (uint64_t)(uintptr_t)result,
            .chunk_word = result == NULL || op == OP_FREE ? 0 : *((uint64_t *)result - 1),
            .brk = brk_now(),
        };
        make_room();
        finish_record(encoder->call(buffer + buffered(), &c));
    }
    if (holding)
        unlock();
}

static void leave_with(int recording, enum rec_op op, uint64_t a1, uint64_t a2, void *result)
{
    leave_variant(recording, op, ALIGN_MEMALIGN, a1, a2, result);
}

/*
 * The fast path: no lock (one thread), no thread lookup (the previous record was this thread's),
 * no errno to save (nothing here sets it), no flush (the general path does it when the buffer is
 * full), the binary record encoded inline. Whether the call may take it, given buffered().
 */
static inline int fast_allowed(uint32_t used)
{
    return __builtin_expect(__libc_single_threaded && (int64_t)used <= fast_limit, 1);
}

__attribute__((noinline)) static void *malloc_general(size_t size)
{
    if (busy)
        return __libc_malloc(size);
    int rec = enter();
    void *p = __libc_malloc(size);
    int saved = errno;
    leave_with(rec, OP_MALLOC, size, 0, p);
    errno = saved;
    return p;
}

EXPORT void *malloc(size_t size)
{
    uint32_t used = buffered();
    if (!fast_allowed(used))
        return malloc_general(size);
    char *out = buffer + used;
    void *p = __libc_malloc(size);
    uint64_t chunk_word = p == NULL ? 0 : *((uint64_t *)p - 1);
    commit(mrecb_same_thread_malloc(out, size, (uint64_t)(uintptr_t)p, chunk_word, brk_now()), 1);
    return p;
}

__attribute__((noinline)) static void free_general(void *ptr)
{
    if (busy) {
        __libc_free(ptr);
        return;
    }
    int rec = enter();
    __libc_free(ptr);
    int saved = errno;
    leave_with(rec, OP_FREE, (uint64_t)(uintptr_t)ptr, 0, NULL);
    errno = saved;
}

EXPORT void free(void *ptr)
{
    if (ptr == NULL) {
        __libc_free(ptr);
        return;
    }
    uint32_t used = buffered();
    if (!fast_allowed(used)) {
        free_general(ptr);
        return;
    }
    char *out = buffer + used;
    __libc_free(ptr);
    commit(mrecb_same_thread_free(out, (uint64_t)(uintptr_t)ptr, brk_now()), 1);
}

EXPORT void *calloc(size_t nmemb, size_t size)
{
    if (busy)
        return __libc_calloc(nmemb, size);
    int rec = enter();
    void *p = __libc_calloc(nmemb, size);
    int saved = errno;
    leave_with(rec, OP_CALLOC, nmemb, size, p);
    errno = saved;
    return p;
}

EXPORT void *realloc(void *ptr, size_t size)
{
    if (busy)
        return __libc_realloc(ptr, size);
    int rec = enter();
    void *p = __libc_realloc(ptr, size);
    int saved = errno;
    leave_with(rec, OP_REALLOC, (uint64_t)(uintptr_t)ptr, size, p);
    errno = saved;
    return p;
}

EXPORT void *reallocarray(void *ptr, size_t nmemb, size_t size)
{
    size_t bytes;
    /* As glibc does: an overflowing product fails before realloc is reached. */
    if (__builtin_mul_overflow(nmemb, size, &bytes)) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(ptr, bytes);
}

static void *record_memalign(size_t alignment, size_t size, enum align_variant variant)
{
    if (busy)
        return __libc_memalign(alignment, size);
    int rec = enter();
    void *p = __libc_memalign(alignment, size);
    int saved = errno;
    leave_variant(rec, OP_MEMALIGN, variant, alignment, size, p);
    errno = saved;
    return p;
}

EXPORT void *memalign(size_t alignment, size_t size)
{
    return record_memalign(alignment, size, ALIGN_MEMALIGN);
}

EXPORT void *aligned_alloc(size_t alignment, size_t size)
{
    /* glibc 2.36's aligned_alloc is an alias of memalign. */
    return record_memalign(alignment, size, ALIGN_ALIGNED_ALLOC);
}

EXPORT int posix_memalign(void **memptr, size_t alignment, size_t size)
{
    /* glibc checks this before calling anything, so an invalid call never reaches the allocator. */
    if (alignment % sizeof(void *) != 0 || alignment == 0 ||
        (alignment / sizeof(void *) & (alignment / sizeof(void *) - 1)) != 0)
        return EINVAL;
    int saved = errno;
    void *p = record_memalign(alignment, size, ALIGN_POSIX_MEMALIGN);
    errno = saved;
    if (p == NULL)
        return ENOMEM;
    *memptr = p;
    return 0;
}

EXPORT void *valloc(size_t size)
{
    if (busy)
        return __libc_valloc(size);
    int rec = enter();
    void *p = __libc_valloc(size);
    int saved = errno;
    leave_with(rec, OP_VALLOC, size, 0, p);
    errno = saved;
    return p;
}

EXPORT void *pvalloc(size_t size)
{
    if (busy)
        return __libc_pvalloc(size);
    int rec = enter();
    void *p = __libc_pvalloc(size);
    int saved = errno;
    leave_with(rec, OP_PVALLOC, size, 0, p);
    errno = saved;
    return p;
}

/* ---- fork and thread creation: the events that name the other process or thread ---- */

extern pid_t __fork(void); /* glibc's fork, under the name it also exports */

/*
 * fork(): glibc's, then (in the parent, still under the lock the atfork handler took, so no call
 * of another thread comes between) the fork event with the child's pid. A fork glibc makes for
 * itself or that bypasses this wrapper (_Fork, a static call inside libc) has no event.
 */
EXPORT pid_t fork(void)
{
    forking = 1;
    pid_t pid = __fork();
    forking = 0;
    if (pid != 0 && fork_lock_kept) {
        int saved = errno;
        fork_lock_kept = 0;
        if (pid > 0 && state == RECORDING) {
            make_room();
            finish_record(encoder->fork(buffer + buffered(), (uint64_t)current_tid(), (uint64_t)pid,
                                        brk_now()));
        }
        unlock();
        errno = saved;
    }
    return pid;
}

/*
 * pthread_create(): the new thread starts in thread_start, which records its start with the
 * creator's kernel tid before running the program's function. The (function, argument, creator)
 * triple waits in a fixed table (no heap); if all entries are taken, the thread is created
 * directly and its start is recorded at its first call with parent 0.
 */
struct pending_start {
    _Atomic int taken;
    void *(*start)(void *);
    void *arg;
    pid_t parent;
};
static struct pending_start pending_starts[256];

static void *thread_start(void *entry)
{
    struct pending_start *s = entry;
    void *(*start)(void *) = s->start;
    void *arg = s->arg;
    pid_t parent = s->parent;
    atomic_store_explicit(&s->taken, 0, memory_order_release);
    lock();
    if (state == UNINITIALIZED)
        initialize();
    if (state == RECORDING && !announced)
        announce_thread(parent);
    unlock();
    return start(arg);
}

typedef int create_fn(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

EXPORT int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *),
                          void *arg)
{
    static create_fn *_Atomic real;
    create_fn *create = atomic_load_explicit(&real, memory_order_relaxed);
    if (create == NULL) {
        create = (create_fn *)dlsym(RTLD_NEXT, "pthread_create");
        if (create == NULL)
            return EAGAIN;
        atomic_store_explicit(&real, create, memory_order_relaxed);
    }
    for (size_t i = 0; i < sizeof pending_starts / sizeof pending_starts[0]; i++) {
        struct pending_start *s = &pending_starts[i];
        if (atomic_exchange_explicit(&s->taken, 1, memory_order_acquire) != 0)
            continue;
        s->start = start;
        s->arg = arg;
        s->parent = current_tid();
        int r = create(thread, attr, thread_start, s);
        if (r != 0)
            atomic_store_explicit(&s->taken, 0, memory_order_release);
        return r;
    }
    return create(thread, attr, start, arg);
}

/* At exit: flush, then write any later call (another library's destructor) through at once. */
__attribute__((destructor)) static void at_exit(void)
{
    lock();
    if (state == RECORDING)
        flush_complete();
    unlock();
}

/* ---- exits and execs that skip destructors ---- */

static void flush_now(void)
{
    lock();
    if (state == RECORDING)
        flush_complete();
    unlock();
}

EXPORT void _exit(int status)
{
    flush_now();
    for (;;)
        syscall(SYS_exit_group, status);
}

EXPORT void _Exit(int status)
{
    _exit(status);
}

/* Copies envp into out (room for count + 2 entries) with MALLOCSIM_TRACE_EXEC set to the next
 * generation. */
static void next_image_environment(char *const envp[], char **out, size_t count, char *setting,
                                   size_t cap)
{
    static const char name[] = "MALLOCSIM_TRACE_EXEC=";
    size_t n = sizeof name - 1, o = 0;
    memcpy(setting, name, n);
    char digits[12];
    int d = 12;
    for (unsigned v = exec_generation + 1; v > 0; v /= 10)
        digits[--d] = (char)('0' + v % 10);
    if (n + (size_t)(12 - d) < cap) {
        memcpy(setting + n, digits + d, (size_t)(12 - d));
        setting[n + (size_t)(12 - d)] = '\0';
    }
    for (size_t i = 0; i < count; i++)
        if (strncmp(envp[i], name, n) != 0)
            out[o++] = envp[i];
    out[o++] = setting;
    out[o] = NULL;
}

static size_t count_strings(char *const v[])
{
    size_t n = 0;
    while (v != NULL && v[n] != NULL)
        n++;
    return n;
}

EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
    flush_now();
    size_t n = count_strings(envp);
    char *env[n + 2];
    char setting[64];
    next_image_environment(envp, env, n, setting, sizeof setting);
    return (int)syscall(SYS_execve, path, argv, env);
}

EXPORT int execv(const char *path, char *const argv[])
{
    return execve(path, argv, environ);
}

EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
    /* The PATH search is glibc's; only its environment is changed. dlsym may allocate: do it first.
     */
    int (*real)(const char *, char *const[], char *const[]) =
        (int (*)(const char *, char *const[], char *const[]))dlsym(RTLD_NEXT, "execvpe");
    if (real == NULL) {
        errno = ENOSYS;
        return -1;
    }
    flush_now();
    size_t n = count_strings(envp);
    char *env[n + 2];
    char setting[64];
    next_image_environment(envp, env, n, setting, sizeof setting);
    return real(file, argv, env);
}

EXPORT int execvp(const char *file, char *const argv[])
{
    return execvpe(file, argv, environ);
}

/* The execl family: gather the variadic arguments into an argv on the stack. */
#define GATHER_ARGS(first, args, after)                                                            \
    size_t count = 1;                                                                              \
    va_list ap;                                                                                    \
    va_start(ap, first);                                                                           \
    while (va_arg(ap, char *) != NULL)                                                             \
        count++;                                                                                   \
    va_end(ap);                                                                                    \
    char *args[count + 1];                                                                         \
    args[0] = (char *)(first);                                                                     \
    va_start(ap, first);                                                                           \
    for (size_t i = 1; i <= count; i++)                                                            \
        args[i] = va_arg(ap, char *);                                                              \
    after;                                                                                         \
    va_end(ap)

EXPORT int execl(const char *path, const char *arg, ...)
{
    GATHER_ARGS(arg, args, (void)0);
    return execve(path, args, environ);
}

EXPORT int execlp(const char *file, const char *arg, ...)
{
    GATHER_ARGS(arg, args, (void)0);
    return execvpe(file, args, environ);
}

EXPORT int execle(const char *path, const char *arg, ...)
{
    char *const *envp;
    GATHER_ARGS(arg, args, envp = va_arg(ap, char *const *));
    return execve(path, args, envp);
}
