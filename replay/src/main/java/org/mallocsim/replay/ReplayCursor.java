package org.mallocsim.replay;

import java.io.IOException;
import java.nio.file.Path;
import org.mallocsim.allocator.Allocator;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.traces.format.TraceEvent;
import org.mallocsim.traces.format.TraceHeader;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.Traces;

/**
 * A replay that advances one call at a time: the same {@link ReplayEngine} that {@link
 * ReplayEngine#replay} runs to the end, stopped after each allocator call so the emulated process
 * can be looked at (the shell's {@code --trace}). After {@code n} calls of {@link #step} the
 * process is exactly the one a full replay has after its call {@code n}; the engine has no way
 * back, so going back means opening a new cursor (the replay is deterministic).
 *
 * <p>No fidelity report, emit file, listener, timeline or live-block accounting runs (the engine's
 * bare mode: every load and store the emulated process sees is still made, so the process is
 * the same, counters included); the call path allocates nothing, as the engine's. Not thread-safe.
 */
public final class ReplayCursor implements AutoCloseable {
    private final TraceReader reader;
    private final ReplayEngine engine;
    private final TraceEvent call = new TraceEvent();
    private final TraceEvent answer = new TraceEvent();
    private ProcessDeath death;
    private boolean ended;

    private ReplayCursor(TraceReader reader, ReplayEngine engine) {
        this.reader = reader;
        this.engine = engine;
    }

    /**
     * Opens {@code trace} and starts its process as a replay with {@code options} would (the
     * recorded layout, the allocator and its settings); no call has run yet. {@code options}'
     * emit file and heap maps are ignored.
     *
     * @throws IOException naming the file: unreadable or malformed header, or a process that cannot start
     */
    public static ReplayCursor open(Path trace, ReplayOptions options) throws IOException {
        return open(Traces.open(trace, options.lenient()), trace, options);
    }

    /**
     * Starts the process of the trace {@code reader} reads from its first event ({@code input}
     * names it, and a forked child's ancestors are found beside it); the cursor closes the reader.
     */
    public static ReplayCursor open(TraceReader reader, Path input, ReplayOptions options) throws IOException {
        try {
            TraceHeader header = reader.header();
            return new ReplayCursor(reader, ReplayEngine.stepwise(header, input, options.withHeapMaps(false)));
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    /**
     * Runs the trace up to and including its next allocator call (thread events before it
     * included). Returns false, running nothing, at the end of the trace or once the process has
     * died; a call during which it dies returns true and sets {@link #death()}.
     *
     * @throws IOException naming the file and line of a malformed or truncated trace
     */
    public boolean step() throws IOException {
        if (death != null || ended) {
            return false;
        }
        while (reader.next(call)) {
            ProcessDeath d = engine.event(call, answer);
            if (d != null) {
                death = d;
                return true;
            }
            if (call.op == TraceEvent.FREE || TraceEvent.allocates(call.op)) {
                return true;
            }
        }
        ended = true;
        return false;
    }

    /** The calls run so far, the one the process died in included: the current call's number, from 1. */
    public long calls() {
        return death != null ? death.call() : engine.answered();
    }

    /**
     * The last call as the trace records it (recorded pointers, glibc's answers, its
     * {@link TraceEvent#position}); overwritten by the next {@link #step}.
     */
    public TraceEvent call() {
        return call;
    }

    /**
     * The emulated answer of the last call, unless it killed the process: {@code arg0} the
     * emulated pointer it freed or reallocated (0 when the trace never returned the recorded
     * one), {@code result} the emulated result, {@code chunkWord} and {@code brk}; overwritten by
     * the next {@link #step}.
     */
    public TraceEvent answer() {
        return answer;
    }

    /** How the process died, or null while it lives. */
    public ProcessDeath death() {
        return death;
    }

    /** True once the trace has no more calls. */
    public boolean ended() {
        return ended;
    }

    /** The emulated process. */
    public AddressSpace space() {
        return engine.allocator().addressSpace();
    }

    /** The process's allocator, as the calls so far left it. */
    public Allocator allocator() {
        return engine.allocator();
    }

    /** Closes the trace; the process stays as it is and can still be looked at. */
    @Override
    public void close() throws IOException {
        reader.close();
    }
}
