package org.mallocsim.allocator.ptmalloc;

import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * The emulated threads' thread-local malloc state ({@code tcache}, {@code thread_arena},
 * {@code tcache_shutting_down}, and errno): the running thread's values sit in libc's slots (see
 * {@link LibcData}); the others' are kept here and swapped in when the thread changes, as a
 * context switch reloads the TLS register. Also {@code tcache_thread_shutdown} on thread exit.
 */
final class ThreadTable {
    /** Saved words per thread: tcache, thread_arena, tcache_shutting_down, errno. */
    private static final int W = 4;

    private final MallocContext c;
    /** {@code __libc_free}, through which a dying thread's tcache goes back to its arenas. */
    private final LongConsumer libcFree;

    private int[] tids = new int[8];
    private long[] savedTls = new long[8 * W];
    private int nThreads;
    private int currentTid;
    private boolean anyThread;

    ThreadTable(MallocContext c, LongConsumer libcFree) {
        this.c = c;
        this.libcFree = libcFree;
    }

    private int slot(int tid) {
        for (int i = 0; i < nThreads; i++) {
            if (tids[i] == tid) {
                return i;
            }
        }
        return -1;
    }

    /** Saves the running thread's TLS under its tid and loads {@code tid}'s (zero for a new thread). */
    private void swapTls(int tid) {
        int i = slot(currentTid);
        if (i < 0) {
            if (nThreads == tids.length) {
                tids = Arrays.copyOf(tids, nThreads * 2);
                savedTls = Arrays.copyOf(savedTls, nThreads * 2 * W);
            }
            i = nThreads++;
            tids[i] = currentTid;
        }
        savedTls[W * i] = c.tcache();
        savedTls[W * i + 1] = c.threadArena();
        savedTls[W * i + 2] = c.tcacheShuttingDown() ? 1 : 0;
        savedTls[W * i + 3] = c.errno;
        int j = slot(tid);
        c.setTcache(j < 0 ? 0 : savedTls[W * j]);
        c.setThreadArena(j < 0 ? 0 : savedTls[W * j + 1]);
        c.as.store32(c.data + LibcData.TCACHE_SHUTTING_DOWN, j < 0 ? 0 : (int) savedTls[W * j + 2]);
        c.errno = j < 0 ? 0 : (int) savedTls[W * j + 3];
        currentTid = tid;
    }

    void started(int tid, int parentTid) {
        if (!anyThread) {
            anyThread = true;
            currentTid = parentTid != 0 ? parentTid : tid;
        }
        c.multiThreaded = true;
        int running = currentTid;
        swapTls(tid);
        swapTls(running);
    }

    void exited(int tid) {
        int running = currentTid;
        boolean other = anyThread && tid != running;
        if (other) {
            swapTls(tid);
        }
        tcacheThreadShutdown();
        Arenas.arenaThreadFreeres(c);
        if (other) {
            swapTls(running);
            int i = slot(tid);
            if (i >= 0) {
                tids[i] = tids[nThreads - 1];
                System.arraycopy(savedTls, W * (nThreads - 1), savedTls, W * i, W);
                nThreads--;
            }
        }
    }

    void switchTo(int tid) {
        if (!anyThread) {
            anyThread = true;
            currentTid = tid;
            return;
        }
        if (tid != currentTid) {
            c.multiThreaded = true;
            swapTls(tid);
        }
    }

    /**
     * The process forked on {@code parentTid}: the child's only thread, {@code childTid}, goes on
     * with the forking thread's tcache and arena; every other thread's TLS is gone (their tcaches
     * stay allocated, unreachable, as in a real child). In a multi-threaded process glibc's
     * {@code fork} then runs {@code __malloc_fork_unlock_child} (posix/fork.c); the child keeps
     * the multi-threaded paths, as {@code _Fork} never clears the thread's multiple_threads.
     */
    void forked(int parentTid, int childTid) {
        if (anyThread && parentTid != currentTid) {
            swapTls(parentTid);
        }
        anyThread = true;
        currentTid = childTid;
        nThreads = 0;
        if (c.multiThreaded) {
            Arenas.mallocForkUnlockChild(c);
        }
    }

    /** The tcaches of the threads not running now, for the heap checker. */
    long[] otherTcaches() {
        long[] others = new long[nThreads];
        int n = 0;
        for (int i = 0; i < nThreads; i++) {
            if (tids[i] != currentTid && savedTls[W * i] != 0) {
                others[n++] = savedTls[W * i];
            }
        }
        return Arrays.copyOf(others, n);
    }

    /** Follows {@code tcache_thread_shutdown}: every cached chunk, then the tcache, is freed. */
    private void tcacheThreadShutdown() {
        long tcache = c.tcache();
        c.setTcacheShuttingDown();
        if (tcache == 0) {
            return;
        }
        c.setTcache(0);
        for (long i = 0; i < Chunk.TCACHE_MAX_BINS; i++) {
            long head = TcachePerthread.entryAddr(tcache, i);
            long e;
            while ((e = c.as.load64(head)) != 0) {
                if (Chunk.misaligned(e)) {
                    throw c.printerr("tcache_thread_shutdown(): unaligned tcache chunk detected");
                }
                c.as.store64(
                        head,
                        Chunk.revealPtr(e + TcachePerthread.ENTRY_NEXT, c.as.load64(e + TcachePerthread.ENTRY_NEXT)));
                libcFree.accept(e);
            }
        }
        libcFree.accept(tcache);
    }
}
