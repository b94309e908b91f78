package dev.pixelflow.simd.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pixelflow.simd.Npy;
import dev.pixelflow.simd.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Goldens from {@code src/test/python/softmax_golden.py}: PyTorch 1.13 {@code cross_entropy} in float64
 * autograd, and the infogain formulas in numpy float64.
 */
class SoftmaxGoldenTest {

    static Stream<String> cases(String kind) throws IOException {
        List<String> out = new ArrayList<>();
        try (InputStream in = SoftmaxGoldenTest.class.getResourceAsStream("/softmax/cases.txt");
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith(kind + " ")) {
                    out.add(line);
                }
            }
        }
        assertTrue(!out.isEmpty());
        return out.stream();
    }

    static Stream<String> ceCases() throws IOException {
        return cases("ce");
    }

    static Stream<String> infogainCases() throws IOException {
        return cases("infogain");
    }

    static Tensor read(String name) throws IOException {
        try (InputStream in = SoftmaxGoldenTest.class.getResourceAsStream("/softmax/" + name + ".npy")) {
            if (in == null) {
                fail("missing golden " + name);
            }
            return Npy.read(in, name);
        }
    }

    static void assertClose(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        for (long i = 0; i < expected.size(); i++) {
            double e = expected.getFlat(i);
            double a = actual.getFlat(i);
            double tol = Math.max(1e-6, 1e-5 * Math.abs(e));
            if (Math.abs(e - a) > tol) {
                fail(what + " at flat " + i + ": expected " + e + " got " + a);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("ceCases")
    void crossEntropyMatchesTorch(String line) throws IOException {
        String[] f = line.split(" ");
        String name = f[1];
        boolean weighted = f[2].equals("1");
        int ignore = Integer.parseInt(f[3]);
        double eps = Double.parseDouble(f[4]);
        Reduction red = Reduction.valueOf(f[5].toUpperCase(Locale.ROOT));
        SoftmaxCrossEntropy.Builder b = SoftmaxCrossEntropy.builder().ignoreIndex(ignore).labelSmoothing(eps)
                .reduction(red);
        if (weighted) {
            try (Tensor w = read(name + "_weights")) {
                b.weights(w.toArray());
            }
        }
        SoftmaxCrossEntropy ce = b.build();
        try (Tensor x = read(name + "_logits"); Tensor y = read(name + "_labels");
                Tensor loss = read(name + "_loss"); Tensor grad = read(name + "_grad");
                Tensor myLoss = ce.loss(x, y); Tensor myGrad = ce.gradient(x, y)) {
            assertClose(loss, myLoss, name + " loss");
            assertClose(grad, myGrad, name + " grad");
            if (red != Reduction.NONE) {
                assertEquals(loss.getFlat(0), ce.value(x, y), Math.max(1e-6, 1e-5 * Math.abs(loss.getFlat(0))));
            }
            if (x.rank() == 4) {
                // The [B,1,H,W] label layout gives the same result.
                int[] s = x.shape();
                Tensor y4 = y.reshape(s[0], 1, s[2], s[3]);
                try (Tensor l4 = ce.loss(x, y4)) {
                    assertArrayEquals(myLoss.toArray(), l4.toArray(), 0f);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("infogainCases")
    void infogainMatchesNumpy(String line) throws IOException {
        String[] f = line.split(" ");
        String name = f[1];
        try (Tensor x = read(name + "_logits"); Tensor y = read(name + "_labels"); Tensor h = read(name + "_h");
                Tensor loss = read(name + "_loss"); Tensor grad = read(name + "_grad")) {
            InfogainLoss.Builder b = InfogainLoss.builder(h).normalization(InfogainNormalization.valueOf(f[3]));
            if (!f[2].equals("none")) {
                b.ignoreLabel(Integer.parseInt(f[2]));
            }
            InfogainLoss ig = b.build();
            try (Tensor myLoss = ig.loss(x, y); Tensor myGrad = ig.gradient(x, y)) {
                assertClose(loss, myLoss, name + " loss");
                assertClose(grad, myGrad, name + " grad");
            }
        }
    }
}
