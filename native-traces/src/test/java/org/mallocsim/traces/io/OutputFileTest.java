package org.mallocsim.traces.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one way mallocsim writes a file: all or nothing, never over an input, named errors. */
class OutputFileTest {
    @TempDir
    Path dir;

    @Test
    void withoutCommitTheTargetStaysAsItWasAndNoTemporaryFileRemains() throws Exception {
        Path target = Files.writeString(dir.resolve("t.mrec"), "old");
        try (OutputFile f = OutputFile.create(target)) {
            f.open().write("half-writ".getBytes(StandardCharsets.US_ASCII));
            // a failure here: no commit
        }
        assertThat(Files.readString(target)).isEqualTo("old");
        assertThat(Files.list(dir)).containsExactly(target);
    }

    @Test
    void commitReplacesTheTargetAndKeepsItsPermissions() throws Exception {
        Path target = Files.writeString(dir.resolve("t.mrec"), "old");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-rw----"));
        try (OutputFile f = OutputFile.create(target)) {
            f.open().write("new".getBytes(StandardCharsets.US_ASCII));
            f.commit();
        }
        assertThat(Files.readString(target)).isEqualTo("new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
                .isEqualTo("rw-rw----");
        assertThat(Files.list(dir)).containsExactly(target);
    }

    @Test
    void aZstNameIsCompressedAndOtherNamesAreNot() throws Exception {
        for (String name : new String[] {"a.mrec.zst", "a.mrec"}) {
            try (OutputFile f = OutputFile.create(dir.resolve(name))) {
                f.open().write("# mrec 1\n".getBytes(StandardCharsets.US_ASCII));
                f.commit();
            }
        }
        assertThat(Compression.isZstd(Files.readAllBytes(dir.resolve("a.mrec.zst"))))
                .isTrue();
        assertThat(Files.readString(dir.resolve("a.mrec"))).isEqualTo("# mrec 1\n");
    }

    @Test
    void theTargetMayBeNoInputNoDirectoryAndNotInAMissingDirectory() throws Exception {
        Path input = Files.writeString(dir.resolve("in.mrec"), "x");
        assertThatThrownBy(() -> OutputFile.create(dir.resolve("sub/../in.mrec"), input))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is also the input " + input);
        Path link = Files.createSymbolicLink(dir.resolve("link.mrec"), input);
        assertThatThrownBy(() -> OutputFile.create(link, input)).hasMessageContaining("is also the input");
        assertThatThrownBy(() -> OutputFile.create(dir)).hasMessage(dir + ": is a directory, not a file to write");
        Path missing = dir.resolve("no/such/x");
        assertThatThrownBy(() -> OutputFile.create(missing))
                .hasMessage(
                        missing + ": cannot write it, " + dir.resolve("no/such") + ": the directory does not exist");
        Path file = Files.writeString(dir.resolve("plain"), "");
        assertThatThrownBy(() -> OutputFile.create(file.resolve("x")))
                .hasMessage(file.resolve("x") + ": cannot write it, " + file + " is not a directory");
        assertThat(dir.resolve("no")).doesNotExist();
        assertThat(Files.readString(input)).isEqualTo("x");
    }
}
