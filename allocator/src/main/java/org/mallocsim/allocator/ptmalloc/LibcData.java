package org.mallocsim.allocator.ptmalloc;

/**
 * Where this emulation keeps malloc's static variables, standing for libc's .data/.bss (and, for
 * the per-thread ones, the main thread's TLS): placed in libc's {@code rw-p} mapping when the
 * process starts from a recorded listing, else in a page of its own. The three {@code __thread}
 * fields hold the calling thread's values; {@link Ptmalloc} keeps the other threads' values and
 * swaps them in when the emulated thread changes, as a TLS register would.
 *
 * <pre>
 *  0x000  struct malloc_state main_arena      (MallocState.SIZE = 0x898)
 *  0x898  struct malloc_par mp_               (MallocPar.SIZE = 0x88)
 *  0x920  tcache_perthread_struct *tcache     (__thread in glibc)
 *  0x928  mstate thread_arena                 (__thread in glibc)
 *  0x930  uintptr_t tcache_key
 *  0x938  size_t global_max_fast
 *  0x940  void *__curbrk                      (misc/sbrk.c)
 *  0x948  int __malloc_initialized
 *  0x94c  int perturb_byte
 *  0x950  int tcache_shutting_down            (__thread in glibc)
 *  0x954  int narenas                       (size_t in glibc; never near 2^31 here)
 *  0x958  char *aligned_heap_area           (arena.c)
 *  0x960  mstate free_list                  (arena.c)
 *  0x968  mstate next_to_use                (static in reused_arena)
 *  0x970  size_t narenas_limit              (static in arena_get2)
 *  0x978  (end)
 * </pre>
 */
final class LibcData {
    static final int MAIN_ARENA = 0;
    static final int MP = MAIN_ARENA + MallocState.SIZE;
    static final int TCACHE = MP + MallocPar.SIZE;
    static final int THREAD_ARENA = TCACHE + 8;
    static final int TCACHE_KEY = THREAD_ARENA + 8;
    static final int GLOBAL_MAX_FAST = TCACHE_KEY + 8;
    static final int CURBRK = GLOBAL_MAX_FAST + 8;
    static final int MALLOC_INITIALIZED = CURBRK + 8;
    static final int PERTURB_BYTE = MALLOC_INITIALIZED + 4;
    static final int TCACHE_SHUTTING_DOWN = PERTURB_BYTE + 4;
    static final int NARENAS = TCACHE_SHUTTING_DOWN + 4;
    static final int ALIGNED_HEAP_AREA = NARENAS + 4;
    static final int FREE_LIST = ALIGNED_HEAP_AREA + 8;
    static final int NEXT_TO_USE = FREE_LIST + 8;
    static final int NARENAS_LIMIT = NEXT_TO_USE + 8;
    static final int SIZE = NARENAS_LIMIT + 8;

    private LibcData() {}
}
