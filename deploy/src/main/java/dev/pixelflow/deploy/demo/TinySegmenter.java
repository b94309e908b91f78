package dev.pixelflow.deploy.demo;

import dev.pixelflow.simd.Activation;
import dev.pixelflow.simd.Conv2dSpec;
import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.Workspace;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A three-layer fully convolutional segmenter written directly on the kernels: conv 3x3 (1 to {@code width})
 * + ReLU, conv 3x3 ({@code width} to {@code width}) + ReLU, conv 1x1 to one logit per pixel; per-pixel
 * binary cross-entropy with logits averaged over all pixels; SGD with momentum.
 *
 * <p>Activations live in a {@link Workspace} that is reset every step, so after the first step a training
 * step allocates no native memory. Parameters, gradients and momentum are owned tensors freed by
 * {@link #close()}.
 */
public final class TinySegmenter implements AutoCloseable {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final Conv2dSpec SAME_3X3 = Conv2dSpec.of(1, 1);

    private final Ops ops;
    private final int width;
    private final Tensor w1, b1, w2, b2, w3, b3;
    private final Tensor gw1, gb1, gw2, gb2, gw3, gb3;
    private final List<Tensor> params = new ArrayList<>();
    private final List<Tensor> grads = new ArrayList<>();
    private final List<Tensor> velocity = new ArrayList<>();
    private final Workspace ws = new Workspace();

    /** Result of one training step. */
    public record StepResult(float loss, float objectIoU, float pixelAccuracy) {
    }

    public TinySegmenter(Ops ops, int width, long seed) {
        if (width < 1) {
            throw new IllegalArgumentException("width must be >= 1, got " + width);
        }
        this.ops = ops;
        this.width = width;
        SplittableRandom r = new SplittableRandom(seed);
        w1 = param(he(r, width, 1, 3, 3));
        b1 = param(Tensor.zeros(width));
        w2 = param(he(r, width, width, 3, 3));
        b2 = param(Tensor.zeros(width));
        w3 = param(he(r, 1, width, 1, 1));
        b3 = param(Tensor.zeros(1));
        gw1 = grad(w1);
        gb1 = grad(b1);
        gw2 = grad(w2);
        gb2 = grad(b2);
        gw3 = grad(w3);
        gb3 = grad(b3);
    }

    /**
     * One SGD step on frames {@code x [b, 1, h, w]} with 0/1 masks {@code y [b, 1, h, w]}; returns the mean
     * loss and the object IoU / pixel accuracy of the predictions made before the update.
     */
    public StepResult trainStep(Tensor x, Tensor y, float learningRate, float momentum) {
        int b = x.dim(0);
        int h = x.dim(2);
        int w = x.dim(3);
        if (!x.hasShape(b, 1, h, w) || !y.hasShape(b, 1, h, w)) {
            throw new IllegalArgumentException("frames and masks must both be [b, 1, h, w]; got " + x.shapeString()
                    + " and " + y.shapeString());
        }
        ws.reset();
        Tensor a1 = ws.take(b, width, h, w);
        Tensor r1 = ws.take(b, width, h, w);
        Tensor a2 = ws.take(b, width, h, w);
        Tensor r2 = ws.take(b, width, h, w);
        Tensor z = ws.take(b, 1, h, w);
        Tensor dz = ws.take(b, 1, h, w);
        Tensor dr = ws.take(b, width, h, w);
        Tensor da = ws.take(b, width, h, w);

        ops.conv2d(x, w1, b1, SAME_3X3, a1);
        ops.activation(Activation.RELU, a1, r1);
        ops.conv2d(r1, w2, b2, SAME_3X3, a2);
        ops.activation(Activation.RELU, a2, r2);
        ops.conv2d(r2, w3, b3, Conv2dSpec.DEFAULT, z);

        StepResult result = lossAndGradient(z, y, dz);

        ops.conv2dBackwardWeight(r2, dz, Conv2dSpec.DEFAULT, gw3);
        ops.conv2dBackwardBias(dz, gb3);
        ops.conv2dBackwardData(dz, w3, Conv2dSpec.DEFAULT, dr);
        ops.activationBackward(Activation.RELU, a2, r2, dr, da);
        ops.conv2dBackwardWeight(r1, da, SAME_3X3, gw2);
        ops.conv2dBackwardBias(da, gb2);
        ops.conv2dBackwardData(da, w2, SAME_3X3, dr);
        ops.activationBackward(Activation.RELU, a1, r1, dr, da);
        ops.conv2dBackwardWeight(x, da, SAME_3X3, gw1);
        ops.conv2dBackwardBias(da, gb1);

        for (int i = 0; i < params.size(); i++) {
            Tensor v = velocity.get(i);
            ops.scale(v, momentum, v);
            ops.axpy(1f, grads.get(i), v);
            ops.axpy(-learningRate, v, params.get(i));
        }
        return result;
    }

    /** Number of trainable parameters. */
    public long parameterCount() {
        return params.stream().mapToLong(Tensor::size).sum();
    }

    /** Native memory reserved for activations (constant once training is in its steady state). */
    public Workspace workspace() {
        return ws;
    }

    @Override
    public void close() {
        ws.close();
        params.forEach(Tensor::close);
        grads.forEach(Tensor::close);
        velocity.forEach(Tensor::close);
    }

    /**
     * Mean binary cross-entropy with logits over all pixels, in the stable form
     * max(z, 0) - z*y + log(1 + exp(-|z|)); its gradient (sigmoid(z) - y) / N goes to dz.
     */
    private static StepResult lossAndGradient(Tensor z, Tensor y, Tensor dz) {
        MemorySegment zs = z.segment();
        MemorySegment ys = y.segment();
        MemorySegment ds = dz.segment();
        long n = z.size();
        double loss = 0;
        long tp = 0, fp = 0, fn = 0, correct = 0;
        for (long i = 0; i < n; i++) {
            float zi = zs.getAtIndex(F, i);
            float yi = ys.getAtIndex(F, i);
            loss += Math.max(zi, 0f) - zi * yi + Math.log1p(Math.exp(-Math.abs(zi)));
            double s = zi >= 0 ? 1 / (1 + Math.exp(-zi)) : Math.exp(zi) / (1 + Math.exp(zi));
            ds.setAtIndex(F, i, (float) ((s - yi) / n));
            boolean predicted = zi > 0;
            boolean actual = yi > 0.5f;
            if (predicted && actual) {
                tp++;
            } else if (predicted) {
                fp++;
            } else if (actual) {
                fn++;
            }
            if (predicted == actual) {
                correct++;
            }
        }
        float iou = tp + fp + fn == 0 ? Float.NaN : (float) tp / (tp + fp + fn);
        return new StepResult((float) (loss / n), iou, (float) correct / n);
    }

    private Tensor param(Tensor t) {
        params.add(t);
        velocity.add(Tensor.zeros(t.shape()));
        return t;
    }

    private Tensor grad(Tensor like) {
        Tensor g = Tensor.zeros(like.shape());
        grads.add(g);
        return g;
    }

    /** He-normal initialisation for a ReLU network: std = sqrt(2 / fan_in). */
    private static Tensor he(SplittableRandom r, int out, int in, int kh, int kw) {
        Tensor t = Tensor.zeros(out, in, kh, kw);
        double std = Math.sqrt(2.0 / (in * kh * kw));
        for (long i = 0; i < t.size(); i++) {
            t.setFlat(i, (float) (r.nextGaussian() * std));
        }
        return t;
    }
}
