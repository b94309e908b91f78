package dev.pixelflow.bench;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Guards against the JDK 23+ trap where javac silently skips JMH's annotation processor and the
 * benchmark jar ends up with no benchmarks at all.
 */
class BenchmarkListTest {

    @Test
    void everyBenchmarkClassIsRegisteredWithJmh() throws IOException {
        String list;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("META-INF/BenchmarkList")) {
            assertNotNull(in, "META-INF/BenchmarkList is missing: the JMH annotation processor did not run");
            list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String bench : List.of("GemmBenchmark", "ConvBenchmark", "BceBenchmark", "SoftmaxCrossEntropyBenchmark",
                "NormalizerBenchmark", "MiningBenchmark", "TrainingBenchmark", "CodecBenchmark", "MemoryTrafficBenchmark")) {
            assertTrue(list.contains("dev.pixelflow.bench." + bench), bench + " is not in the JMH benchmark list");
        }
    }
}
