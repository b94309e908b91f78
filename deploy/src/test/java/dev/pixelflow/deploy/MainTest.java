package dev.pixelflow.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void unknownCommandsAndOptionsAreClearErrors() {
        Run r = run("frobnicate");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown command 'frobnicate'"), r.err());
        Run o = run("demo", "--stpes", "3");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("--stpes"), o.err());
        Run n = run("demo", "--in-memory", "--steps", "many");
        assertEquals(2, n.code());
        assertTrue(n.err().contains("--steps needs a whole number"), n.err());
        Run v = run("demo", "--in-memory", "--steps", "0");
        assertEquals(2, v.code());
        assertTrue(v.err().contains("steps must be >= 1"), v.err());
        Run sec = run("demo", "--seconds", "soon");
        assertEquals(2, sec.code());
        assertTrue(sec.err().contains("--seconds needs a whole number"), sec.err());
        Run cfg = run("run", "--config", "/nonexistent/pixelflow.conf");
        assertEquals(2, cfg.code());
        assertTrue(cfg.err().contains("config file /nonexistent/pixelflow.conf does not exist"), cfg.err());
        Run boot = run("run", "--bootstrap", "nohostport");
        assertEquals(2, boot.code());
        assertTrue(boot.err().contains("--bootstrap needs HOST:PORT"), boot.err());
    }

    @Test
    void kafkaDemoTrainsOnTheStreamAndWritesAReport(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Run r = run("demo", "--seconds", "10", "--rate", "150", "--report", dir.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("result: ") && r.out().contains("report: "), r.out());
        for (String f : java.util.List.of("index.html", "loss.png", "quality.png", "throughput.png", "examples.png",
                "embeddings.png")) {
            assertTrue(java.nio.file.Files.size(dir.resolve(f)) > 0, f);
        }
        try (var s = java.nio.file.Files.list(dir.resolve("checkpoints").resolve("segmentation"))) {
            assertTrue(s.findAny().isPresent(), "segmentation checkpoint written on stop");
        }
    }

    @Test
    void demoRunsAShortTraining() {
        Run r = run("demo", "--in-memory", "--steps=5", "--batch", "2", "--size", "16");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("result: loss"), r.out());
    }
}
