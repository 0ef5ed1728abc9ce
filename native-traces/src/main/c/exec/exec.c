/*
 * mallocsim-exec: runs the mallocsim shell's calls in a real process, so any shell script is a
 * differential test of the emulated kernel against this machine's Linux.
 *
 * Protocol (stdin/stdout, one request per line, numbers in lowercase hex without 0x):
 *   mmap A L P F FD O | munmap A L | mprotect A L P | mremap A OL NL F NA | madvise A L ADV
 *   brk A | load W A | store W A V | maps | smaps | status | startbrk | kernel
 *   malloc N | free P | calloc N S | realloc P N | reallocarray P N S | memalign A N
 *   aligned_alloc A N | posix_memalign A N | valloc N | pvalloc N | usable P | trim PAD
 *   mallopt P V | mallinfo2 | malloc_stats | malloc_info OPTIONS | thread N | exit_thread N
 * Replies:
 *   r V       the call returned V (the raw syscall's value)
 *   e N       the call failed with errno N
 *   s C A     the access raised SIGSEGV (C = si_code, A = si_addr); b C A for SIGBUS;
 *   s 4 A K   SIGSEGV with SEGV_PKUERR, K = si_pkey
 *   t N       followed by N bytes of text (the /proc/self file asked for, or for "kernel" the
 *             settings the emulator must share: "thp-enabled MODE pku 0|1 zero-page 0|1";
 *             for "mallinfo2" the ten fields in hex, for "malloc_stats" what it wrote on stderr,
 *             for "malloc_info" what it wrote to the FILE it was given)
 *   The allocator calls run glibc's own malloc family; posix_memalign and malloc_info reply e N
 *   for a nonzero error code. A call that makes glibc abort kills the process (SIGABRT) with
 *   glibc's message on stderr, and there is no reply: the reader sees the end of the stream.
 *
 * The process must not disturb its own address space, or the listing it reports would not be
 * the one its calls ran in: no malloc, no stdio (raw read/write on static buffers), raw syscalls
 * so that glibc's wrappers neither cache the break nor translate results.
 *
 * What the calls' answers depend on but a process cannot change is reported by "kernel"; what it
 * can, it pins at start: under THP "always" a fault may map a 2 MiB page, which the emulator never
 * does, so the process asks for "madvise" behaviour (prctl PR_SET_THP_DISABLE with
 * PR_THP_DISABLE_EXCEPT_ADVISED, Linux 6.18+) and reports the mode it got.
 *
 * This file reads requests and replies, and runs the syscalls, loads, stores and /proc reads;
 * malloc_calls.c runs the malloc family and its threads.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec.h"

#ifndef SEGV_PKUERR
#define SEGV_PKUERR 4
#endif

static char in[1 << 16];
static size_t in_len, in_pos;
static char out[1 << 12];
char text[1 << 22];
static sigjmp_buf recover;
static volatile int fault_sig, fault_code;
static volatile uintptr_t fault_addr;
static volatile uint32_t fault_pkey;
static char altstack[1 << 16];

void write_all(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(1, p, n);
        if (w <= 0)
            _exit(3);
        p += w;
        n -= (size_t)w;
    }
}

size_t put_hex(char *p, uint64_t v)
{
    char tmp[16];
    size_t n = 0;
    do {
        tmp[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    for (size_t i = 0; i < n; i++)
        p[i] = tmp[n - 1 - i];
    return n;
}

void reply(char kind, uint64_t a, int two, uint64_t b)
{
    size_t n = 0;
    out[n++] = kind;
    out[n++] = ' ';
    n += put_hex(out + n, a);
    if (two) {
        out[n++] = ' ';
        n += put_hex(out + n, b);
    }
    out[n++] = '\n';
    write_all(out, n);
}

/* Next line of input into line (NUL-terminated); 0 at end of input. */
static int next_line(char *line, size_t cap)
{
    size_t n = 0;
    for (;;) {
        if (in_pos == in_len) {
            ssize_t r = read(0, in, sizeof in);
            if (r <= 0)
                return n > 0 ? (line[n] = 0, 1) : 0;
            in_len = (size_t)r;
            in_pos = 0;
        }
        char c = in[in_pos++];
        if (c == '\n') {
            line[n] = 0;
            return 1;
        }
        if (n + 1 < cap)
            line[n++] = c;
    }
}

static int parse(const char *s, uint64_t *v, int max)
{
    int n = 0;
    while (*s && n < max) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        uint64_t x = 0;
        while (*s && *s != ' ') {
            char c = *s++;
            x = (x << 4) | (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
        }
        v[n++] = x;
    }
    return n;
}

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    if (in_alloc) {
        signal(sig, SIG_DFL);
        return; /* the access runs again and the default action ends the process */
    }
    fault_sig = sig;
    fault_code = si->si_code;
    fault_addr = (uintptr_t)si->si_addr;
    fault_pkey = sig == SIGSEGV && si->si_code == SEGV_PKUERR ? si->si_pkey : 0;
    siglongjmp(recover, 1);
}

/* glibc's syscall() turns the kernel's -errno into -1 and errno; no mapping ends at -1. */
static void syscall_reply(long r)
{
    if (r == -1)
        reply('e', (uint64_t)errno, 0, 0);
    else
        reply('r', (uint64_t)r, 0, 0);
}

static void send_file(const char *path)
{
    int fd = open(path, O_RDONLY);
    size_t n = 0;
    if (fd >= 0) {
        ssize_t r;
        while (n < sizeof text && (r = read(fd, text + n, sizeof text - n)) > 0)
            n += (size_t)r;
        close(fd);
    }
    reply('t', n, 0, 0);
    write_all(text, n);
}

/* The whole of a small file into text, NUL-terminated; its length (0 when unreadable). */
static size_t read_text(const char *path)
{
    int fd = open(path, O_RDONLY);
    size_t n = 0;
    if (fd >= 0) {
        ssize_t r;
        while (n < sizeof text - 1 && (r = read(fd, text + n, sizeof text - 1 - n)) > 0)
            n += (size_t)r;
        close(fd);
    }
    text[n] = 0;
    return n;
}

/* The selected word of a sysfs choice file ("always [madvise] never" gives madvise). */
static const char *thp_mode(void)
{
    read_text("/sys/kernel/mm/transparent_hugepage/enabled");
    if (strstr(text, "[always]"))
        return "always";
    if (strstr(text, "[madvise]"))
        return "madvise";
    return "never";
}

#ifndef PR_THP_DISABLE_EXCEPT_ADVISED
#define PR_THP_DISABLE_EXCEPT_ADVISED (1 << 1)
#endif

static const char *thp_effective;

/* THP "always" behaves as "madvise" for this process where the kernel can be asked to. */
static void pin_thp(void)
{
    thp_effective = thp_mode();
    if (!strcmp(thp_effective, "always") &&
        prctl(PR_SET_THP_DISABLE, 1, PR_THP_DISABLE_EXCEPT_ADVISED, 0, 0) == 0)
        thp_effective = "madvise";
}

/* A whole word of a flags list (" pku " in /proc/cpuinfo, "pvm_no_zero_page=1" in /proc/cmdline).
 */
static int has_word(const char *word)
{
    size_t w = strlen(word);
    for (const char *p = text; (p = strstr(p, word)) != NULL; p += w) {
        char before = p == text ? ' ' : p[-1], after = p[w];
        if ((before == ' ' || before == '\t') && (after == ' ' || after == '\n' || after == 0))
            return 1;
    }
    return 0;
}

static void send_kernel(void)
{
    /* arch_pkeys_enabled(): the kernel set CR4.PKE, which /proc/cpuinfo shows as ospke */
    read_text("/proc/cpuinfo");
    int pku = has_word("ospke");
    read_text("/proc/cmdline");
    int zero_page = !has_word("pvm_no_zero_page=1");
    size_t n = 0;
    const char *parts[] = {"thp-enabled ", thp_effective, pku ? " pku 1" : " pku 0",
                           zero_page ? " zero-page 1\n" : " zero-page 0\n"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        size_t l = strlen(parts[i]);
        memcpy(out + n, parts[i], l);
        n += l;
    }
    memcpy(text, out, n);
    reply('t', n, 0, 0);
    write_all(text, n);
}

static uint64_t load(int width, uintptr_t a)
{
    switch (width) {
    case 8:
        return *(volatile uint8_t *)a;
    case 16:
        return *(volatile uint16_t *)a;
    case 32:
        return *(volatile uint32_t *)a;
    default:
        return *(volatile uint64_t *)a;
    }
}

static void store(int width, uintptr_t a, uint64_t v)
{
    switch (width) {
    case 8:
        *(volatile uint8_t *)a = (uint8_t)v;
        break;
    case 16:
        *(volatile uint16_t *)a = (uint16_t)v;
        break;
    case 32:
        *(volatile uint32_t *)a = (uint32_t)v;
        break;
    default:
        *(volatile uint64_t *)a = v;
        break;
    }
}

int main(void)
{
    static char line[512];
    uint64_t v[8];
    uint64_t start_brk = (uint64_t)syscall(SYS_brk, 0);
    pin_thp();
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);

    while (next_line(line, sizeof line)) {
        char *args = strchr(line, ' ');
        if (args)
            *args++ = 0;
        else
            args = line + strlen(line);
        int n = parse(args, v, 8);
        if (!strcmp(line, "mmap") && n == 6)
            syscall_reply(syscall(SYS_mmap, v[0], v[1], v[2], v[3], (long)(int)v[4], v[5]));
        else if (!strcmp(line, "munmap") && n == 2)
            syscall_reply(syscall(SYS_munmap, v[0], v[1]));
        else if (!strcmp(line, "mprotect") && n == 3)
            syscall_reply(syscall(SYS_mprotect, v[0], v[1], v[2]));
        else if (!strcmp(line, "mremap") && n == 5)
            syscall_reply(syscall(SYS_mremap, v[0], v[1], v[2], v[3], v[4]));
        else if (!strcmp(line, "madvise") && n == 3)
            syscall_reply(syscall(SYS_madvise, v[0], v[1], v[2]));
        else if (!strcmp(line, "brk") && n == 1)
            reply('r', (uint64_t)syscall(SYS_brk, v[0]), 0, 0);
        else if (!strcmp(line, "startbrk"))
            reply('r', start_brk, 0, 0);
        else if ((!strcmp(line, "load") && n == 2) || (!strcmp(line, "store") && n == 3)) {
            if (sigsetjmp(recover, 1)) {
                if (fault_sig == SIGSEGV && fault_code == SEGV_PKUERR) {
                    size_t n = 0;
                    out[n++] = 's';
                    out[n++] = ' ';
                    n += put_hex(out + n, (uint64_t)fault_code);
                    out[n++] = ' ';
                    n += put_hex(out + n, fault_addr);
                    out[n++] = ' ';
                    n += put_hex(out + n, fault_pkey);
                    out[n++] = '\n';
                    write_all(out, n);
                } else {
                    reply(fault_sig == SIGBUS ? 'b' : 's', (uint64_t)fault_code, 1, fault_addr);
                }
                continue;
            }
            if (line[0] == 'l') {
                reply('r', load((int)v[0], (uintptr_t)v[1]), 0, 0);
            } else {
                store((int)v[0], (uintptr_t)v[1], v[2]);
                reply('r', 0, 0, 0);
            }
        } else if (!strcmp(line, "maps"))
            send_file("/proc/self/maps");
        else if (!strcmp(line, "smaps"))
            send_file("/proc/self/smaps");
        else if (!strcmp(line, "status"))
            send_file("/proc/self/status");
        else if (!strcmp(line, "kernel"))
            send_kernel();
        else if ((!strcmp(line, "thread") || !strcmp(line, "exit_thread")) && n >= 1)
            thread_call(line, v[0]);
        else if ((in_alloc = 1, dispatch(line, n, v)))
            in_alloc = 0;
        else {
            in_alloc = 0;
            reply('e', EINVAL, 0, 0);
        }
    }
    return 0;
}
