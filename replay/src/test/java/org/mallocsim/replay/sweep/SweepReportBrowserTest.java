package org.mallocsim.replay.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mallocsim.allocator.Allocators;
import org.mallocsim.replay.Chromium;
import org.mallocsim.replay.TraceFidelity;

/**
 * The sweep report's bar charts as a browser draws them: grep under every policy, where buddy's
 * fragmentation at peak heap (one 1 MiB region for a handful of live bytes at the first call) is
 * five orders of magnitude above every other policy's. Headless Chromium draws the chart alone and
 * each policy's bar is measured in the screenshot by its colour: every bar must be wide enough to
 * read and the widths must keep the values' order. Skipped, saying why, when Chromium is absent
 * outside CI; under {@code CI=true} its absence fails.
 */
class SweepReportBrowserTest {
    private static final int BAR_HEIGHT = 12;

    @TempDir
    static Path tmp;

    private static Chromium chromium;
    private static List<SweepRow> rows;

    @BeforeAll
    static void sweepGrepUnderEveryPolicy() throws IOException {
        chromium = Chromium.findOrSkip("the sweep chart test");
        List<SweepCell> cells = new ArrayList<>();
        for (String p : Allocators.names()) {
            cells.add(new SweepCell(cells.size(), TraceFidelity.trace("grep").toString(), p, Map.of()));
        }
        rows = Sweep.run(cells, SweepSettings.defaults(), 2, n -> {});
    }

    @Test
    void everyPolicysFragmentationBarIsReadableBesideBuddysAndInTheValuesOrder() throws Exception {
        String title = "Fragmentation at peak heap (J&W #3)";
        double max = 0;
        double min = Double.MAX_VALUE;
        for (SweepRow r : rows) {
            max = Math.max(max, r.fragPeakHeapPct());
            min = Math.min(min, r.fragPeakHeapPct());
        }
        assertThat(max / min)
                .as("the data this test is about: one policy far above the rest")
                .isGreaterThan(1e4);

        int[] widths = barWidths(title);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            order.add(i);
            assertThat(widths[i])
                    .as(
                            "%s's bar (%.2f %%) in pixels",
                            rows.get(i).policy(), rows.get(i).fragPeakHeapPct())
                    .isGreaterThanOrEqualTo(10);
        }
        order.sort(Comparator.comparingDouble(i -> rows.get(i).fragPeakHeapPct()));
        for (int k = 1; k < order.size(); k++) {
            SweepRow a = rows.get(order.get(k - 1));
            SweepRow b = rows.get(order.get(k));
            assertThat(widths[order.get(k)])
                    .as(
                            "%s (%.2f %%) is drawn at least as long as %s (%.2f %%)",
                            b.policy(), b.fragPeakHeapPct(), a.policy(), a.fragPeakHeapPct())
                    .isGreaterThanOrEqualTo(widths[order.get(k - 1)] - 1);
        }
    }

    @Test
    void aChartOfCloseValuesKeepsItsLinearAxis() throws Exception {
        String title = "Peak RSS";
        int[] widths = barWidths(title);
        double max = 0;
        int widest = 0;
        for (int i = 0; i < rows.size(); i++) {
            max = Math.max(max, rows.get(i).peakRssBytes());
            widest = Math.max(widest, widths[i]);
        }
        assertThat(SweepReport.barsPage(title, rows)).doesNotContain("log scale");
        for (int i = 0; i < rows.size(); i++) {
            double expected = widest * rows.get(i).peakRssBytes() / max;
            assertThat((double) widths[i])
                    .as("%s's bar is proportional to its peak RSS", rows.get(i).policy())
                    .isCloseTo(expected, org.assertj.core.data.Offset.offset(2.0));
        }
    }

    /** Each row's bar width in pixels, from a screenshot of the chart alone: its colour's pixels over the bar height. */
    private static int[] barWidths(String title) throws IOException, InterruptedException {
        Path page = tmp.resolve(title.replaceAll("[^A-Za-z0-9]", "_") + ".html");
        Files.writeString(page, SweepReport.barsPage(title, rows), StandardCharsets.UTF_8);
        Path png = tmp.resolve(page.getFileName() + ".png");
        chromium.run(
                tmp,
                page.toUri().toString(),
                "--force-device-scale-factor=1",
                "--window-size=800,400",
                "--screenshot=" + png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).as("a PNG at " + png).isNotNull();
        int[] pixels = new int[rows.size()];
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                for (int i = 0; i < rows.size(); i++) {
                    if (rgb == SweepReport.colour(i)) {
                        pixels[i]++;
                    }
                }
            }
        }
        int[] widths = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            widths[i] = Math.round(pixels[i] / (float) BAR_HEIGHT);
        }
        return widths;
    }
}
