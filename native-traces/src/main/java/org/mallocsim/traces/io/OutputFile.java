package org.mallocsim.traces.io;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A file that every mallocsim command writes the same safe way: the target is checked first (not
 * a directory, its directory exists, it is not one of the command's inputs), the data goes to a
 * temporary file in the target's directory, and only {@link #commit()} renames that over the
 * target, so a failure at any point leaves the target as it was and nothing half-written behind.
 * A target named {@code *.zst} is written zstd-compressed, any other plain ({@link Compression}).
 *
 * <pre>{@code
 * try (OutputFile f = OutputFile.create(target, input)) {
 *     write(f.open());
 *     f.commit();
 * }                                   // without commit(): the temporary file is deleted
 * }</pre>
 *
 * Every failure is an {@link IOException} whose message names the target and the reason.
 */
public final class OutputFile implements Closeable {
    private static final Set<PosixFilePermission> DEFAULT_MODE = PosixFilePermissions.fromString("rw-r--r--");
    /**
     * Temporary files and directories not yet committed or deleted: removed by a shutdown hook
     * if the JVM ends first (Ctrl-C, SIGTERM), so nothing half-written outlives an interrupted command.
     */
    private static final Set<Path> PENDING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(() -> PENDING.forEach(OutputFile::deleteQuietly), "mallocsim-output-cleanup"));
    }

    private final Path target;
    private final Path temp;
    private OutputStream stream;
    private boolean committed;

    private OutputFile(Path target, Path temp) {
        this.target = target;
        this.temp = temp;
    }

    /**
     * Checks {@code target} (see {@link #check}) and creates the temporary file beside it.
     *
     * @param inputs the files the command reads; the target may be none of them
     */
    public static OutputFile create(Path target, Path... inputs) throws IOException {
        Path dir = check(target, inputs);
        try {
            Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".part");
            PENDING.add(temp);
            return new OutputFile(target, temp);
        } catch (IOException e) {
            throw failure(target, e);
        }
    }

    /**
     * The checks made before anything is written: the target is not a directory, its directory
     * exists (it is never created), and it is not one of {@code inputs}. Returns the directory.
     */
    public static Path check(Path target, Path... inputs) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        if (abs.getFileName() == null) {
            throw new IOException(target + ": is a directory, not a file to write");
        }
        if (Files.isDirectory(abs)) {
            throw new IOException(target + ": is a directory, not a file to write");
        }
        Path dir = abs.getParent();
        if (!Files.isDirectory(dir)) {
            throw new IOException(target + ": cannot write it, " + dir
                    + (Files.exists(dir) ? " is not a directory" : ": the directory does not exist"));
        }
        if (!Files.isWritable(dir)) {
            throw new IOException(target + ": cannot write it, the directory " + dir + " is not writable");
        }
        for (Path in : inputs) {
            if (in != null && sameFile(abs, in)) {
                throw new IOException(target + ": is also the input " + in + "; refusing to write over it "
                        + "(name another output file)");
            }
        }
        return dir;
    }

    private static boolean sameFile(Path target, Path input) throws IOException {
        if (target.equals(input.toAbsolutePath().normalize())) {
            return true;
        }
        return Files.exists(target) && Files.exists(input) && Files.isSameFile(target, input);
    }

    /** The file this will become. */
    public Path target() {
        return target;
    }

    /**
     * The temporary file, for a program that writes the data itself (uncompressed: call
     * {@link #commit()} only when {@link #compressed()} is false, else {@link #commitFrom}).
     */
    public Path temp() {
        return temp;
    }

    /** True when the target's name asks for zstd compression. */
    public boolean compressed() {
        return Compression.zstdByName(target);
    }

    /** The stream to write the data to, compressing it when the name says so; opened once. */
    public OutputStream open() throws IOException {
        if (stream == null) {
            OutputStream raw = Files.newOutputStream(temp);
            stream = compressed()
                    ? new BufferedOutputStream(new ZstdOutputStream(raw, 9), 1 << 16)
                    : new BufferedOutputStream(raw, 1 << 16);
        }
        return stream;
    }

    /** Finishes the data and renames the temporary file over the target. */
    public void commit() throws IOException {
        try {
            if (stream != null) {
                stream.close();
            }
            Files.setPosixFilePermissions(temp, mode());
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            committed = true;
            PENDING.remove(temp);
        } catch (IOException e) {
            throw failure(target, e);
        }
    }

    /**
     * A temporary directory beside {@code target}, for programs that write several files there
     * before they are moved into place; delete it with {@link #deleteTree}, which the shutdown
     * hook also does if the JVM ends first.
     */
    public static Path temporaryDirectory(Path target) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        try {
            Path dir = Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + ".");
            PENDING.add(dir);
            return dir;
        } catch (IOException e) {
            throw failure(target, e);
        }
    }

    /** Deletes a directory made by {@link #temporaryDirectory} and all it holds. */
    public static void deleteTree(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (NoSuchFileException e) {
            // already gone
        }
        PENDING.remove(dir);
    }

    private static void deleteQuietly(Path p) {
        try {
            if (Files.isDirectory(p)) {
                deleteTree(p);
            } else {
                Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException e) {
            // the JVM is ending; nothing more can be done
        }
    }

    /**
     * Makes the target from a file written in full by someone else (e.g. a recorder), on the same
     * file system: moved into place, or compressed into it when the target's name says so (the
     * produced file is then deleted). Then commits.
     */
    public void commitFrom(Path produced) throws IOException {
        try {
            if (compressed()) {
                try (InputStream in = Files.newInputStream(produced)) {
                    in.transferTo(open());
                }
                Files.delete(produced);
            } else {
                Files.move(produced, temp, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw failure(target, e);
        }
        commit();
    }

    /** The target's permissions when it exists, else rw-r--r--. */
    private Set<PosixFilePermission> mode() {
        try {
            return Files.exists(target) ? Files.getPosixFilePermissions(target) : DEFAULT_MODE;
        } catch (IOException | UnsupportedOperationException e) {
            return DEFAULT_MODE;
        }
    }

    /** Deletes the temporary file unless {@link #commit()} succeeded; the target is untouched. */
    @Override
    public void close() {
        if (committed) {
            return;
        }
        try {
            if (stream != null) {
                stream.close();
            }
        } catch (IOException | RuntimeException e) {
            // The data is being thrown away; a failure to flush it does not matter.
        }
        try {
            Files.deleteIfExists(temp);
            PENDING.remove(temp);
        } catch (IOException e) {
            // Nothing more can be done; the name starts with '.' and ends '.part' so it is recognisable.
        }
    }

    /**
     * An error naming {@code file} and the reason, from an I/O exception whose own message may be
     * only a path (NoSuchFileException) or only a reason (ENOSPC, "Input length = 1").
     */
    public static IOException failure(Path file, IOException e) {
        String m = e.getMessage();
        if (m != null && m.startsWith(file.toString() + ": ")) {
            return e;
        }
        return new IOException(file + ": " + reason(e), e);
    }

    /** The reason of an I/O exception in words, without the path Java puts in some messages. */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory" + other((FileSystemException) e);
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied" + other((FileSystemException) e);
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "already exists" + other((FileSystemException) e);
        }
        if (e instanceof FileSystemException) {
            FileSystemException f = (FileSystemException) e;
            return (f.getReason() == null ? "cannot be used" : lower(f.getReason())) + other(f);
        }
        if (e instanceof java.nio.charset.CharacterCodingException) {
            return "not a text file (bytes that are not text)";
        }
        if (e instanceof java.io.EOFException) {
            return "ends too early (truncated)";
        }
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        if (m.equals("Truncated source")
                || m.startsWith("Unknown frame descriptor")
                || m.startsWith("Data corruption")) {
            return "damaged or truncated zstd data (" + m + ")";
        }
        return lower(m);
    }

    private static String other(FileSystemException f) {
        return f.getOtherFile() == null ? "" : " (" + f.getOtherFile() + ")";
    }

    private static String lower(String s) {
        return s.length() > 1 && Character.isUpperCase(s.charAt(0)) && Character.isLowerCase(s.charAt(1))
                ? Character.toLowerCase(s.charAt(0)) + s.substring(1)
                : s;
    }
}
