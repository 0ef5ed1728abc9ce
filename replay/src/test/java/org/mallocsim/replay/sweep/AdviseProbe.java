package org.mallocsim.replay.sweep;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.mallocsim.replay.TraceFidelity;

class AdviseProbe {
    @Test
    void probe() throws Exception {
        for (String t : new String[] {"git", "tar", "pythr"}) {
            StringBuilder sb = new StringBuilder("PROBE noise " + t);
            for (int i = 0; i < 6; i++) {
                sb.append(' ').append(Advisor.measuredPeakRss(TraceFidelity.trace(t), SweepSettings.defaults(), "") / 1024);
            }
            System.out.println(sb);
        }
        for (String t : new String[] {}) {
            Path p = TraceFidelity.trace(t);
            Advisor.Advice a = Advisor.advise(p, SweepSettings.defaults(), 2, n -> { });
            long base = Advisor.measuredPeakRss(p, SweepSettings.defaults(), "");
            for (int i = 0; i < 3 && i < a.byPeakRss().size(); i++) {
                SweepRow r = a.byPeakRss().get(i);
                long m = Advisor.measuredPeakRss(p, SweepSettings.defaults(), r.tunables()) - base;
                long pr = r.peakRssBytes() - a.baseline().peakRssBytes();
                System.out.println("PROBE " + t + " base emu=" + a.baseline().peakRssBytes() / 1024 + " real=" + base / 1024
                        + " " + r.tunables() + " pred=" + pr / 1024 + " meas=" + m / 1024 + " " + Advisor.agrees(pr, m));
            }
            SweepRow worst = a.byPeakRss().get(a.byPeakRss().size() - 1);
            long m = Advisor.measuredPeakRss(p, SweepSettings.defaults(), worst.tunables()) - base;
            long pr = worst.peakRssBytes() - a.baseline().peakRssBytes();
            System.out.println("PROBE " + t + " worst " + worst.tunables() + " pred=" + pr / 1024 + " meas=" + m / 1024 + " " + Advisor.agrees(pr, m));
        }
    }
}
