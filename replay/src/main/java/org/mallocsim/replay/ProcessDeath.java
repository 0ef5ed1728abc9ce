package org.mallocsim.replay;

/**
 * How the emulated process ended before the trace did: the signal, the call (1-based, among the
 * trace's allocator calls) during which it arrived, the trace position of that call (a line or
 * byte offset), and what the process or kernel said.
 *
 * @param signal   {@code SIGABRT} (glibc's {@code malloc_printerr}), {@code SIGSEGV}, {@code SIGBUS},
 *                 or {@code SIGKILL} (the OOM killer)
 * @param call     the call's number, from 1
 * @param position the call's line (text traces) or byte offset (mrecb) in the trace
 * @param message  glibc's message for SIGABRT, strace's signal line for SIGSEGV/SIGBUS, the OOM reason
 */
public record ProcessDeath(String signal, long call, long position, String message) {
    /** One line for people: {@code killed by SIGABRT at call 17 (line 52): free(): double free detected}. */
    public String describe() {
        return "killed by " + signal + " at call " + call + " (trace position " + position + "): " + message;
    }
}
