package org.mallocsim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.cli.BundledTraces.trace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepCommandTest {
    @Test
    void aSweepPrintsOneRowPerCellAndWritesTheCsvAndTheReport(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("s.csv");
        Path html = dir.resolve("s.html");
        Cli.Result r = Cli.run(
                "sweep",
                trace("git").toString(),
                "--policy",
                "glibc,tlsf",
                "--tunable",
                "glibc.malloc.mmap_threshold=65536,1048576",
                "--csv",
                csv.toString(),
                "--report",
                html.toString(),
                "--no-timing");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().lines().filter(l -> l.startsWith("git.mrec.zst"))).hasSize(3);
        assertThat(r.out()).contains("glibc mmap_threshold=65536").doesNotContain("ns/call");
        assertThat(Files.readAllLines(csv)).hasSize(4);
        assertThat(Files.readString(html)).startsWith("<!DOCTYPE html>").contains("<svg");
    }

    @Test
    void theJsonHasOneObjectPerRow() {
        Cli.Result r = Cli.run("sweep", trace("git").toString(), "--policy", "glibc,buddy", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .startsWith("{\n  \"rows\": [")
                .contains("\"policy\": \"buddy\"")
                .contains("\"nsPerCall\"");
        assertThat(r.out().split("\"trace\"", -1)).hasSize(3);
    }

    @Test
    void badInputIsOneLineNamingTheProblemBeforeAnyReplay(@TempDir Path dir) {
        Cli.Result missing = Cli.run("sweep", dir.resolve("none.mrec").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("none.mrec").contains("no such file").doesNotContain("Exception");

        Cli.Result policy = Cli.run("sweep", trace("git").toString(), "--policy", "glibc,xyz");
        assertThat(policy.err()).contains("no allocator named 'xyz'");

        Cli.Result overwrite =
                Cli.run("sweep", trace("git").toString(), "--csv", trace("git").toString());
        assertThat(overwrite.code()).isEqualTo(2);
        assertThat(overwrite.err()).contains("refusing to write over it");

        Cli.Result dirMissing = Cli.run(
                "sweep",
                trace("git").toString(),
                "--report",
                dir.resolve("no/r.html").toString());
        assertThat(dirMissing.err()).contains("the directory does not exist");

        Cli.Result spark = Cli.run("sweep", trace("git").toString(), "--engine", "spark");
        assertThat(spark.code()).isEqualTo(2);
        assertThat(spark.err()).contains("sweep-spark module is not on the class path");
    }

    @Test
    void adviseRanksCandidatesForBothGoals() {
        Cli.Result r = Cli.run("advise", trace("git").toString(), "--top", "3");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("with glibc's defaults: peak RSS")
                .contains("to cut peak RSS")
                .contains("to cut syscalls");
        assertThat(r.out().lines().filter(l -> l.startsWith("  glibc.malloc."))).hasSize(6);
    }
}
