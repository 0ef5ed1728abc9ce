package org.mallocsim.cli.shell;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.mallocsim.cli.shell.ShellLine.ParseError;
import org.mallocsim.kernel.BusError;
import org.mallocsim.kernel.Errno;
import org.mallocsim.kernel.OutOfMemoryKill;
import org.mallocsim.kernel.SegmentationFault;

/**
 * The mallocsim shell's interpreter: reads one command a line, runs it on a {@link Backend} and
 * prints it as strace prints the call and its result.
 *
 * <pre>
 *   line    := [ NAME '=' ] call | 'maps' | 'smaps' [ '(' expr | NAME ')' ] | 'status' [ '(' NAME ')' ]
 *              | 'help' | 'exit'                                        ('#' starts a comment)
 *   call    := NAME '(' [ expr { ',' expr } ] ')'
 *   expr    := [ '-' ] term { ( '+' | '-' | '|' | '&' | '^' | '<<' | '>>' ) term }   (left to right)
 *   term    := DECIMAL | 0xHEX | NULL | a PROT_/MAP_/MREMAP_/MADV_ name | a variable
 *   calls   := brk(a) mmap(a, len, prot, flags, fd, off) munmap(a, len) mprotect(a, len, prot)
 *              mremap(old, oldlen, newlen, flags [, new]) madvise(a, len, advice)
 *              load8|16|32|64(a) store8|16|32|64(a, value) walk(a)
 *              malloc calloc realloc reallocarray free memalign aligned_alloc posix_memalign valloc
 *              pvalloc malloc_usable_size malloc_trim mallopt(M_..., v) mallinfo2() malloc_stats()
 *              malloc_info(options)
 *   views   := 'heap' | 'tcache' | 'fastbins' | 'bins' | 'arena' | 'vis' ADDR [ ROWS ] | 'try_free' ADDR  (emulated)
 * </pre>
 * A malloc-family call prints the memory syscalls it made, as strace, then itself as ltrace
 * prints it (see {@link Allocation}); one that makes glibc abort prints glibc's message and
 * {@code +++ killed by SIGABRT +++}, and the process is dead.
 * A variable takes the call's result; a call that fails gives it -1, as the C wrapper returns.
 * A variable may not be named as a constant or NULL, which would hide them. After
 * {@code +++ killed by SIGKILL +++} the process is dead and the shell is {@link #finished()}.
 * {@code smaps(a)} prints only the smaps entry of the VMA holding {@code a}, {@code smaps(VmFlags)}
 * each entry's header and that one field (a name that is not a variable), {@code status(VmExe)}
 * only that line of status: the parts a script can compare with a real process, whose other
 * mappings and counters hold pages the emulator cannot know.
 */
public final class Shell {
    private Backend backend;
    /** The replayed trace of {@code shell --trace}, or null. */
    private final TraceSession session;

    private final PrintStream out;
    private final Map<String, Long> vars = new HashMap<>();
    private int errors;
    private boolean exited;
    private boolean killed;
    private String killedBy = "SIGKILL";

    /** The line being run. */
    private ShellLine line;

    Shell(Backend backend, PrintStream out) {
        this.backend = backend;
        this.session = null;
        this.out = out;
    }

    /** A shell on the process of a replayed trace, which {@code step}, {@code goto} and {@code back} move. */
    Shell(TraceSession session, PrintStream out) {
        this.backend = session.backend();
        this.session = session;
        this.out = out;
    }

    /** What the terminal shows before a line: with a trace, the current call out of the total. */
    String prompt() {
        return session == null ? "mallocsim> " : session.prompt();
    }

    /** Lines that did not parse so far. */
    int errors() {
        return errors;
    }

    /** {@code time LINE}, as bash's keyword; not {@code time = ...}, an assignment to a variable. */
    private static final Pattern TIMED = Pattern.compile("time\\s+(?!=)");

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    /** The help text of the {@code help} command. */
    static final String HELP = """
            # calls:   brk(a)  mmap(a, len, prot, flags, fd, off)  munmap(a, len)  mprotect(a, len, prot)
            #          mremap(old, oldlen, newlen, flags [, new])  madvise(a, len, advice)
            #          load8|16|32|64(a)  store8|16|32|64(a, value)  walk(a)
            # malloc:  malloc(n) free(p) calloc(n, s) realloc(p, n) reallocarray(p, n, s) memalign(a, n)
            #          aligned_alloc(a, n) posix_memalign(a, n) valloc(n) pvalloc(n) malloc_usable_size(p)
            #          malloc_trim(pad) mallopt(M_MMAP_THRESHOLD, v) mallinfo2() malloc_stats()
            #          malloc_info(options)   (each with its syscalls)
            # threads: thread N  exit_thread N      (the following calls run on thread N; 0 is main)
            # heap:    heap  tcache  fastbins  bins  arena(s)  heaps  vis ADDR [ROWS]  try_free ADDR
            # files:   maps  smaps  status          (/proc/self/...)
            #          smaps(a)  smaps(VmFlags)  status(VmExe)   (one entry, field or line)
            # values:  123  0x7b  NULL  PROT_READ|PROT_WRITE  MAP_PRIVATE|MAP_ANONYMOUS  MADV_DONTNEED  var+4096
            #          p>>12^q  a&b  a<<4           (left to right, no precedence: p>>12^q is (p>>12)^q)
            # vars:    a = mmap(...)                (a failed call gives -1)
            # shell:   help  exit                   ('#' starts a comment)
            #          time LINE                    (runs LINE, then prints its wall and CPU time)
            # trace:   step [K]  goto N  back [K]  where PTR  at   (shell --trace: move in the replayed trace)
            """;

    /**
     * True after {@code exit}, or once the process was killed: no more lines run (with a trace,
     * the killed process can still be left by going back, so only {@code exit} ends).
     */
    boolean finished() {
        return exited || (killed && session == null);
    }

    /** The exit code of the session: 128 + the signal after a kill, 1 after lines that did not parse, else 0. */
    int exitCode() {
        int sig = killedBy.equals("SIGABRT") ? 6 : killedBy.equals("SIGSEGV") ? 11 : 9;
        return killed ? 128 + sig : errors == 0 ? 0 : 1;
    }

    /** Runs one line (numbered from 1 for messages); nothing once {@link #finished()}. */
    void execute(String input, int number) {
        if (finished()) {
            return;
        }
        int hash = input.indexOf('#');
        String text = (hash >= 0 ? input.substring(0, hash) : input).strip();
        if (text.isEmpty()) {
            return;
        }
        boolean timed = TIMED.matcher(text).lookingAt();
        if (timed) {
            text = text.substring("time".length()).strip();
        }
        this.line = new ShellLine(text, vars);
        long wall = timed ? System.nanoTime() : 0;
        long cpu = timed ? CPU.getCurrentThreadCpuTime() : 0;
        try {
            run();
        } catch (ParseError e) {
            errors++;
            out.println("# line " + number + ": " + e.getMessage());
        }
        if (timed) {
            out.printf(
                    Locale.ROOT,
                    "# time: %.3f s wall, %.3f s cpu%n",
                    (System.nanoTime() - wall) / 1e9,
                    (CPU.getCurrentThreadCpuTime() - cpu) / 1e9);
        }
    }

    private void run() {
        String target = null;
        String name = line.name("a command");
        line.skipSpace();
        if (line.accept('=')) {
            target = name;
            if (target.equals("NULL") || Flags.BY_NAME.containsKey(target) || Allocation.MALLOPT.containsKey(target)) {
                throw new ParseError("'" + target + "' is the name of a constant; a variable needs another name");
            }
            name = line.name("a call after '='");
            line.skipSpace();
        }
        if (target == null && (name.equals("help") || name.equals("exit") || name.equals("quit"))) {
            line.end();
            if (name.equals("help")) {
                out.print(HELP);
            } else {
                exited = true;
            }
            return;
        }
        if (session != null && target == null && TraceSession.COMMANDS.contains(name)) {
            travel(name);
            return;
        }
        if (session != null && (killed || session.death() != null)) {
            out.println("# the process is dead: step, goto or back re-run the trace to a call where it lives");
            return;
        }
        if (session != null && (name.equals("thread") || name.equals("exit_thread"))) {
            throw new ParseError("in a trace's process the trace's threads run: typed calls run on the thread of its "
                    + "last call");
        }
        if (target == null && HeapViews.NAMES.contains(name)) {
            List<Long> args = new ArrayList<>();
            line.skipSpace();
            if (line.accept('(')) {
                line.skipSpace();
                if (line.peek() != ')') {
                    do {
                        args.add(line.expr(args.size() + 1));
                        line.skipSpace();
                    } while (line.accept(','));
                }
                line.expect(')');
            }
            while (line.more() && line.peek() != '\0') { // pwndbg style: vis ADDR [N]
                args.add(line.expr(args.size() + 1));
                line.skipSpace();
            }
            line.end();
            HeapViews views = backend.heapViews();
            out.print(
                    views == null
                            ? "# " + name + ": the heap views read an emulated process's memory; "
                                    + "run the script without --native to see them\n"
                            : views.render(name, args));
            return;
        }
        if (target == null && (name.equals("maps") || name.equals("smaps") || name.equals("status"))) {
            String text = backend.proc(name);
            if (line.peek() == '(') {
                line.expect('(');
                line.skipSpace();
                if (line.peek() != ')') {
                    if (name.equals("status")) {
                        text = ProcText.statusLine(text, line.name("a status field"));
                    } else if (name.equals("smaps")) {
                        String field = line.fieldName();
                        text = field != null
                                ? ProcText.smapsField(text, field)
                                : ProcText.smapsEntry(text, line.expr(1));
                    }
                    line.skipSpace();
                }
                line.expect(')');
            }
            line.end();
            out.print(text);
            return;
        }
        if (target == null && (name.equals("thread") || name.equals("exit_thread")) && line.peek() != '(') {
            long id = line.expr(1); // "thread 1", as a debugger's thread command reads
            line.end();
            allocation(name, null, List.of(id));
            return;
        }
        line.expect('(');
        List<Long> args = new ArrayList<>();
        line.skipSpace();
        if (line.peek() != ')') {
            do {
                args.add(line.expr(args.size() + 1));
                line.skipSpace();
            } while (line.accept(','));
        }
        if (line.peek() != ')') {
            throw new ParseError("expected ',' or ')' after argument " + args.size());
        }
        line.accept(')');
        line.end();
        Long result = Allocation.NAMES.contains(name) ? allocation(name, target, args) : call(name, args);
        if (target != null && result != null) {
            vars.put(target, result);
        }
    }

    /** {@code step [K]}, {@code goto N}, {@code back [K]}, {@code where PTR}, {@code at}: moves in the trace. */
    private void travel(String name) {
        List<Long> args = new ArrayList<>();
        line.skipSpace();
        while (line.more()) {
            args.add(line.expr(args.size() + 1));
            line.skipSpace();
        }
        line.end();
        try {
            out.print(session.run(name, args));
        } catch (IllegalArgumentException e) {
            throw new ParseError(e.getMessage());
        } catch (java.io.UncheckedIOException e) {
            throw new ParseError(e.getCause().getMessage());
        }
        if (name.equals("at") || name.equals("where")) {
            if (killed && session.death() == null) {
                out.println(
                        "# a typed call killed the process (" + killedBy + "); step, goto or back re-run the trace");
            }
            return; // they look, and the process stays as it is
        }
        backend = session.backend();
        killed = session.death() != null;
        killedBy = killed ? session.death().signal() : killedBy;
    }

    /** Runs and prints a call of the malloc family: its syscalls in strace's form, then the call as ltrace shows it. */
    private Long allocation(String name, String target, List<Long> a) {
        backend.takeSyscalls(); // those of the lines before, printed by them
        try {
            Allocation.Result r = Allocation.run(backend, name, target, a);
            backend.takeSyscalls().forEach(out::println);
            out.print(r.text());
            return r.value();
        } catch (ProcessDied e) {
            backend.takeSyscalls().forEach(out::println);
            out.print(e.stderr());
            out.println("+++ killed by " + e.signal() + " +++");
            killed = true;
            killedBy = e.signal();
            return null;
        } catch (IllegalArgumentException e) {
            throw new ParseError(e.getMessage());
        }
    }

    /** Runs and prints a call; its value for a variable, or null after a fault. */
    private Long call(String name, List<Long> a) {
        try {
            switch (name) {
                case "brk":
                    arity(name, a, 1, 1);
                    long b = backend.brk(a.get(0));
                    print("brk(" + ptr(a.get(0)) + ")", hex(b));
                    return b;
                case "mmap":
                    arity(name, a, 6, 6);
                    return syscall(
                            "mmap(" + ptr(a.get(0)) + ", " + dec(a.get(1)) + ", " + Flags.prot(a.get(2)) + ", "
                                    + Flags.map(a.get(3)) + ", " + (int) (long) a.get(4) + ", " + hex(a.get(5)) + ")",
                            backend.mmap(a.get(0), a.get(1), a.get(2), a.get(3), a.get(4), a.get(5)),
                            true);
                case "munmap":
                    arity(name, a, 2, 2);
                    return syscall(
                            "munmap(" + ptr(a.get(0)) + ", " + dec(a.get(1)) + ")",
                            backend.munmap(a.get(0), a.get(1)),
                            false);
                case "mprotect":
                    arity(name, a, 3, 3);
                    return syscall(
                            "mprotect(" + ptr(a.get(0)) + ", " + dec(a.get(1)) + ", " + Flags.prot(a.get(2)) + ")",
                            backend.mprotect(a.get(0), a.get(1), a.get(2)),
                            false);
                case "mremap":
                    arity(name, a, 4, 5);
                    long na = a.size() == 5 ? a.get(4) : 0;
                    return syscall(
                            "mremap(" + ptr(a.get(0)) + ", " + dec(a.get(1)) + ", " + dec(a.get(2)) + ", "
                                    + Flags.mremap(a.get(3)) + (a.size() == 5 ? ", " + ptr(na) : "") + ")",
                            backend.mremap(a.get(0), a.get(1), a.get(2), a.get(3), na),
                            true);
                case "madvise":
                    arity(name, a, 3, 3);
                    return syscall(
                            "madvise(" + ptr(a.get(0)) + ", " + dec(a.get(1)) + ", " + Flags.madvise(a.get(2)) + ")",
                            backend.madvise(a.get(0), a.get(1), a.get(2)),
                            false);
                case "walk":
                    arity(name, a, 1, 1);
                    out.print(backend.pageWalk(a.get(0)));
                    return null;
                default:
                    return memory(name, a);
            }
        } catch (SegmentationFault e) {
            out.println(e.straceLine());
        } catch (BusError e) {
            out.println(e.straceLine());
        } catch (OutOfMemoryKill e) {
            out.println("+++ killed by SIGKILL +++ (" + e.getMessage() + ")");
            killed = true; // as in Linux: the process is gone, nothing more runs in it
        }
        return null;
    }

    private Long memory(String name, List<Long> a) {
        boolean load = name.startsWith("load");
        String w = name.substring(load ? 4 : name.startsWith("store") ? 5 : name.length());
        if (!(load || name.startsWith("store"))
                || !(w.equals("8") || w.equals("16") || w.equals("32") || w.equals("64"))) {
            throw new ParseError(
                    "expected brk, mmap, munmap, mprotect, mremap, madvise, load8..64, store8..64, malloc, free, ..., "
                            + "walk, maps, smaps, status, help or exit, not '" + name + "'");
        }
        int width = Integer.parseInt(w);
        if (load) {
            arity(name, a, 1, 1);
            long v = backend.load(width, a.get(0));
            print(name + "(" + ptr(a.get(0)) + ")", hex(v));
            return v;
        }
        arity(name, a, 2, 2);
        backend.store(width, a.get(0), a.get(1));
        print(name + "(" + ptr(a.get(0)) + ", " + hex(a.get(1)) + ")", "0");
        return 0L;
    }

    private long syscall(String call, long r, boolean pointer) {
        if (r < 0 && r > -4096) {
            print(call, "-1 " + Errno.name((int) -r) + " (" + Errno.message((int) -r) + ")");
            return -1;
        }
        print(call, pointer ? hex(r) : Long.toString(r));
        return r;
    }

    private void print(String call, String result) {
        out.println(call + " = " + result);
    }

    private static void arity(String name, List<Long> a, int min, int max) {
        if (a.size() < min || a.size() > max) {
            throw new ParseError("expected " + (min == max ? Integer.toString(min) : min + " or " + max)
                    + " arguments to " + name + ", got " + a.size());
        }
    }

    private static String ptr(long v) {
        return v == 0 ? "NULL" : "0x" + Long.toHexString(v);
    }

    private static String hex(long v) {
        return v == 0 ? "0" : "0x" + Long.toHexString(v);
    }

    private static String dec(long v) {
        return Long.toUnsignedString(v);
    }
}
