package org.mallocsim.kernel.proc;

/**
 * Who the emulated process is, for the lines of {@code /proc/self/status} that are not about memory.
 *
 * @param name  the command name ({@code comm}, at most 15 characters as the kernel keeps it)
 * @param pid   its process id (also its tgid: the process has one thread)
 * @param ppid  its parent's process id
 * @param uid   real, effective, saved and filesystem user id
 * @param gid   real, effective, saved and filesystem group id
 */
public record ProcessInfo(String name, int pid, int ppid, int uid, int gid) {

    /** A process of an ordinary user (1000) started by init. */
    public static ProcessInfo of(String name, int pid) {
        return new ProcessInfo(name, pid, 1, 1000, 1000);
    }
}
