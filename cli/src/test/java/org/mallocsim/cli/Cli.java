package org.mallocsim.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the mallocsim command in-process with its output and errors captured. */
public final class Cli {
    /**
     * What a run did.
     *
     * @param code the exit code
     * @param out what it printed on stdout
     * @param err what it printed on stderr
     */
    public record Result(int code, String out, String err) {
        /** stdout and stderr together, for assertions that do not care which. */
        public String all() {
            return out + err;
        }
    }

    private Cli() {}

    /** Runs {@code mallocsim ARGS...} with an empty stdin. */
    public static synchronized Result run(String... args) {
        return run(InputStream.nullInputStream(), args);
    }

    /** Runs {@code mallocsim shell ARGS...} with {@code stdin} as its script. */
    public static Result shell(String stdin, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "shell";
        System.arraycopy(args, 0, all, 1, args.length);
        return run(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), all);
    }

    /** Runs {@code mallocsim ARGS...} reading {@code in} as stdin. */
    public static synchronized Result run(InputStream in, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        InputStream oldIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            System.setIn(in);
            code = Main.run(args); // picocli's out and err wrap System.out and System.err, set above
            o.flush();
            e.flush();
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
