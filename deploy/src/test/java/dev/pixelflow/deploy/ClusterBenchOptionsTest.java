package dev.pixelflow.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.deploy.cluster.ClusterBench;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Options of {@code pixelflow cluster-bench}. */
class ClusterBenchOptionsTest {

    @Test
    void defaultsArePinnedWithABacklogForTheWholeRun() {
        ClusterBench.Settings s = Main.clusterBenchSettings(Main.options(new String[] {"--nodes", "2"}));
        assertEquals(2, s.nodes());
        assertTrue(s.pin());
        assertEquals(4, s.partitions());
        assertEquals(ClusterBench.defaultBacklog(2, 32, Duration.ofSeconds(60), Duration.ofSeconds(300)), s.frames());
        assertEquals(2 * 1500 * 420, s.frames());
        assertEquals(20_000, ClusterBench.defaultBacklog(1, 256, Duration.ZERO, Duration.ofSeconds(10)));
    }

    @Test
    void optionsAreParsedAndCheckedWithTheirNames() {
        ClusterBench.Settings s = Main.clusterBenchSettings(Main.options(("--nodes 1 --partitions 2 --frames 5000"
                + " --size 16 --warmup 0 --seconds 20 --interval 5 --pin false --dir d --out o --port 9000").split(" ")));
        assertFalse(s.pin());
        assertEquals(5000, s.frames());
        assertEquals(Duration.ZERO, s.warmup());
        assertEquals(9000, s.basePort());
        IllegalArgumentException pin = assertThrows(IllegalArgumentException.class,
                () -> Main.clusterBenchSettings(Main.options(new String[] {"--pin", "maybe"})));
        assertTrue(pin.getMessage().contains("--pin needs true or false"), pin.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Main.clusterBenchSettings(Main.options(new String[] {"--rate", "5"})));
        assertTrue(unknown.getMessage().contains("--rate"), unknown.getMessage());
        IllegalArgumentException parts = assertThrows(IllegalArgumentException.class,
                () -> Main.clusterBenchSettings(Main.options(new String[] {"--nodes", "3", "--partitions", "2"})));
        assertTrue(parts.getMessage().contains("--partitions"), parts.getMessage());
    }
}
