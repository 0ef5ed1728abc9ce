package org.mallocsim.allocator.ptmalloc;

/**
 * Where this emulation keeps malloc's static variables, standing for libc's .data/.bss (and, for
 * the per-thread ones, the main thread's TLS): placed in libc's {@code rw-p} mapping (two pages in
 * glibc 2.36's libc.so.6) when the process starts from a recorded listing, else in two pages of
 * their own. The three {@code __thread} fields hold the calling thread's values; {@link Ptmalloc}
 * keeps the other threads' values and swaps them in when the emulated thread changes, as a TLS
 * register would.
 *
 * <p>The second page holds the globals that {@link MallocContext} keeps copies of, read on every
 * call; it watches that page's writes ({@code AddressSpace.watchWrites}) so that a write by
 * anyone else, a program's store or a heap attack's, reaches the copies as it reaches glibc. The
 * main arena stays in the first page, whose stores keep the TLB's hit path.
 *
 * <pre>
 *  0x000  struct malloc_state main_arena      (MallocState.SIZE = 0x898)
 *  0x898  mstate thread_arena                 (__thread in glibc)
 *  0x8a0  void *__curbrk                      (misc/sbrk.c)
 *  0x8a8  int tcache_shutting_down            (__thread in glibc)
 *  0x8ac  int narenas                         (size_t in glibc; never near 2^31 here)
 *  0x8b0  char *aligned_heap_area             (arena.c)
 *  0x8b8  mstate free_list                    (arena.c)
 *  0x8c0  mstate next_to_use                  (static in reused_arena)
 *  0x8c8  size_t narenas_limit                (static in arena_get2)
 *  ...    (zero)
 *  0x1000 struct malloc_par mp_               (MallocPar.SIZE = 0x88)        copied, watched
 *  0x1088 tcache_perthread_struct *tcache     (__thread in glibc)            copied, watched
 *  0x1090 uintptr_t tcache_key                                               copied, watched
 *  0x1098 size_t global_max_fast                                             copied, watched
 *  0x10a0 int __malloc_initialized                                           copied, watched
 *  0x10a4 int perturb_byte                                                   copied, watched
 *  0x10a8 (end)
 * </pre>
 */
final class LibcData {
    static final int MAIN_ARENA = 0;
    static final int THREAD_ARENA = MAIN_ARENA + MallocState.SIZE;
    static final int CURBRK = THREAD_ARENA + 8;
    static final int TCACHE_SHUTTING_DOWN = CURBRK + 8;
    static final int NARENAS = TCACHE_SHUTTING_DOWN + 4;
    static final int ALIGNED_HEAP_AREA = NARENAS + 4;
    static final int FREE_LIST = ALIGNED_HEAP_AREA + 8;
    static final int NEXT_TO_USE = FREE_LIST + 8;
    static final int NARENAS_LIMIT = NEXT_TO_USE + 8;

    /** The first byte of the copied globals, on a page of their own. */
    static final int COPIED = 0x1000;

    static final int MP = COPIED;
    static final int TCACHE = MP + MallocPar.SIZE;
    static final int TCACHE_KEY = TCACHE + 8;
    static final int GLOBAL_MAX_FAST = TCACHE_KEY + 8;
    static final int MALLOC_INITIALIZED = GLOBAL_MAX_FAST + 8;
    static final int PERTURB_BYTE = MALLOC_INITIALIZED + 4;
    static final int SIZE = PERTURB_BYTE + 4;

    private LibcData() {}
}
