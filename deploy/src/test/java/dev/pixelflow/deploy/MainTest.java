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
        Run n = run("demo", "--steps", "many");
        assertEquals(2, n.code());
        assertTrue(n.err().contains("--steps needs a whole number"), n.err());
        Run v = run("demo", "--steps", "0");
        assertEquals(2, v.code());
        assertTrue(v.err().contains("steps must be >= 1"), v.err());
    }

    @Test
    void demoRunsAShortTraining() {
        Run r = run("demo", "--steps=5", "--batch", "2", "--size", "16");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("result: loss"), r.out());
    }
}
