package dev.pixelflow.deploy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command construction for pinned nodes, and the throughput arithmetic of {@link ClusterBench}. */
class ClusterBenchTest {

    @Test
    void pinnedNodeRunsUnderTasksetOnItsCore() {
        Path config = Path.of("cluster", "cluster-node.conf");
        List<String> pinned = LocalCluster.nodeCommand(config, 1).command();
        assertEquals(List.of("taskset", "-c", "1"), pinned.subList(0, 3));
        assertTrue(pinned.get(3).endsWith("java"), pinned.toString());
        List<String> plain = LocalCluster.nodeCommand(config).command();
        assertEquals(plain, pinned.subList(3, pinned.size()), "pinning only adds the taskset prefix");
        assertEquals(plain, LocalCluster.nodeCommand(config, -1).command());
        assertTrue(plain.contains("-Dpixelflow.threads=1"), plain.toString());
        assertEquals(config.toString(), plain.get(plain.size() - 1));
    }

    @Test
    void nodesGoRoundTheCores() {
        assertEquals(0, LocalCluster.cpuFor(0, 2));
        assertEquals(1, LocalCluster.cpuFor(1, 2));
        assertEquals(0, LocalCluster.cpuFor(2, 2));
        assertEquals(0, LocalCluster.cpuFor(5, 1));
        assertThrows(IllegalArgumentException.class, () -> LocalCluster.cpuFor(0, 0));
    }

    @Test
    void missingTasksetIsAClearError(@TempDir Path dir) throws Exception {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> LocalCluster.requireTaskset(dir.toString()));
        assertTrue(e.getMessage().contains("taskset") && e.getMessage().contains("util-linux"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> LocalCluster.requireTaskset(null));
        Path fake = Files.createFile(dir.resolve("taskset"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        assertEquals(fake, LocalCluster.requireTaskset("/nonexistent" + java.io.File.pathSeparator + dir));
    }

    @Test
    void ratesSpanWholeCommitBatches() {
        // Committed offsets move in batches: 1000 at 12 s, then 1000 every 2 s; results grow by 100/s throughout.
        List<ClusterBench.Sample> s = new java.util.ArrayList<>();
        for (int t = 10; t <= 21; t++) {
            long committed = t < 12 ? 0 : 1000L * ((t - 12) / 2 + 1);
            s.add(new ClusterBench.Sample(t, committed, 100L * t, 0));
        }
        ClusterBench.Rates r = ClusterBench.rates(s, ClusterBench.Sample::committed, 4);
        assertEquals(500, r.overall(), 1e-9, "from the commit at 12 s to the one at 20 s");
        assertEquals(2, r.intervals(), "12-16, 16-20");
        assertEquals(500, r.median(), 1e-9);
        assertEquals(500, r.min(), 1e-9);
        assertEquals(500, r.max(), 1e-9);
        ClusterBench.Rates out = ClusterBench.rates(s, ClusterBench.Sample::results, 3);
        assertEquals(100, out.overall(), 1e-9);
        assertEquals(3, out.intervals(), "11-14, 14-17, 17-20; the last second is left out");
        assertEquals(0, ClusterBench.rates(s.subList(0, 2), ClusterBench.Sample::committed, 2).intervals(),
                "no commit seen: no rate");
        assertEquals(0, ClusterBench.rates(List.of(s.get(0)), ClusterBench.Sample::committed, 2).overall());
    }

    @Test
    void settingsNeedTwoPartitionsAndOnePerNode() {
        ClusterBench.Settings d = ClusterBench.Settings.defaults();
        assertTrue(d.partitions() >= 2 && d.pin());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ClusterBench.Settings(3,
                2, 10_000, 32, Duration.ZERO, Duration.ofSeconds(20), Duration.ofSeconds(10), true, d.dir(), d.out(),
                7455));
        assertTrue(e.getMessage().contains("--partitions"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ClusterBench.Settings(1, 1, 10_000, 32,
                Duration.ZERO, Duration.ofSeconds(20), Duration.ofSeconds(10), true, d.dir(), d.out(), 7455));
        assertThrows(IllegalArgumentException.class, () -> new ClusterBench.Settings(1, 2, 10_000, 32,
                Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(10), true, d.dir(), d.out(), 7455));
    }

    @Test
    void summaryNamesTheRunAndFlagsAnExhaustedBacklog() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nodes", 2);
        m.put("pinned", true);
        m.put("partitions", 4);
        m.put("frame-size", 48);
        m.put("frames-per-second", 410.0);
        m.put("frames-per-second-median", 405.0);
        m.put("frames-per-second-min", 380.0);
        m.put("frames-per-second-max", 430.0);
        m.put("intervals", 30);
        m.put("interval-seconds", 10L);
        m.put("results-per-second", 390.0);
        m.put("averaging-rounds", 12L);
        m.put("measured-seconds", 300.0);
        m.put("backlog-exhausted", false);
        String line = ClusterBench.summary(m);
        assertTrue(line.contains("nodes=2 pinned=true partitions=4") && line.contains("410.0 frames/s"), line);
        assertFalse(line.contains("EXHAUSTED"), line);
        m.put("backlog-exhausted", true);
        assertTrue(ClusterBench.summary(m).contains("EXHAUSTED"));
    }
}
