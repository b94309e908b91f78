package dev.pixelflow.simd.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFilesTest {
    @TempDir
    Path dir;

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void writesAtomicallyAndReadsBack() throws IOException {
        Path file = dir.resolve("model.pxck");
        Checkpoint c = CheckpointGoldenTest.expected();
        CheckpointFiles.write(file, c);
        assertEquals(List.of(file), files(), "no temporary file left behind");
        assertEquals(c, CheckpointFiles.read(file));
        assertArrayEquals(CheckpointGoldenTest.golden(), Files.readAllBytes(file));
        Checkpoint newer = Checkpoint.builder(43).metadata("k", "v").build();
        CheckpointFiles.write(file, newer);
        assertEquals(newer, CheckpointFiles.read(file));
        assertEquals(List.of(file), files());
    }

    @Test
    void failedWriteKeepsTheOldFileAndLeavesNoTemporary() throws IOException {
        Path file = dir.resolve("model.pxck");
        Checkpoint old = CheckpointGoldenTest.expected();
        CheckpointFiles.write(file, old);
        byte[] before = Files.readAllBytes(file);
        Checkpoint big = Checkpoint.builder(50).parameter("w", new int[] {100_000}, new float[100_000]).build();
        IOException e = assertThrows(IOException.class, () -> CheckpointFiles.write(file, big,
                out -> new FilterOutputStream(out) {
                    private long written;

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        written += len;
                        if (written > 70_000) {
                            throw new IOException("disk full (simulated)");
                        }
                        out.write(b, off, len);
                    }
                }));
        assertTrue(e.getMessage().contains("disk full"));
        assertEquals(List.of(file), files());
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(old, CheckpointFiles.read(file));
    }

    @Test
    void corruptFileIsNamed() throws IOException {
        Path file = dir.resolve("bad.pxck");
        Files.write(file, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class,
                () -> CheckpointFiles.read(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("magic"), e.getMessage());
        assertEquals(file.toString(), e.source());
    }

    @Test
    void latestFindsTheHighestStep() throws IOException {
        assertEquals(Optional.empty(), CheckpointFiles.latest(dir));
        assertEquals(Optional.empty(), CheckpointFiles.latest(dir.resolve("missing")));
        for (long step : new long[] {9, 100, 12}) {
            CheckpointFiles.write(CheckpointFiles.path(dir, step), Checkpoint.builder(step).build());
        }
        Files.writeString(dir.resolve("checkpoint-x.pxck"), "not one");
        Files.writeString(dir.resolve("notes.txt"), "other");
        Path latest = CheckpointFiles.latest(dir).orElseThrow();
        assertEquals(CheckpointFiles.path(dir, 100), latest);
        assertEquals(100, CheckpointFiles.read(latest).step());
        assertEquals(List.of(CheckpointFiles.path(dir, 100), CheckpointFiles.path(dir, 12),
                CheckpointFiles.path(dir, 9)), CheckpointFiles.list(dir));
        assertFalse(files().stream().anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
    }
}
