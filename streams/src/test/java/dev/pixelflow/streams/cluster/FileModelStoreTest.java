package dev.pixelflow.streams.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        store.save("m", 1, new float[] {1f, 2f});
        Path f = store.file("m");
        byte[] b = Files.readAllBytes(f);
        b[22] ^= 1;
        Files.write(f, b);
        IOException e = assertThrows(IOException.class, () -> store.load("m"));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        Files.write(f, new byte[] {1, 2, 3});
        e = assertThrows(IOException.class, () -> store.load("m"));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        var bad = assertThrows(IllegalArgumentException.class, () -> store.file("../x"));
        assertTrue(bad.getMessage().contains("../x"), bad.getMessage());
    }

    @Test
    void blobsRejectPartialFloats() {
        var e = assertThrows(IllegalArgumentException.class, () -> ParameterBlob.floats(new byte[] {1, 2, 3}));
        assertTrue(e.getMessage().contains("3 bytes"), e.getMessage());
        float[] v = {0f, -0f, 1e-40f, Float.NaN, 3.25f};
        assertArrayEquals(v, ParameterBlob.floats(ParameterBlob.bytes(v)));
    }
}
