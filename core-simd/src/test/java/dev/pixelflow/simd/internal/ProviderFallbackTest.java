package dev.pixelflow.simd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Starts real JVMs with and without the Vector API module and checks what the provider picks and logs. */
class ProviderFallbackTest {

    /** Entry point of the child JVM: runs one op and prints the provider. */
    public static void main(String[] args) {
        try (Tensor a = Tensor.of(new float[] {1, 2, 3}, 3); Tensor b = Tensor.of(new float[] {4, 5, 6}, 3)) {
            System.out.println("dot=" + Ops.defaults().dot(a, b));
        }
        System.out.println("kernels=" + Ops.defaults().description());
    }

    @Test
    void withoutTheModuleItFallsBackToScalarWithAWarning() throws Exception {
        String out = runChild(List.of());
        assertTrue(out.contains("kernels=scalar reference kernels"), out);
        assertTrue(out.contains("WARNING") && out.contains("jdk.incubator.vector is not available"), out);
        assertTrue(out.contains("dot=32.0"), out);
    }

    @Test
    void theSystemPropertyForcesScalar() throws Exception {
        String out = runChild(List.of("--add-modules", "jdk.incubator.vector", "-Dpixelflow.simd=scalar"));
        assertTrue(out.contains("kernels=scalar reference kernels"), out);
        assertTrue(out.contains("pixelflow.simd=scalar"), "the choice is logged: " + out);
    }

    @Test
    void withTheModuleTheVectorKernelsAreChosenAndLogged() throws Exception {
        String out = runChild(List.of("--add-modules", "jdk.incubator.vector"));
        assertTrue(out.contains("kernels=Vector API kernels"), out);
        assertTrue(out.contains("pixelflow kernels: Vector API kernels") && out.contains("lanes"), out);
    }

    @Test
    void aBadPropertyValueIsAClearError() throws Exception {
        String out = runChild(List.of("-Dpixelflow.simd=avx9000"));
        assertTrue(out.contains("pixelflow.simd must be auto, vector or scalar; got 'avx9000'"), out);
    }

    private static String runChild(List<String> jvmArgs) throws IOException, InterruptedException {
        String javaBin = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin);
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add("target/classes" + java.io.File.pathSeparator + "target/test-classes");
        cmd.add(ProviderFallbackTest.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish: " + out);
        if (!out.contains("must be auto")) {
            assertEquals(0, p.exitValue(), out);
        }
        return out;
    }
}
