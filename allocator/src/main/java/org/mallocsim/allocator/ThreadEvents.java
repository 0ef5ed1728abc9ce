package org.mallocsim.allocator;

/**
 * What an allocator that keeps per-thread state (glibc's tcache and arena attachment) needs to
 * hear about the emulated process's threads. A replay calls {@link #switchThread} before every
 * call whose thread differs from the previous one; allocators without per-thread state need not
 * implement this interface.
 */
public interface ThreadEvents {
    /** Thread {@code tid} started, created by {@code parentTid} (0 when unknown). */
    void threadStarted(int tid, int parentTid);

    /** Thread {@code tid} exited (glibc's {@code tcache_thread_shutdown} and {@code arena_thread_freeres}). */
    void threadExited(int tid);

    /**
     * The process forked on thread {@code parentTid} and the calls that follow are the child's:
     * its only thread, {@code childTid}, continues {@code parentTid}'s state; the other threads
     * are gone.
     */
    void forked(int parentTid, int childTid);

    /** The following calls run on thread {@code tid} (a thread never announced is started implicitly). */
    void switchThread(int tid);
}
