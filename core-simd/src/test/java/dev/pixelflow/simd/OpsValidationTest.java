package dev.pixelflow.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The facade's argument checks that are common to every op: freed tensors, overlap, specs, shape helpers. */
class OpsValidationTest {
    private final Ops ops = Ops.defaults();

    @Test
    void freedTensorsAreRejectedBeforeAnyKernelRuns() {
        Tensor a = Tensor.zeros(4);
        Tensor b = Tensor.zeros(4);
        a.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ops.add(a, b, b));
        assertTrue(e.getMessage().contains("[4]") && e.getMessage().contains("freed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> ops.sum(a));
        Tensor x = Tensor.zeros(1, 1, 4, 4);
        Tensor w = Tensor.zeros(1, 1, 3, 3);
        Tensor y = Tensor.zeros(1, 1, 2, 2);
        w.close();
        assertThrows(IllegalStateException.class, () -> ops.conv2d(x, w, null, Conv2dSpec.DEFAULT, y));
        x.close();
        y.close();
        b.close();
    }

    @Test
    void outputsMustNotOverlapInputs() {
        try (Tensor t = Tensor.zeros(2, 8, 8)) {
            Tensor x = t.slice(0, 1).reshape(1, 1, 8, 8);
            Tensor y = t.reshape(2, 64).slice(0, 1).reshape(1, 1, 8, 8);
            Tensor w = Tensor.zeros(1, 1, 1, 1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ops.conv2d(x, w, null, Conv2dSpec.DEFAULT, y));
            assertTrue(e.getMessage().contains("must not share memory"), e.getMessage());
            Tensor flat = t.reshape(128);
            Tensor a = flat.slice(0, 16);
            Tensor b = flat.slice(4, 20);
            IllegalArgumentException p = assertThrows(IllegalArgumentException.class, () -> ops.scale(a, 2f, b));
            assertTrue(p.getMessage().contains("partially overlap"), p.getMessage());
            w.close();
        }
    }

    @Test
    void specsRejectImpossibleValues() {
        assertThrows(IllegalArgumentException.class, () -> Conv2dSpec.of(0, 1));
        assertThrows(IllegalArgumentException.class, () -> Conv2dSpec.of(1, -1));
        assertThrows(IllegalArgumentException.class, () -> Conv2dSpec.builder().groups(0).build());
        assertThrows(IllegalArgumentException.class, () -> Conv2dSpec.builder().dilation(0).build());
        IllegalArgumentException op = assertThrows(IllegalArgumentException.class,
                () -> Conv2dSpec.builder().stride(2).outputPadding(2).build());
        assertTrue(op.getMessage().contains("output padding"), op.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Pool2dSpec.of(0));
        IllegalArgumentException pad = assertThrows(IllegalArgumentException.class, () -> Pool2dSpec.of(2, 2, 2));
        assertTrue(pad.getMessage().contains("half the kernel"), pad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Activation.leakyRelu(Float.NaN));
    }

    @Test
    void shapeHelpersFollowThePyTorchFormulas() {
        assertArrayEquals(new int[] {16, 32, 128, 128},
                Ops.conv2dOutputShape(new int[] {16, 3, 128, 128}, new int[] {32, 3, 3, 3}, Conv2dSpec.of(1, 1)));
        assertArrayEquals(new int[] {2, 8, 5, 3}, Ops.conv2dOutputShape(new int[] {2, 4, 9, 7},
                new int[] {8, 2, 3, 3}, Conv2dSpec.builder().stride(2).padding(1, 0).groups(2).build()));
        // (h-1)*s - 2p + d(k-1) + op + 1 = 4*2 - 2 + 2 + 1 + 1
        assertArrayEquals(new int[] {1, 6, 10, 10}, Ops.convTranspose2dOutputShape(new int[] {1, 4, 5, 5},
                new int[] {4, 3, 3, 3}, Conv2dSpec.builder().stride(2).padding(1).groups(2).outputPadding(1).build()));
        assertArrayEquals(new int[] {1, 3, 3, 4}, Ops.pool2dOutputShape(new int[] {1, 3, 7, 9}, Pool2dSpec.of(2)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ops.conv2dOutputShape(new int[] {1, 3, 2, 2}, new int[] {4, 3, 5, 5}, Conv2dSpec.DEFAULT));
        assertTrue(e.getMessage().contains("smaller than the dilated kernel"), e.getMessage());
        IllegalArgumentException ch = assertThrows(IllegalArgumentException.class,
                () -> Ops.conv2dOutputShape(new int[] {1, 3, 8, 8}, new int[] {4, 2, 3, 3}, Conv2dSpec.DEFAULT));
        assertTrue(ch.getMessage().contains("[1, 3, 8, 8]") && ch.getMessage().contains("[4, 2, 3, 3]"), ch.getMessage());
    }

    @Test
    void threadsPropertyIsValidated() {
        String old = System.getProperty("pixelflow.threads");
        try {
            System.setProperty("pixelflow.threads", "zero");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Ops::defaultThreads);
            assertTrue(e.getMessage().contains("pixelflow.threads"), e.getMessage());
            System.setProperty("pixelflow.threads", "3");
            assertTrue(Ops.defaultThreads() == 3);
        } finally {
            if (old == null) {
                System.clearProperty("pixelflow.threads");
            } else {
                System.setProperty("pixelflow.threads", old);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Ops.builder().threads(0));
    }
}
