package org.mallocsim.replay;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.mallocsim.allocator.Allocator;
import org.mallocsim.allocator.Allocators;
import org.mallocsim.allocator.MallInfo2;
import org.mallocsim.allocator.MallocAbort;
import org.mallocsim.allocator.ThreadEvents;
import org.mallocsim.kernel.BusError;
import org.mallocsim.kernel.OutOfMemoryKill;
import org.mallocsim.kernel.SegmentationFault;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.SyscallKind;
import org.mallocsim.traces.format.ReadAheadTraceReader;
import org.mallocsim.traces.format.TraceEvent;
import org.mallocsim.traces.format.TraceHeader;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.TraceWriter;
import org.mallocsim.traces.format.Traces;
import org.mallocsim.traces.natives.FidelityReport;
import org.mallocsim.traces.natives.NativeReplayer.Touch;

/**
 * Replays a trace against an emulated process: any {@link Allocator} answers the trace's calls,
 * one at a time, as the native replayer ({@code native-traces/src/main/c/replay/main.c}) has the
 * real glibc answer them. The trace is streamed (every format {@link Traces#open} reads, plain or
 * compressed); the only memory that grows is the map from recorded to emulated pointers, which
 * holds the live blocks and nothing else.
 *
 * <p>The process starts from the trace header's {@code # map} listing and start-brk when it has
 * both ({@link AddressSpace#fromMaps}), else from a fresh default layout. For every call the
 * engine takes the result, the chunk word (the 8 bytes below the result, loaded through the
 * emulated memory, so the load counts as an access like any other) and the break, feeds them to
 * the {@link FidelityReport} when the trace carries glibc's answers, and writes them to the
 * {@code --emit} file. Pointer handling follows the native replayer: a free of a pointer the trace
 * never returned is skipped, a realloc of one reallocs NULL, and a failed realloc keeps the old block.
 *
 * <p>A forked child's trace ({@code # forked-from PID}) continues its parent's heap: the engine
 * first replays the ancestors' traces found beside it up to the fork ({@link ForkAncestry}),
 * unreported, and starts the process from the oldest one's header.
 *
 * <p>A {@link MallocAbort}, {@link SegmentationFault}, {@link BusError} or {@link OutOfMemoryKill}
 * ends the process: the replay stops there and reports a {@link ProcessDeath}; the rest of the
 * trace is read only to count the calls never answered. The per-call path allocates nothing.
 */
public final class ReplayEngine {
    private final Allocator allocator;
    private final AddressSpace space;
    /** The allocator's thread hooks, or null when it keeps no per-thread state. */
    private final ThreadEvents threads;

    private final Touch touch;
    private final FidelityReport fidelity;
    private final TraceWriter emit;
    private final ReplayListener listener;
    private boolean mismatchSeen;
    private final LiveBlocks blocks = new LiveBlocks(1024);
    private final HeapMeter meter;
    private final ReplaySampler sampler;
    /** The answers of the current event, as emitted. */
    private final TraceEvent answer = new TraceEvent();

    private long answered;
    private long unknownPointers;
    private long failedAllocations;
    private int currentTid;
    private boolean anyCall;
    /** True while a forked child's ancestors run: their calls shape the heap but are not the trace's. */
    private boolean ancestor;
    /**
     * Bare mode ({@link ReplayCursor}): no timeline, live blocks or heap meter, only the loads
     * they would make in the emulated memory, so the process is the same as in a full replay.
     */
    private final boolean bare;

    private ReplayEngine(
            Allocator allocator,
            long baselineDataPages,
            ReplayOptions options,
            FidelityReport fidelity,
            TraceWriter emit,
            ReplayListener listener,
            boolean bare) {
        this.bare = bare;
        this.allocator = allocator;
        this.meter = new HeapMeter(allocator, blocks, baselineDataPages);
        this.space = allocator.addressSpace();
        this.sampler = new ReplaySampler(allocator, meter, blocks, options.heapMaps());
        Touch touch = options.touch();
        this.threads = allocator instanceof ThreadEvents ? (ThreadEvents) allocator : null;
        this.touch = touch;
        this.fidelity = fidelity;
        this.emit = emit;
        this.listener = listener;
    }

    /**
     * Replays the trace file {@code trace}.
     *
     * @throws IOException naming the file: unreadable, malformed, truncated, or the emit file
     *     cannot be written (or would overwrite the trace)
     */
    public static ReplayResult replay(Path trace, ReplayOptions options) throws IOException {
        return replay(trace, options, ReplayListener.NONE);
    }

    /** Replays the trace file {@code trace}, telling {@code listener} how it goes. */
    public static ReplayResult replay(Path trace, ReplayOptions options, ReplayListener listener) throws IOException {
        // decoding runs on a thread of its own, beside the calls (ReadAheadTraceReader)
        try (TraceReader reader = new ReadAheadTraceReader(Traces.open(trace, options.lenient()))) {
            return replay(reader, trace, options, listener);
        }
    }

    /**
     * Replays an open trace; {@code input} names it (its file name goes into the result) and is
     * the file {@code --emit} must not overwrite. The reader is not closed.
     */
    public static ReplayResult replay(TraceReader reader, Path input, ReplayOptions options) throws IOException {
        return replay(reader, input, options, ReplayListener.NONE);
    }

    /** Replays an open trace, telling {@code listener} how it goes. The reader is not closed. */
    public static ReplayResult replay(TraceReader reader, Path input, ReplayOptions options, ReplayListener listener)
            throws IOException {
        TraceHeader header = reader.header();
        ProcessStart start = ProcessStart.of(header, input, options);
        EmitFile emitFile = options.emit() == null ? null : EmitFile.open(options.emit(), input);
        try {
            if (emitFile != null) {
                emitFile.writer()
                        .writeHeader(EmittedTrace.header(header, start.space().startBrk(), options.allocatorName()));
            }
            ReplayEngine engine = new ReplayEngine(
                    start.allocator(),
                    start.baselineDataPages(),
                    options,
                    hasRecordedAnswers(header)
                            ? new FidelityReport(header.startBrk, start.space().startBrk())
                            : null,
                    emitFile == null ? null : emitFile.writer(),
                    listener,
                    false);
            engine.replayAncestors(start.ancestry(), options);
            ReplayResult result = engine.run(reader, input.getFileName().toString(), options);
            if (emitFile != null) {
                emitFile.commit();
            }
            return result;
        } finally {
            if (emitFile != null) {
                emitFile.close();
            }
            if (Allocators.isRegistered(options.allocatorName(), options.factory())) {
                // the result holds copies, and no caller's factory kept the allocator: the
                // process is over, and its memory can serve the next one
                start.space().release();
            }
        }
    }

    /**
     * An engine for {@link ReplayCursor}: the process as {@link #replay} starts it (ancestors of a
     * forked child replayed), with no fidelity report, no emit file and no listener.
     */
    static ReplayEngine stepwise(TraceHeader header, Path input, ReplayOptions options) throws IOException {
        ProcessStart start = ProcessStart.of(header, input, options);
        ReplayEngine engine = new ReplayEngine(
                start.allocator(), start.baselineDataPages(), options, null, null, ReplayListener.NONE, true);
        engine.replayAncestors(start.ancestry(), options);
        return engine;
    }

    private void replayAncestors(List<ForkAncestry.Step> ancestry, ReplayOptions options) throws IOException {
        for (ForkAncestry.Step step : ancestry) {
            replayAncestor(step, options);
        }
    }

    /**
     * Replays a forked child's ancestor up to its fork of the child, unreported, then hands the
     * forking thread's state to the child ({@link ThreadEvents#forked}); the child then starts
     * from the copy of the heap a real fork gives it.
     */
    private void replayAncestor(ForkAncestry.Step step, ReplayOptions options) throws IOException {
        ancestor = true;
        try (TraceReader r = Traces.open(step.trace(), options.lenient())) {
            TraceEvent e = new TraceEvent();
            while (r.next(e)) {
                if (e.op == TraceEvent.FORK && e.arg0 == step.childPid()) {
                    if (threads != null) {
                        threads.forked(e.tid, step.childPid());
                    }
                    anyCall = true;
                    currentTid = step.childPid();
                    return;
                }
                if (e.op != TraceEvent.FREE && !TraceEvent.allocates(e.op)) {
                    threadEvent(e);
                } else {
                    call(e, answer);
                }
            }
            throw new IOException(step.trace() + ": no fork of pid " + step.childPid());
        } catch (MallocAbort | SegmentationFault | BusError | OutOfMemoryKill death) {
            throw new IOException(
                    step.trace() + ": the parent process died before forking pid " + step.childPid() + ": "
                            + death.getMessage(),
                    death);
        } finally {
            ancestor = false;
            unknownPointers = 0;
            failedAllocations = 0;
        }
    }

    private ReplayResult run(TraceReader reader, String traceName, ReplayOptions options) throws IOException {
        TraceEvent e = new TraceEvent();
        long events = 0;
        ProcessDeath death = null;
        long start = System.nanoTime();
        while (death == null && reader.next(e)) {
            events++;
            death = event(e, answer);
        }
        long nanos = System.nanoTime() - start;
        if (death != null && fidelity != null) {
            fidelity.addUnanswered(); // the call the process died in
            while (reader.next(e)) {
                if (e.op == TraceEvent.FREE || TraceEvent.allocates(e.op)) {
                    fidelity.addUnanswered();
                }
            }
        }
        long[] syscalls = new long[SyscallKind.values().length];
        for (SyscallKind k : SyscallKind.values()) {
            syscalls[k.ordinal()] = space.syscallCount(k);
        }
        MallInfo2 info = death == null ? allocator.mallinfo2() : null;
        return new ReplayResult(
                traceName,
                options.allocatorName(),
                BlockTouch.name(options.touch()),
                answered,
                events,
                unknownPointers,
                failedAllocations,
                blocks.peakRecorded(),
                space.startBrk(),
                space.currentBrk(),
                space.stats(),
                syscalls,
                info,
                death,
                fidelity,
                reader.warnings(),
                nanos,
                meter.result(info == null ? -1 : info.fordblks()),
                sampler.profile(death == null, answered));
    }

    /**
     * Replays one event of the trace: a thread event, or an allocator call whose emulated answers
     * (the pointer it freed or reallocated, its result, chunk word and break) go into
     * {@code answer}. Returns how the process died during the call, or null while it lives.
     */
    ProcessDeath event(TraceEvent e, TraceEvent answer) throws IOException {
        if (e.op != TraceEvent.FREE && !TraceEvent.allocates(e.op)) {
            threadEvent(e);
            return null;
        }
        try {
            call(e, answer);
            return null;
        } catch (MallocAbort a) {
            return new ProcessDeath("SIGABRT", answered + 1, e.position, a.glibcMessage());
        } catch (SegmentationFault s) {
            return new ProcessDeath("SIGSEGV", answered + 1, e.position, s.straceLine());
        } catch (BusError b) {
            return new ProcessDeath("SIGBUS", answered + 1, e.position, b.straceLine());
        } catch (OutOfMemoryKill k) {
            return new ProcessDeath("SIGKILL", answered + 1, e.position, k.getMessage());
        }
    }

    /** The allocator, as the calls so far left it. */
    Allocator allocator() {
        return allocator;
    }

    /** The calls answered so far. */
    long answered() {
        return answered;
    }

    /** Replays one allocator call and records its answers, also in {@code answer}. */
    private void call(TraceEvent e, TraceEvent answer) throws IOException {
        if (threads != null && (!anyCall || e.tid != currentTid)) {
            threads.switchThread(e.tid);
        }
        anyCall = true;
        currentTid = e.tid;
        long result = 0;
        long touchSize = 0;
        long liveArg = e.arg0;
        int slot = LiveBlocks.ABSENT;
        meter.enter();
        switch (e.op) {
            case TraceEvent.MALLOC:
                result = allocator.malloc(e.arg0);
                touchSize = e.arg0;
                break;
            case TraceEvent.CALLOC:
                result = allocator.calloc(e.arg0, e.arg1);
                touchSize = result == 0 ? 0 : e.arg0 * e.arg1;
                break;
            case TraceEvent.MEMALIGN_FAMILY:
                result = memalign(e);
                touchSize = e.arg1;
                break;
            case TraceEvent.VALLOC:
                result = allocator.valloc(e.arg0);
                touchSize = e.arg0;
                break;
            case TraceEvent.PVALLOC:
                result = allocator.pvalloc(e.arg0);
                touchSize = e.arg0;
                break;
            case TraceEvent.FREE:
                slot = known(e.arg0);
                liveArg = slot == LiveBlocks.ABSENT ? 0 : blocks.blockAt(slot);
                if (liveArg != 0) {
                    allocator.free(liveArg);
                }
                break;
            case TraceEvent.REALLOC:
                slot = known(e.arg0);
                liveArg = slot == LiveBlocks.ABSENT ? 0 : blocks.blockAt(slot);
                result = allocator.realloc(liveArg, e.arg1);
                touchSize = e.arg1;
                break;
            default:
                throw new IllegalStateException("not a call: " + (char) e.op);
        }
        if (!ancestor) {
            meter.leave(); // an ancestor's calls are not the trace's: they cost the trace nothing
        }
        // the pointer the call ended (a failed realloc leaves the block where it was) ...
        if (slot != LiveBlocks.ABSENT && (result != 0 || liveArg == 0 || e.op == TraceEvent.FREE || e.arg1 == 0)) {
            blocks.removeAt(slot);
        }
        if (result != 0) {
            // ... and the block it made, priced after the call's accesses were counted
            long key = e.result != 0 ? e.result : LiveBlocks.UNRECORDED | result;
            blocks.add(key, result, touchSize, answered, allocator.mallocUsableSize(result));
        } else {
            if (e.op != TraceEvent.FREE && !(e.op == TraceEvent.REALLOC && e.arg1 == 0)) {
                failedAllocations++;
            }
            if (e.result != 0 && e.op != TraceEvent.FREE) {
                blocks.addEmpty(e.result); // glibc's block exists, ours does not: its free is free(NULL)
            }
        }
        if (!ancestor && !bare) {
            meter.sample(); // before the touch, which moves the RSS
        }
        long chunkWord = 0;
        if (result != 0) {
            chunkWord = space.load64(result - 8);
            BlockTouch.touch(space, touch, result, touchSize);
        }
        if (ancestor) {
            return;
        }
        long brk = space.currentBrk();
        if (!bare) {
            sampler.sample(answered);
        }
        answered++;
        if (fidelity != null && !fidelity.add(e, result, chunkWord, brk) && !mismatchSeen) {
            mismatchSeen = true;
            listener.firstMismatch(
                    allocator, e, result, e.op == TraceEvent.FREE || e.op == TraceEvent.REALLOC ? liveArg : 0);
        }
        if ((answered & (ReplayListener.PROGRESS_EVERY - 1)) == 0) { // a power of two: no division
            listener.progress(answered);
        }
        answer.set(e.tid, e.op, liveArg, e.arg1, result, chunkWord, brk);
        answer.alignKind = e.alignKind;
        answer.position = e.position;
        if (emit != null) {
            emit.write(answer);
        }
    }

    /**
     * The slot of the recorded pointer a free or realloc names; NULL has none, and a pointer the
     * trace never returned counts as unknown and is treated as NULL.
     */
    private int known(long recorded) {
        if (recorded == 0) {
            return LiveBlocks.ABSENT;
        }
        int slot = blocks.find(recorded);
        if (slot == LiveBlocks.ABSENT) {
            unknownPointers++;
        }
        return slot;
    }

    /** The memalign family by the function the trace names; text traces say only "one of them" (memalign). */
    private long memalign(TraceEvent e) {
        switch (e.alignKind) {
            case TraceEvent.ALIGN_ALIGNED_ALLOC:
                return allocator.alignedAlloc(e.arg0, e.arg1);
            case TraceEvent.ALIGN_POSIX_MEMALIGN: {
                long p = allocator.posixMemalign(e.arg0, e.arg1);
                return p < 0 ? 0 : p;
            }
            default:
                return allocator.memalign(e.arg0, e.arg1);
        }
    }

    private void threadEvent(TraceEvent e) throws IOException {
        if (threads != null) {
            if (e.op == TraceEvent.THREAD_START) {
                threads.threadStarted(e.tid, (int) e.arg0);
            } else if (e.op == TraceEvent.THREAD_EXIT) {
                threads.threadExited(e.tid);
            }
        }
        if (emit != null && !ancestor) {
            answer.set(e.tid, e.op, e.arg0, e.arg1, 0, 0, space.currentBrk());
            emit.write(answer);
        }
    }

    /**
     * Whether the trace's results are glibc's answers: it names its start-brk and was neither
     * generated (results are tokens) nor imported from mtrace or heaptrack (no chunk words).
     */
    public static boolean hasRecordedAnswers(TraceHeader header) {
        return header.hasStartBrk && header.hasRecordedAnswers();
    }
}
