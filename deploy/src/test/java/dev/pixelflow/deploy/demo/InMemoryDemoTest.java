package dev.pixelflow.deploy.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Ops;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InMemoryDemoTest {

    @Test
    void lossFallsAndTheWorkspaceStopsGrowing() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        InMemoryDemo.Settings s = new InMemoryDemo.Settings(150, 8, 32, 8, 0.01f, 7L);
        InMemoryDemo.Summary sum = InMemoryDemo.run(s, Ops.defaults(),
                new PrintStream(buf, true, StandardCharsets.UTF_8), false);
        String text = buf.toString(StandardCharsets.UTF_8);
        assertTrue(sum.lastLoss() < 0.5f * sum.firstLoss(), "loss did not fall enough: " + text);
        assertTrue(sum.lastIoU() > 0.3f, "objects not found: " + text);
        assertEquals(sum.workspaceAllocationsAfterFirstStep(), sum.workspaceAllocationsAtEnd(), text);
        assertTrue(text.contains("step  150/150"), text);
    }

    @Test
    void settingsAreValidated() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new InMemoryDemo.Settings(0, 4, 32, 8, 0.01f, 1L));
        assertTrue(e.getMessage().contains("steps"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new InMemoryDemo.Settings(1, 4, 4, 8, 0.01f, 1L));
        assertThrows(IllegalArgumentException.class, () -> new InMemoryDemo.Settings(1, 4, 30, 8, 0.01f, 1L));
        assertThrows(IllegalArgumentException.class, () -> new InMemoryDemo.Settings(1, 4, 32, 8, -1f, 1L));
    }
}
