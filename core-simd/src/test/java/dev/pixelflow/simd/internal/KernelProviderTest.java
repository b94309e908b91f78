package dev.pixelflow.simd.internal;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Ops;
import org.junit.jupiter.api.Test;

class KernelProviderTest {

    @Test
    void vectorKernelsAreChosenWhenTheModuleIsPresent() {
        assertTrue(KernelProvider.vectorAvailable(), "tests run with --add-modules jdk.incubator.vector");
        assertSame(KernelProvider.vector(), KernelProvider.get());
        String d = KernelProvider.get().description();
        assertTrue(d.contains("Vector API") && d.contains("lanes") && d.contains("FMA"), d);
    }

    @Test
    void providersCanBeForced() {
        try (Ops scalar = Ops.builder().provider(Ops.Provider.SCALAR).threads(1).build();
             Ops vector = Ops.builder().provider(Ops.Provider.VECTOR).threads(2).build()) {
            assertTrue(scalar.description().contains("scalar"), scalar.description());
            assertTrue(vector.description().contains("Vector API"), vector.description());
            assertNotSame(scalar.description(), vector.description());
            assertTrue(vector.threads() == 2);
        }
    }

    @Test
    void onlyTheVectorPackageImportsTheIncubatorModule() throws Exception {
        java.nio.file.Path src = java.nio.file.Path.of("src/main/java");
        try (var files = java.nio.file.Files.walk(src)) {
            var offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.toString().contains("internal/vector/".replace('/', java.io.File.separatorChar)))
                    .filter(p -> {
                        try {
                            return java.nio.file.Files.readString(p).contains("import jdk.incubator.vector");
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .toList();
            assertTrue(offenders.isEmpty(), "incubator imports outside internal.vector: " + offenders);
        }
    }
}
