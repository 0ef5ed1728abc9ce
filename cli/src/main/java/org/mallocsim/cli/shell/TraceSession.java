package org.mallocsim.cli.shell;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.mallocsim.allocator.ptmalloc.Ptmalloc;
import org.mallocsim.replay.ProcessDeath;
import org.mallocsim.replay.ReplayCursor;
import org.mallocsim.replay.ReplayOptions;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.Traces;

/**
 * {@code shell --trace}: the emulated process of a replay, stopped at any call of the trace.
 * {@code step [K]} runs the next K calls and prints each (its syscalls, then the call as ltrace
 * shows it, with its number and line); {@code goto N} and {@code back [K]} move to a call without
 * printing; {@code where PTR} names the call that returned the block holding PTR and the one that
 * freed it; {@code at} says where the process is.
 *
 * <p>Going back re-runs the trace from its start in a new process ({@link ReplayCursor}; the
 * replay is deterministic, so the process at call N is the same every time), from the events
 * parsed once ({@link EventTape}), with the syscall listener off and the engine in its bare mode;
 * the history {@code where} reads is recorded once, for calls never reached before. Calls typed at the prompt run in the
 * process as in any shell, but they are not the trace's: the process has diverged from it, the
 * prompt says so, and the next {@code step}, {@code goto} or {@code back} re-runs the trace to
 * where it was, dropping them.
 */
final class TraceSession {
    /** The commands this class runs. */
    static final Set<String> COMMANDS = Set.of("step", "goto", "back", "where", "at");

    private final Path trace;
    /** The trace's events, read once: re-runs start from them, not from the file. */
    private final EventTape tape;

    private final ReplayOptions options;
    private final long total;
    private final boolean binary;
    private final CallHistory history = new CallHistory();
    private ReplayCursor cursor;
    private EmulatedBackend backend;

    private TraceSession(Path trace, EventTape tape, ReplayOptions options, long total, boolean binary) {
        this.trace = trace;
        this.tape = tape;
        this.options = options;
        this.total = total;
        this.binary = binary;
    }

    /**
     * Opens {@code trace} at call {@code at}: reads it through once (to count its calls and find
     * a malformed line before any runs), then replays it to that call.
     *
     * @throws IOException naming the file and the line that does not parse, or the reason the
     *     process cannot start
     * @throws IllegalArgumentException when {@code at} is beyond the trace's calls
     */
    static TraceSession open(Path trace, ReplayOptions options, long at) throws IOException {
        EventTape tape;
        boolean binary;
        try (TraceReader r = Traces.open(trace, options.lenient())) {
            binary = r.getClass().getSimpleName().startsWith("Binary"); // positions are byte offsets
            tape = EventTape.record(r);
        }
        long calls = tape.calls();
        if (at < 0 || at > calls) {
            throw new IllegalArgumentException(
                    "--at " + at + ": " + trace + " has " + calls + " calls; expected a call from 0 to " + calls);
        }
        TraceSession s = new TraceSession(trace, tape, options, calls, binary);
        s.restart();
        s.moveTo(at);
        return s;
    }

    /** The process as it is now, for the shell's calls and views. */
    Backend backend() {
        return backend;
    }

    /** The current call: how many of the trace's calls the process has run. */
    long current() {
        return cursor.calls();
    }

    /** The trace's calls. */
    long total() {
        return total;
    }

    /** How the replayed process died, or null. */
    ProcessDeath death() {
        return cursor.death();
    }

    /** Whether calls typed at the prompt have run since the process reached its call. */
    boolean diverged() {
        return backend.typedCalls() > 0;
    }

    /** The prompt: the call out of the total, and whether the process left the trace or died. */
    String prompt() {
        return "mallocsim " + current() + "/" + total + (death() != null ? " (dead)" : diverged() ? " (diverged)" : "")
                + "> ";
    }

    /** Runs {@code name} with its arguments; what it prints. IllegalArgumentException for a wrong use. */
    String run(String name, List<Long> args) {
        try {
            switch (name) {
                case "step":
                    return step(count(name, args));
                case "back": {
                    long k = count(name, args);
                    if (k > current()) {
                        throw new IllegalArgumentException("back " + k + ": the process is at call " + current() + ", "
                                + k + " calls back is before the first");
                    }
                    moveTo(current() - k);
                    return at();
                }
                case "goto":
                    if (args.size() != 1) {
                        throw new IllegalArgumentException("expected goto N, a call from 0 to " + total);
                    }
                    long n = args.get(0);
                    if (n < 0 || n > total) {
                        throw new IllegalArgumentException("goto " + n + ": the trace has " + total
                                + " calls; expected a call from 0 to " + total);
                    }
                    moveTo(n);
                    return at();
                case "where":
                    if (args.size() != 1) {
                        throw new IllegalArgumentException("expected where PTR");
                    }
                    return where(args.get(0));
                default:
                    if (!args.isEmpty()) {
                        throw new IllegalArgumentException("expected at, without arguments");
                    }
                    return at();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long count(String name, List<Long> args) {
        if (args.size() > 1) {
            throw new IllegalArgumentException("expected " + name + " [K]");
        }
        long k = args.isEmpty() ? 1 : args.get(0);
        if (k < 0) {
            throw new IllegalArgumentException(name + " " + k + ": expected a count of calls of 0 or more");
        }
        return k;
    }

    /** Runs up to {@code k} calls, printing each as the shell prints calls. */
    private String step(long k) throws IOException {
        if (death() != null) {
            return dead();
        }
        if (diverged()) {
            long here = current();
            restart();
            moveTo(here);
        }
        StringBuilder sb = new StringBuilder();
        backend.takeSyscalls();
        for (long i = 0; i < k && current() < total; i++) {
            advance();
            backend.takeSyscalls().forEach(l -> sb.append(l).append('\n'));
            ProcessDeath d = death();
            if (d != null) {
                sb.append(CallText.recorded(cursor.call()))
                        .append(suffix(d.call(), d.position()))
                        .append('\n');
                sb.append(d.message()).append('\n');
                sb.append("+++ killed by ").append(d.signal()).append(" +++\n");
                return sb.append(dead()).toString();
            }
            sb.append(CallText.answered(cursor.call(), cursor.answer()))
                    .append(suffix(current(), cursor.call().position))
                    .append('\n');
        }
        if (current() == total) {
            drain();
            sb.append("# at the end of the trace: call ")
                    .append(total)
                    .append(" of ")
                    .append(total)
                    .append('\n');
        }
        return sb.toString();
    }

    private String suffix(long call, long position) {
        return "   # call " + call + "/" + total + ", " + (binary ? "byte offset " : "line ") + position;
    }

    private String dead() {
        ProcessDeath d = death();
        return "# the process died at call " + d.call() + " of " + total + " (" + d.signal()
                + "); back or goto re-run the trace to an earlier call\n";
    }

    /** Moves to call {@code n}, silently: forward from here, or from the start for a call before it. */
    private void moveTo(long n) throws IOException {
        if (n < current() || diverged() || death() != null) {
            restart();
        }
        cursor.space().syscallListener(null); // nobody prints these calls' syscalls
        while (current() < n && death() == null) {
            advance();
        }
        if (current() == total) {
            drain();
        }
        cursor.space().syscallListener(backend);
        backend.takeSyscalls();
    }

    /** One call; recorded in the history the first time the process reaches it. */
    private void advance() throws IOException {
        if (!cursor.step()) {
            throw new IOException(trace + ": ended after " + current() + " calls, not " + total);
        }
        if (death() == null && current() > history.recorded()) {
            history.add(cursor.call(), cursor.answer(), cursor.allocator() instanceof Ptmalloc);
        }
    }

    /** After the last call: the thread events that follow it, as a full replay runs them. */
    private void drain() throws IOException {
        if (death() == null) {
            cursor.step();
        }
    }

    /** A new process at call 0. */
    private void restart() throws IOException {
        if (cursor != null) {
            cursor.close();
        }
        cursor = ReplayCursor.open(tape.reader(), trace, options);
        backend = new EmulatedBackend(cursor.space(), cursor.allocator(), options.allocatorName(), this::twin);
    }

    /** A second process at the current call, for try_free (the typed calls are replayed after). */
    private EmulatedBackend twin() {
        long n = current();
        try (ReplayCursor c = ReplayCursor.open(tape.reader(), trace, options)) {
            while (c.calls() < n && c.step()) {
                // silently, as moveTo
            }
            if (n == total && c.death() == null) {
                c.step();
            }
            return new EmulatedBackend(c.space(), c.allocator(), options.allocatorName(), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String at() {
        StringBuilder sb =
                new StringBuilder("# at call ").append(current()).append(" of ").append(total);
        if (current() == 0) {
            sb.append(" (before the first)");
        } else if (current() <= history.recorded()) {
            sb.append(" (").append(binary ? "byte offset " : "line ").append(history.position((int) current()));
            sb.append(')');
        }
        if (death() != null) {
            sb.append("; the process died in it (").append(death().signal()).append(')');
        } else if (diverged()) {
            sb.append("; diverged from the trace by ")
                    .append(backend.typedCalls())
                    .append(" typed call(s), dropped by the next step, goto or back");
        }
        return sb.append('\n').toString();
    }

    /** The call that returned the block holding {@code ptr} and the one that freed it, up to now. */
    private String where(long ptr) {
        int now = (int) Math.min(current(), history.recorded());
        String p = "0x" + Long.toHexString(ptr);
        StringBuilder sb = new StringBuilder();
        int c = history.returnedBy(ptr, now);
        if (c == 0) {
            sb.append("# ").append(p).append(": no call up to ").append(now).append(" returned a block holding it\n");
        } else {
            long emulated = history.emulated(c);
            sb.append("# ")
                    .append(p)
                    .append(": returned by call ")
                    .append(c)
                    .append(" (")
                    .append(binary ? "byte offset " : "line ")
                    .append(history.position(c))
                    .append("): ")
                    .append(CallText.name(history.op(c)))
                    .append(" of ")
                    .append(history.size(c))
                    .append(" bytes = 0x")
                    .append(Long.toHexString(emulated))
                    .append(" (recorded 0x")
                    .append(Long.toHexString(history.recorded(c)))
                    .append(")");
            if (ptr != emulated && ptr != history.recorded(c)) {
                long base = Long.compareUnsigned(ptr - emulated, Math.max(history.usable(c), 1)) < 0
                        ? emulated
                        : history.recorded(c);
                sb.append(", ").append(ptr - base).append(" bytes in");
                if (Long.compareUnsigned(ptr - base, history.size(c)) >= 0) {
                    sb.append(", past the ")
                            .append(history.size(c))
                            .append(" asked for (the chunk's padding, ")
                            .append(history.usable(c))
                            .append(" usable)");
                }
            }
            sb.append('\n');
            int f = history.freedBy(c, now);
            if (f == 0) {
                sb.append("#   live at call ").append(now).append('\n');
            } else {
                sb.append("#   freed by call ")
                        .append(f)
                        .append(" (")
                        .append(binary ? "byte offset " : "line ")
                        .append(history.position(f))
                        .append("): ")
                        .append(CallText.name(history.op(f)))
                        .append('\n');
            }
        }
        if (diverged()) {
            sb.append("#   (the ")
                    .append(backend.typedCalls())
                    .append(" call(s) typed since call ")
                    .append(current())
                    .append(" are not the trace's and not in this history)\n");
        }
        return sb.toString();
    }
}
