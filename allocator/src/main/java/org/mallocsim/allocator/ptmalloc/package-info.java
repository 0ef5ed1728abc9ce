/**
 * glibc 2.36's malloc (ptmalloc2) over an emulated process, byte for byte.
 *
 * <p>{@link org.mallocsim.allocator.ptmalloc.Ptmalloc} is the public face: glibc's
 * {@code __libc_*} entry points. Everything malloc keeps lives in the process's memory and is
 * reached through its MMU: chunks are {@code long} addresses laid out by the descriptor classes
 * ({@code Chunk}, {@code MallocState}, {@code MallocPar}, {@code TcachePerthread},
 * {@code HeapInfo}, {@code LibcData}), each with its diagram and a test pinning it.
 *
 * <p>One class per family of glibc functions (malloc/malloc.c and malloc/arena.c):
 * <table>
 *  <caption>where each glibc function lives</caption>
 *  <tr><td>{@code Tcache}</td><td>tcache_put, tcache_get, the double-free walk, tcache_init</td></tr>
 *  <tr><td>{@code IntMalloc}</td><td>_int_malloc, malloc_init_state</td></tr>
 *  <tr><td>{@code IntFree}</td><td>_int_free, unlink_chunk, malloc_consolidate</td></tr>
 *  <tr><td>{@code SysMalloc}</td><td>sysmalloc, sysmalloc_mmap, systrim, munmap_chunk, mremap_chunk</td></tr>
 *  <tr><td>{@code ReallocMemalign}</td><td>_int_realloc, _int_memalign</td></tr>
 *  <tr><td>{@code Arenas}</td><td>ptmalloc_init, arena_get2, reused_arena, _int_new_arena, new_heap,
 *      grow_heap, shrink_heap, heap_trim, arena_thread_freeres</td></tr>
 *  <tr><td>{@code ThreadTable}</td><td>the threads' TLS (tcache, thread_arena), tcache_thread_shutdown</td></tr>
 *  <tr><td>{@code MallOpt}</td><td>__libc_mallopt and the do_set_* helpers the tunables share</td></tr>
 *  <tr><td>{@code MallocStats}</td><td>int_mallinfo, __libc_mallinfo2, __malloc_stats, __malloc_info,
 *      mtrim, __malloc_trim</td></tr>
 *  <tr><td>{@code MallocContext}</td><td>the statics' addresses, malloc_printerr, __sbrk, errno</td></tr>
 *  <tr><td>{@code HeapChecker}</td><td>do_check_malloc_state's invariants, and more</td></tr>
 *  <tr><td>{@code HeapReader}</td><td>the read-only chunk walk and free-list walks the heap views share</td></tr>
 *  <tr><td>{@code HeapDump}</td><td>a text picture of every arena's chunks</td></tr>
 * </table>
 */
package org.mallocsim.allocator.ptmalloc;
