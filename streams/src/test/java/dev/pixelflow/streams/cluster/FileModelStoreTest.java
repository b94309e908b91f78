package dev.pixelflow.streams.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.checkpoint.Checkpoint;
import dev.pixelflow.simd.checkpoint.CheckpointFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileModelStoreTest {

    @Test
    void savesLoadsAndReplaces(@TempDir Path dir) throws Exception {
        FileModelStore store = new FileModelStore(dir.resolve("models"));
        assertNull(store.load("default-segmentation"));
        store.save("default-segmentation", 3, new float[] {1.5f, -2f, Float.MIN_VALUE});
        store.save("default-segmentation", 4, new float[] {7f, 8f, 9f});
        ModelStore.Saved s = store.load("default-segmentation");
        assertEquals(4, s.version());
        assertArrayEquals(new float[] {7f, 8f, 9f}, s.parameters());
        try (var files = Files.list(dir.resolve("models"))) {
            assertEquals(1, files.count(), "no temporary files left");
        }
    }

    @Test
    void rejectsDamagedFilesAndBadKeys(@TempDir Path dir) throws Exception {
        FileModelStore store = new FileModelStore(dir);
        store.save("m", 1, new float[] {1f, 2f, 3f, 4f});
        Path f = store.file("m");
        byte[] good = Files.readAllBytes(f);

        byte[] flipped = good.clone();
        flipped[flipped.length / 2] ^= 1;
        Files.write(f, flipped);
        IOException e = assertThrows(IOException.class, () -> store.load("m"));
        assertTrue(e.getMessage().contains("checksum") && e.getMessage().contains("m.avg"), e.getMessage());

        Files.write(f, Arrays.copyOf(good, good.length - 9));
        e = assertThrows(IOException.class, () -> store.load("m"));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        Files.write(f, new byte[] {1, 2, 3});
        e = assertThrows(IOException.class, () -> store.load("m"));
        assertTrue(e.getMessage().contains("too short"), e.getMessage());

        var bad = assertThrows(IllegalArgumentException.class, () -> store.file("../x"));
        assertTrue(bad.getMessage().contains("../x"), bad.getMessage());
    }

    @Test
    void rejectsACheckpointOfSomethingElse(@TempDir Path dir) throws Exception {
        FileModelStore store = new FileModelStore(dir);
        CheckpointFiles.write(store.file("m"), Checkpoint.builder(5)
                .parameter("conv1.weight", new int[] {2, 2}, new float[] {1f, 2f, 3f, 4f}).build());
        IOException e = assertThrows(IOException.class, () -> store.load("m"));
        assertTrue(e.getMessage().contains("not an averaged model"), e.getMessage());
    }

    @Test
    void refusesToSaveNoParameters(@TempDir Path dir) {
        FileModelStore store = new FileModelStore(dir);
        var e = assertThrows(IllegalArgumentException.class, () -> store.save("m", 1, new float[0]));
        assertTrue(e.getMessage().contains("needs parameters"), e.getMessage());
    }

    @Test
    void blobsRejectPartialFloats() {
        var e = assertThrows(IllegalArgumentException.class, () -> ParameterBlob.floats(new byte[] {1, 2, 3}));
        assertTrue(e.getMessage().contains("3 bytes"), e.getMessage());
        float[] v = {0f, -0f, 1e-40f, Float.NaN, 3.25f};
        assertArrayEquals(v, ParameterBlob.floats(ParameterBlob.bytes(v)));
    }
}
