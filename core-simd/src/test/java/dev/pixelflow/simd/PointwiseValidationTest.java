package dev.pixelflow.simd;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The facade rejects bad arguments to the pointwise, reduction, distance, pooling and resize ops. */
class PointwiseValidationTest {
    static final Ops OPS = Ops.builder().provider(Ops.Provider.VECTOR).threads(2).build();

    @AfterAll
    static void close() {
        OPS.close();
    }

    private static void rejects(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should mention '" + f + "'");
        }
    }

    /** Two views of one block of 20 floats: floats [0, 10) and [3, 13). */
    private static Tensor[] overlapping(Arena arena) {
        MemorySegment block = arena.allocate(20 * Float.BYTES, 64);
        return new Tensor[] {Tensor.wrap(block, 10), Tensor.wrap(block.asSlice(3 * Float.BYTES), 10)};
    }

    @Test
    void elementwiseOps() {
        try (Arena arena = Arena.ofShared()) {
            Tensor a = Tensor.wrap(arena.allocate(7 * 4, 64), 7);
            Tensor b = Tensor.wrap(arena.allocate(8 * 4, 64), 2, 4);
            Tensor out = Tensor.wrap(arena.allocate(7 * 4, 64), 7);
            rejects(() -> OPS.add(a, b, out), "add", "[7]", "[2, 4]", "differ in size");
            rejects(() -> OPS.sub(a, a, b), "sub", "differ in size");
            rejects(() -> OPS.mul(b, a, out), "mul", "differ in size");
            rejects(() -> OPS.scale(a, 2f, b), "scale", "differ in size");
            rejects(() -> OPS.axpy(2f, a, b), "axpy", "differ in size");
            rejects(() -> OPS.dot(a, b), "dot", "differ in size");
            rejects(() -> OPS.activation(Activation.RELU, a, b), "activation", "differ in size");
            rejects(() -> OPS.activationBackward(Activation.RELU, a, a, a, b), "activationBackward", "differ in size");
            rejects(() -> OPS.add(a, null, out), "null");

            Tensor[] v = overlapping(arena);
            Tensor c = Tensor.wrap(arena.allocate(10 * 4, 64), 10);
            rejects(() -> OPS.add(v[0], c, v[1]), "add", "partially overlap");
            rejects(() -> OPS.sub(c, v[0], v[1]), "sub", "partially overlap");
            rejects(() -> OPS.scale(v[0], 2f, v[1]), "scale", "partially overlap");
            rejects(() -> OPS.axpy(2f, v[0], v[1]), "axpy", "partially overlap");
            rejects(() -> OPS.activation(Activation.SIGMOID, v[0], v[1]), "activation", "partially overlap");
            rejects(() -> OPS.activationBackward(Activation.TANH, c, c, v[0], v[1]), "partially overlap");
            rejects(() -> OPS.activationBackward(Activation.TANH, v[0], c, c, v[1]), "dx", "must not share memory");
        }
    }

    @Test
    void reductionsAndBias() {
        try (Arena arena = Arena.ofShared()) {
            Tensor empty = Tensor.wrap(arena.allocate(4, 64), 0);
            rejects(() -> OPS.max(empty), "max", "empty");
            rejects(() -> OPS.min(empty), "min", "empty");
            rejects(() -> OPS.mean(empty), "mean", "empty");
            Tensor x = Tensor.wrap(arena.allocate(24 * 4, 64), 2, 3, 4);
            Tensor bias = Tensor.wrap(arena.allocate(4 * 4, 64), 4);
            rejects(() -> OPS.addChannelBias(x, bias), "addChannelBias bias", "[3]", "[4]");
            rejects(() -> OPS.addChannelBias(bias, bias), "rank >= 2");
        }
    }

    @Test
    void pairwiseDistances() {
        try (Arena arena = Arena.ofShared()) {
            Tensor x = Tensor.wrap(arena.allocate(12 * 4, 64), 3, 4);
            Tensor y = Tensor.wrap(arena.allocate(10 * 4, 64), 2, 5);
            Tensor y4 = Tensor.wrap(arena.allocate(8 * 4, 64), 2, 4);
            Tensor out = Tensor.wrap(arena.allocate(6 * 4, 64), 3, 2);
            rejects(() -> OPS.pairwiseSquaredDistances(x, y, out), "[3, 4]", "[2, 5]", "dimension 1");
            rejects(() -> OPS.pairwiseSquaredDistances(x, y4, Tensor.wrap(arena.allocate(24, 64), 2, 3)),
                    "out must be [3, 2]", "got [2, 3]");
            rejects(() -> OPS.pairwiseSquaredDistances(x.reshape(12), y4, out), "rank 2");
            Tensor xAndOut = Tensor.wrap(arena.allocate(12 * 4, 64), 3, 4);
            rejects(() -> OPS.pairwiseSquaredDistances(xAndOut, y4, Tensor.wrap(xAndOut.segment(), 3, 2)),
                    "must not share memory");
        }
    }

    @Test
    void pooling() {
        try (Arena arena = Arena.ofShared()) {
            Tensor x = Tensor.wrap(arena.allocate(2 * 3 * 5 * 6 * 4, 64), 2, 3, 5, 6);
            Tensor y = Tensor.wrap(arena.allocate(2 * 3 * 2 * 3 * 4, 64), 2, 3, 2, 3);
            Tensor small = Tensor.wrap(arena.allocate(2 * 2 * 4, 64), 1, 1, 2, 2);
            Tensor one = Tensor.wrap(arena.allocate(4, 64), 1, 1, 1, 1);
            rejects(() -> OPS.maxPool2d(small, Pool2dSpec.of(3), one), "maxPool2d", "[1, 1, 2, 2]",
                    "smaller than the window");
            rejects(() -> OPS.avgPool2d(small, Pool2dSpec.of(3, 2, 0), one), "avgPool2d", "smaller than the window");
            rejects(() -> OPS.maxPool2d(x, Pool2dSpec.of(3), y), "maxPool2d output y", "[2, 3, 1, 2]", "[2, 3, 2, 3]");
            rejects(() -> OPS.maxPool2d(x.reshape(6, 5, 6), Pool2dSpec.of(2), y), "[n, c, h, w]");
            rejects(() -> OPS.maxPool2d(x, null, y), "spec is null");
            Tensor dxWrong = Tensor.wrap(arena.allocate(2 * 3 * 4 * 6 * 4, 64), 2, 3, 4, 6);
            rejects(() -> OPS.maxPool2dBackward(x, y, Pool2dSpec.of(2), dxWrong), "maxPool2dBackward dx",
                    "[2, 3, 5, 6]", "[2, 3, 4, 6]");
            rejects(() -> OPS.maxPool2dBackward(x, x, Pool2dSpec.of(2), x), "maxPool2dBackward dy");
            rejects(() -> OPS.avgPool2dBackward(x, Pool2dSpec.of(2), x), "avgPool2dBackward dy");
            rejects(() -> OPS.avgPool2d(x, Pool2dSpec.of(2).withDilation(2), y), "dilation");
            rejects(() -> Pool2dSpec.of(3, 1, 2), "padding", "at most half the kernel");
            rejects(() -> Pool2dSpec.of(0), "kernel");
            // output sharing memory with the input
            Tensor alias = Tensor.wrap(x.segment(), 2, 3, 2, 3);
            rejects(() -> OPS.maxPool2d(x, Pool2dSpec.of(2), alias), "must not share memory");
            rejects(() -> OPS.avgPool2d(x, Pool2dSpec.of(2), alias), "must not share memory");
        }
    }

    @Test
    void bilinear() {
        try (Arena arena = Arena.ofShared()) {
            Tensor x = Tensor.wrap(arena.allocate(2 * 3 * 4 * 4 * 4, 64), 2, 3, 4, 4);
            Tensor y = Tensor.wrap(arena.allocate(2 * 2 * 8 * 8 * 4, 64), 2, 2, 8, 8);
            rejects(() -> OPS.upsampleBilinear(x, y), "upsampleBilinear", "[2, 3, 4, 4]", "[2, 2, 8, 8]",
                    "batch or channels");
            rejects(() -> OPS.upsampleBilinear(x.reshape(6, 4, 4), y), "upsampleBilinear input", "rank 4");
            Tensor empty = Tensor.wrap(arena.allocate(4, 64), 2, 3, 0, 4);
            rejects(() -> OPS.upsampleBilinear(x, empty), "empty image");
            rejects(() -> OPS.upsampleBilinearBackward(y, x), "upsampleBilinearBackward", "batch or channels");
            Tensor big = Tensor.wrap(arena.allocate(2 * 3 * 8 * 8 * 4, 64), 2, 3, 8, 8);
            rejects(() -> OPS.upsampleBilinear(big, Tensor.wrap(big.segment(), 2, 3, 4, 4)), "must not share memory");
        }
    }
}
