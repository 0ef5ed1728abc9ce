package org.mallocsim.kernel;

/**
 * Linux's errno values (x86-64, include/uapi/asm-generic/errno-base.h and errno.h) with the names
 * and messages strace prints, e.g. {@code -1 EINVAL (Invalid argument)}.
 *
 * <p>Emulated syscalls return {@code -errno} on failure, as the raw kernel entry points do.
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int EOVERFLOW = 75;
    public static final int EOPNOTSUPP = 95;

    /** {@code MAX_ERRNO}: the highest errno a syscall can return as {@code -errno}. */
    public static final int MAX_ERRNO = 4095;

    private Errno() {}

    /**
     * {@code IS_ERR_VALUE} (include/linux/err.h): a value in the top 4095 of the unsigned range is
     * {@code -errno}, anything else (an address, however high) is a result.
     */
    public static boolean isErrValue(long x) {
        return Long.compareUnsigned(x, -MAX_ERRNO) >= 0;
    }

    /** The symbolic name, {@code "EINVAL"}; {@code "E<n>"} for numbers this table lacks. */
    public static String name(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case EINTR -> "EINTR";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EFAULT -> "EFAULT";
            case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST";
            case ENODEV -> "ENODEV";
            case EINVAL -> "EINVAL";
            case ENOSPC -> "ENOSPC";
            case EOVERFLOW -> "EOVERFLOW";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            default -> "E" + errno;
        };
    }

    /** glibc's strerror text, as strace prints it in parentheses. */
    public static String message(int errno) {
        return switch (errno) {
            case EPERM -> "Operation not permitted";
            case ENOENT -> "No such file or directory";
            case EINTR -> "Interrupted system call";
            case EBADF -> "Bad file descriptor";
            case EAGAIN -> "Resource temporarily unavailable";
            case ENOMEM -> "Cannot allocate memory";
            case EACCES -> "Permission denied";
            case EFAULT -> "Bad address";
            case EBUSY -> "Device or resource busy";
            case EEXIST -> "File exists";
            case ENODEV -> "No such device";
            case EINVAL -> "Invalid argument";
            case ENOSPC -> "No space left on device";
            case EOVERFLOW -> "Value too large for defined data type";
            case EOPNOTSUPP -> "Operation not supported";
            default -> "Unknown error " + errno;
        };
    }
}
