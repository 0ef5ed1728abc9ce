package org.mallocsim.cli.shell;

/**
 * A call ended the process: glibc aborted (its message, then SIGABRT) or an access inside the
 * allocator faulted (SIGSEGV). The shell prints the message, if any, and
 * {@code +++ killed by SIG... +++}, then runs nothing more.
 */
final class ProcessDied extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String signal;
    private final String stderr;

    /** {@code signal} as strace names it (SIGABRT); {@code stderr} what the process wrote last, or "". */
    ProcessDied(String signal, String stderr) {
        super(signal, null, false, false);
        this.signal = signal;
        this.stderr = stderr;
    }

    String signal() {
        return signal;
    }

    /** What the process wrote on stderr as it died (glibc's message with its newline), or "". */
    String stderr() {
        return stderr;
    }
}
