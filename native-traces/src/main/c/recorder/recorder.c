/*
 * libmallocsim-record.so: an LD_PRELOAD recorder of every glibc allocator call.
 *
 *   MALLOCSIM_TRACE=out.mrecb LD_PRELOAD=libmallocsim-record.so prog args...
 *
 * Environment:
 *   MALLOCSIM_TRACE         output path; "%p" is replaced by the pid. Without it nothing is recorded.
 *   MALLOCSIM_TRACE_FORMAT  "binary" (mrecb, docs/trace-format.md; the default) or "text" (the
 *                           reference format with mallocsim's thread lines).
 *   MALLOCSIM_FLUSH_KIB     bytes buffered between writes, in KiB (default 256; see flush_at).
 *
 * Each entry point forwards to glibc's own __libc_* function and records the call with glibc's
 * answers: the pointer, the chunk word 8 bytes below it, and the program break afterwards.
 *
 * Rules that keep the trace faithful:
 * - The recorder never allocates from the heap it observes: the 64 MiB log buffer is mmap'd and
 *   written out with write(2) when full; numbers are formatted by hand.
 * - One lock is held across each call and its record, so the order of records is the order in
 *   which glibc ran the calls, across threads.
 * - Threads get start events naming their creator (through a pthread_create trampoline) and exit
 *   events; after an exit event, other threads' calls wait until the leaver is gone (its tcache
 *   flushed, its arena free), as a replay has it. A fork puts a fork event naming the child into
 *   the parent's trace.
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

/* glibc's real entry points (exported by libc.so.6 2.36; see nm -D). */
extern void *__libc_malloc(size_t size);
extern void __libc_free(void *ptr);
extern void *__libc_calloc(size_t nmemb, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void *__libc_valloc(size_t size);
extern void *__libc_pvalloc(size_t size);

#define EXPORT __attribute__((visibility("default")))
#define BUFFER_SIZE ((size_t)64 << 20)
/* /proc/self/maps is read into the end of the log buffer before the header is encoded at its start. */
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
        for (int spin = 0; spin < 100 && atomic_load_explicit(&lock_word, memory_order_relaxed) != 0; spin++)
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
static size_t buffered;
static uint64_t events;      /* records in this file, for the binary trailer */
static size_t trailer_len;   /* bytes of trailer at the end of the file, once written */
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
static uint64_t start_brk;
static char path_template[4096];
static pthread_key_t exit_key;
static unsigned exec_generation; /* how many execs this pid went through, from MALLOCSIM_TRACE_EXEC */

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
            return;
        }
        p += w;
        n -= (size_t)w;
    }
}

static void flush(void)
{
    if (out_fd >= 0 && buffered > 0)
        write_all(buffer, buffered);
    buffered = 0;
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
    size_t n = encoder->trailer(buffer + buffered, events);
    buffered += n;
    flush();
    trailer_len = n;
    write_through = 1;
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
    events = 0;
    trailer_len = 0;
    buffered = encoder->header(buffer, BUFFER_SIZE - MAPS_ROOM, &h);
    if (buffered == 0) {
        warn("mallocsim-record: the header does not fit the log buffer", NULL);
        state = OFF;
        return;
    }
    state = RECORDING;
}

static void on_fatal_signal(int sig)
{
    /* The record in progress (if any) is not yet counted in `buffered`, so what is written is whole. */
    if (state == RECORDING)
        flush_complete();
    raise(sig); /* SA_RESETHAND restored the default action, SA_NODEFER lets it act now */
}

static void install_signal_handlers(void)
{
    static const int fatal[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGTERM, SIGINT, SIGHUP, SIGQUIT };
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

static void append_event(enum rec_event kind, uint64_t tid, uint64_t arg);

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
        append_event(EV_THREAD_EXIT, (uint64_t)current_tid(), 0);
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

static void before_fork(void)
{
    lock();
}

static void after_fork_in_parent(void)
{
    unlock();
}

/* The child's copy of the buffer holds the parent's records; it starts its own file instead. */
static void after_fork_in_child(void)
{
    pid_t parent = getppid();
    cached_tid = 0;
    buffered = 0;
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
        flush_at = kib < 4 ? (size_t)4 << 10 : kib > (BUFFER_SIZE - MAPS_ROOM) >> 10 ? BUFFER_SIZE - MAPS_ROOM : kib << 10;
    }
    const char *generation = getenv("MALLOCSIM_TRACE_EXEC");
    for (exec_generation = 0; generation != NULL && *generation >= '0' && *generation <= '9'; generation++)
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

static void make_room(size_t n)
{
    if (buffered + n > flush_at)
        flush();
}

static void append_event(enum rec_event kind, uint64_t tid, uint64_t arg)
{
    make_room(ENC_MAX_RECORD + 32);
    buffered += encoder->event(buffer + buffered, kind, tid, arg, (uint64_t)(uintptr_t)__curbrk);
    events++;
    if (write_through)
        flush_complete();
}

/* The kernel tid of the thread that created this one, set by the pthread_create trampoline. */
static __thread pid_t creator_tid __attribute__((tls_model("initial-exec")));

/* Set for the duration of a call that took the lock (as opposed to a single-threaded one). */
static __thread int holding __attribute__((tls_model("initial-exec")));

/*
 * A thread's first record: a thread other than the main one gets its start event, naming its
 * creator when it came through the pthread_create wrapper, and an exit hook. Called with the lock
 * held (or in a single-threaded process) while recording.
 */
static void note_thread(void)
{
    pid_t tid = current_tid();
    if (tid != getpid()) {
        append_event(EV_THREAD_START, (uint64_t)tid, (uint64_t)creator_tid);
        /* pthread_setspecific may calloc for keys past the first 32: forward that unrecorded. */
        busy = 1;
        pthread_setspecific(exit_key, (void *)1);
        busy = 0;
    }
}

/* Takes the lock; initializes on the first call and notes a thread's first call. */
static int enter(void)
{
    holding = !__libc_single_threaded;
    if (holding)
        lock();
    if (state == UNINITIALIZED)
        initialize();
    if (state != RECORDING)
        return 0;
    if (leaver != 0 && leaver != cached_tid) /* a new thread (cached_tid 0) is never the leaver */
        wait_for_leaver();
    if (cached_tid == 0)
        note_thread();
    return 1;
}

static void leave_variant(int recording, enum rec_op op, enum align_variant variant, uint64_t a1, uint64_t a2,
                          void *result)
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
            .brk = (uint64_t)(uintptr_t)__curbrk,
        };
        make_room(ENC_MAX_RECORD + 32);
        buffered += encoder->call(buffer + buffered, &c);
        events++;
        if (write_through)
            flush_complete();
    }
    if (holding)
        unlock();
}

static void leave_with(int recording, enum rec_op op, uint64_t a1, uint64_t a2, void *result)
{
    leave_variant(recording, op, ALIGN_MEMALIGN, a1, a2, result);
}

EXPORT void *malloc(size_t size)
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

EXPORT void free(void *ptr)
{
    if (busy || ptr == NULL) {
        __libc_free(ptr);
        return;
    }
    int rec = enter();
    __libc_free(ptr);
    int saved = errno;
    leave_with(rec, OP_FREE, (uint64_t)(uintptr_t)ptr, 0, NULL);
    errno = saved;
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
    if (alignment % sizeof(void *) != 0 || alignment == 0
        || (alignment / sizeof(void *) & (alignment / sizeof(void *) - 1)) != 0)
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

/* Copies envp into out (room for count + 2 entries) with MALLOCSIM_TRACE_EXEC set to the next generation. */
static void next_image_environment(char *const envp[], char **out, size_t count, char *setting, size_t cap)
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
    /* The PATH search is glibc's; only its environment is changed. dlsym may allocate: do it first. */
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
#define GATHER_ARGS(first, args, after)                                     \
    size_t count = 1;                                                       \
    va_list ap;                                                             \
    va_start(ap, first);                                                    \
    while (va_arg(ap, char *) != NULL)                                      \
        count++;                                                            \
    va_end(ap);                                                             \
    char *args[count + 1];                                                  \
    args[0] = (char *)(first);                                              \
    va_start(ap, first);                                                    \
    for (size_t i = 1; i <= count; i++)                                     \
        args[i] = va_arg(ap, char *);                                       \
    after;                                                                  \
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

/*
 * fork: the parent's trace gets a fork event naming the child, right after the fork returns (the
 * child starts a trace of its own, see after_fork_in_child). The lock is not held across the fork
 * itself, so that the program's own atfork handlers may allocate; another thread's call may thus
 * come between the fork and its event, which changes nothing, as fork leaves the parent's heap
 * as it was. Forks made inside glibc without atfork handlers (posix_spawn, hence system and
 * popen) are not seen; their children exec at once and record themselves.
 */
extern pid_t __fork(void);

EXPORT pid_t fork(void)
{
    pid_t child = __fork();
    if (child > 0) {
        int saved = errno;
        lock();
        if (state == RECORDING) {
            if (cached_tid == 0)
                note_thread();
            append_event(EV_FORK, (uint64_t)current_tid(), (uint64_t)child);
        }
        unlock();
        errno = saved;
    }
    return child;
}

/*
 * pthread_create: the new thread starts in a trampoline that notes its creator's tid, so its
 * thread-start event can name it. The start routine and argument travel in a pad from a small
 * static pool (the recorder allocates nothing); with the pool empty the thread starts directly
 * and its creator is recorded as 0.
 */
#define PADS 256
struct start_pad {
    void *(*routine)(void *);
    void *arg;
    pid_t creator;
    int next; /* the next free pad, -1 at the end */
};
static struct start_pad pads[PADS];
static int free_pad = -2; /* -2: the free list is not built yet */
typedef int (*create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
static create_fn real_create;

static struct start_pad *take_pad(void)
{
    lock();
    if (free_pad == -2) {
        for (int i = 0; i < PADS; i++)
            pads[i].next = i + 1 < PADS ? i + 1 : -1;
        free_pad = 0;
    }
    struct start_pad *pad = NULL;
    if (free_pad >= 0) {
        pad = &pads[free_pad];
        free_pad = pad->next;
    }
    unlock();
    return pad;
}

static void give_back(struct start_pad *pad)
{
    lock();
    pad->next = free_pad;
    free_pad = (int)(pad - pads);
    unlock();
}

static void *trampoline(void *value)
{
    struct start_pad *pad = value;
    void *(*routine)(void *) = pad->routine;
    void *arg = pad->arg;
    creator_tid = pad->creator;
    give_back(pad);
    return routine(arg);
}

EXPORT int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*routine)(void *), void *arg)
{
    if (real_create == NULL) {
        busy = 1; /* should the lookup allocate, that is the recorder's, not the program's */
        real_create = (create_fn)dlvsym(RTLD_NEXT, "pthread_create", "GLIBC_2.34");
        if (real_create == NULL)
            real_create = (create_fn)dlsym(RTLD_NEXT, "pthread_create");
        busy = 0;
        if (real_create == NULL)
            return EAGAIN;
    }
    struct start_pad *pad = take_pad();
    if (pad == NULL)
        return real_create(thread, attr, routine, arg);
    pad->routine = routine;
    pad->arg = arg;
    pad->creator = cached_tid != 0 ? cached_tid : (pid_t)syscall(SYS_gettid); /* not cached: see enter */
    int e = real_create(thread, attr, trampoline, pad);
    if (e != 0)
        give_back(pad);
    return e;
}
