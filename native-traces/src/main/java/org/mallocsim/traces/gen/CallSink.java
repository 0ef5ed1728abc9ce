package org.mallocsim.traces.gen;

/**
 * Receives a generated workload call by call. Pointers are tokens: the value a call "returned"
 * in the generated trace, unique among live blocks, which a replayer maps to what its allocator
 * really returns (so a generated trace, run through the native replayer, becomes ground truth).
 */
public interface CallSink {
    /**
     * One call.
     *
     * @param tid    the calling thread's id
     * @param op     the reference format's operation letter: m c r f a v p, or t (thread start,
     *               arg0 = parent tid) and x (thread exit)
     * @param arg0   first argument (size, nmemb, old pointer token, alignment, parent tid)
     * @param arg1   second argument, 0 when the call has one
     * @param result the pointer token the call returns, 0 for free, thread events and failures
     */
    void call(int tid, char op, long arg0, long arg1, long result);
}
