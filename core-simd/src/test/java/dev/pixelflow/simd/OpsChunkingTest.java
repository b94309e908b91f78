package dev.pixelflow.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Large elementwise ops split over the compute threads give exactly what one thread gives. */
class OpsChunkingTest {
    private static Tensor random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor t = Tensor.zeros(n);
        for (int i = 0; i < n; i++) {
            t.setFlat(i, (float) (r.nextDouble() * 4 - 2));
        }
        return t;
    }

    @Test
    void splitElementwiseOpsEqualTheSingleThreadResult() {
        int n = 200_003; // several chunks and a ragged tail
        try (Ops one = Ops.builder().threads(1).build(); Ops two = Ops.builder().threads(2).build();
             Tensor x = random(1, n); Tensor dy = random(2, n);
             Tensor y1 = Tensor.zeros(n); Tensor y2 = Tensor.zeros(n); Tensor d1 = Tensor.zeros(n);
             Tensor d2 = Tensor.zeros(n)) {
            for (Activation f : new Activation[] {Activation.RELU, Activation.TANH, Activation.SIGMOID,
                Activation.leakyRelu(0.1f)}) {
                // tanh and sigmoid use the vector exp, which may round by an ulp differently while a thread still
                // runs uncompiled code; the others are exact arithmetic and must match bit for bit.
                float tol = f.kind() == Activation.Kind.TANH || f.kind() == Activation.Kind.SIGMOID ? 1e-6f : 0f;
                one.activation(f, x, y1);
                two.activation(f, x, y2);
                assertArrayEquals(y1.toArray(), y2.toArray(), tol, f + " forward");
                one.activationBackward(f, x, y1, dy, d1);
                two.activationBackward(f, x, y2, dy, d2);
                assertArrayEquals(d1.toArray(), d2.toArray(), tol, f + " backward");
            }
            one.add(x, dy, y1);
            two.add(x, dy, y2);
            assertArrayEquals(y1.toArray(), y2.toArray(), "add");
            one.axpy(0.5f, x, y1);
            two.axpy(0.5f, x, y2);
            assertArrayEquals(y1.toArray(), y2.toArray(), "axpy");
            y1.copyFrom(x);
            two.activation(Activation.RELU, y1, y1); // in place
            one.activation(Activation.RELU, x, y2);
            assertArrayEquals(y2.toArray(), y1.toArray(), "in place");
        }
    }
}
