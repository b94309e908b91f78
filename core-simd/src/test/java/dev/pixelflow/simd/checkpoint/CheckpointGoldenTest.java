package dev.pixelflow.simd.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The committed v1 file {@code checkpoint/golden-v1.pxck}, written by {@code src/test/python/checkpoint_golden.py}
 * from the format description alone, decodes to the expected values, and the Java writer reproduces it byte for
 * byte.
 */
class CheckpointGoldenTest {

    static byte[] golden() throws IOException {
        try (InputStream in = CheckpointGoldenTest.class.getResourceAsStream("/checkpoint/golden-v1.pxck")) {
            return in.readAllBytes();
        }
    }

    static Checkpoint expected() {
        float[] avg = new float[8];
        float[] sq = new float[8];
        for (int i = 0; i < 8; i++) {
            avg[i] = (float) (0.1 * i);
            sq[i] = (float) (0.01 * i * i);
        }
        return Checkpoint.builder(42)
                .metadata(Map.of("kafka.frames.0", "1042", "kafka.frames.1", "977", "model", "tiny",
                        "note", "Grüße ✓"))
                .parameter("0.weight", new int[] {2, 1, 1, 3}, new float[] {0.5f, -1.25f, 2f, 0.125f, -0f, 3f})
                .parameter("0.bias", new int[] {2}, new float[] {0.25f, -0.75f})
                .optimizerState("adam", 7, orderedState(avg, sq))
                .array("norm.mean", new double[] {0.485, 0.456, 0.406})
                .array("norm.count", new long[] {123456789012L, -5})
                .array("norm.scale", new float[] {1.5f})
                .build();
    }

    private static Map<String, float[]> orderedState(float[] avg, float[] sq) {
        Map<String, float[]> m = new LinkedHashMap<>();
        m.put("exp_avg", avg);
        m.put("exp_avg_sq", sq);
        return m;
    }

    @Test
    void decodesTheGoldenFile() throws IOException {
        Checkpoint c = CheckpointFormat.read(golden(), "golden-v1.pxck");
        assertEquals(42, c.step());
        assertEquals("977", c.metadata().get("kafka.frames.1"));
        assertEquals("Grüße ✓", c.metadata().get("note"));
        assertEquals(List.of("0.weight", "0.bias"), c.parameterNames());
        assertArrayEquals(new int[] {2, 1, 1, 3}, c.parameterShape("0.weight"));
        assertArrayEquals(new float[] {0.5f, -1.25f, 2f, 0.125f, -0f, 3f}, c.parameterValues("0.weight"));
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(c.parameterValues("0.weight")[4]));
        assertEquals("adam", c.optimizerType().orElseThrow());
        assertEquals(7, c.optimizerSteps());
        assertEquals(List.of("exp_avg", "exp_avg_sq"), c.optimizerStateNames());
        assertEquals((float) (0.01 * 49), c.optimizerState("exp_avg_sq")[7]);
        assertEquals(List.of("norm.mean", "norm.count", "norm.scale"), c.arrayNames());
        assertEquals(Checkpoint.ArrayType.INT64, c.arrayType("norm.count"));
        assertArrayEquals(new double[] {0.485, 0.456, 0.406}, c.doubleArray("norm.mean"));
        assertArrayEquals(new long[] {123456789012L, -5}, c.longArray("norm.count"));
        assertArrayEquals(new float[] {1.5f}, c.floatArray("norm.scale"));
        assertEquals(expected(), c);
    }

    @Test
    void writerReproducesTheGoldenFileByteForByte() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CheckpointFormat.write(expected(), out);
        assertArrayEquals(golden(), out.toByteArray());
    }
}
