package dev.pixelflow.simd.guide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Activation;
import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.models.DenoisingAutoencoder;
import dev.pixelflow.simd.nn.Model;
import dev.pixelflow.simd.nn.Pass;
import dev.pixelflow.simd.norm.DenoisingNormalization;
import dev.pixelflow.simd.norm.NormScope;
import dev.pixelflow.simd.norm.NormStats;
import dev.pixelflow.simd.norm.Normalizer;
import dev.pixelflow.simd.norm.NormalizerSpec;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** User guide, question 2 (docs/02-normalizing-for-denoising.md): normalizing a denoising autoencoder's data. */
class Q2DenoisingNormalizationTest {
    private static final Ops OPS = Ops.builder().threads(2).build();

    /** A clean gradient image in [0, 1] and the same image with Gaussian noise (sigma 0.1), [1, 1, 16, 16]. */
    private static void cleanAndNoisy(Tensor clean, Tensor noisy) {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 16; i++) {
            for (int j = 0; j < 16; j++) {
                float v = (i + j) / 30f;
                clean.set(v, 0, 0, i, j);
                noisy.set(v + (float) (0.1 * nextGaussian(random)), 0, 0, i, j);
            }
        }
    }

    private static double nextGaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    @Test
    void fitOnTheNoisyInputApplyToBoth() {
        try (Tensor clean = Tensor.zeros(1, 1, 16, 16); Tensor noisy = Tensor.zeros(1, 1, 16, 16);
             Tensor input = Tensor.zeros(1, 1, 16, 16); Tensor target = Tensor.zeros(1, 1, 16, 16);
             Tensor back = Tensor.zeros(1, 1, 16, 16)) {
            cleanAndNoisy(clean, noisy);
            Normalizer zScore = Normalizer.of(NormalizerSpec.zScore(NormScope.PER_IMAGE));

            // statistics of the NOISY image, the same affine map applied to input and target
            NormStats stats = DenoisingNormalization.apply(zScore, noisy, clean, input, target);
            double mean = 0;
            for (float v : noisy.toArray()) {
                mean += v / 256.0;
            }
            assertEquals(mean, stats.shift(0), 1e-5);                  // shift = mean of the noisy image
            assertEquals(0.0, average(input.toArray()), 1e-5);         // the input is exactly centred ...
            assertTrue(min(target.toArray()) < -1.5);                  // ... and the target has negative values

            // predictions go back to pixel units with the same statistics
            zScore.inverse(stats, target, back);
            for (int i = 0; i < 256; i++) {
                assertEquals(clean.getFlat(i), back.getFlat(i), 1e-5f);
            }
        }
    }

    @Test
    void aSigmoidCannotOutputANegativeZScore() {
        try (Tensor clean = Tensor.zeros(1, 1, 16, 16); Tensor noisy = Tensor.zeros(1, 1, 16, 16);
             Tensor input = Tensor.zeros(1, 1, 16, 16); Tensor target = Tensor.zeros(1, 1, 16, 16)) {
            cleanAndNoisy(clean, noisy);
            DenoisingNormalization.apply(Normalizer.of(NormalizerSpec.zScore(NormScope.PER_IMAGE)), noisy, clean,
                    input, target);
            // a sigmoid output s is in (0, 1), so the best it can do on a target t < 0 is s -> 0:
            // the mean squared error never falls below mean(min(t, 0)^2), however long it trains
            double floor = 0;
            for (float t : target.toArray()) {
                floor += t < 0 ? (double) t * t / 256 : 0;
            }
            assertTrue(floor > 0.3, "MSE floor with a sigmoid output: " + floor);
            // the identity output (DenoisingAutoencoder's default) produces negative values; a sigmoid never does
            try (Model identity = Model.create(DenoisingAutoencoder.builder().channels(1).width(4).build(), 1);
                 Model sigmoid = Model.create(DenoisingAutoencoder.builder().channels(1).width(4)
                         .output(Activation.SIGMOID).build(), 1);
                 Pass a = identity.newPass(OPS); Pass b = sigmoid.newPass(OPS)) {
                assertTrue(min(a.predict(input).toArray()) < 0);
                assertTrue(min(b.predict(input).toArray()) > 0);
            }
        }
    }

    @Test
    void oneHotPixelSquashesMinMaxButNotTheQuantiles() {
        try (Tensor clean = Tensor.zeros(1, 1, 16, 16); Tensor noisy = Tensor.zeros(1, 1, 16, 16);
             Tensor minMaxOut = Tensor.zeros(1, 1, 16, 16); Tensor quantileOut = Tensor.zeros(1, 1, 16, 16)) {
            cleanAndNoisy(clean, noisy);
            noisy.set(50f, 0, 0, 3, 3);                            // one saturated sensor pixel
            Normalizer.of(NormalizerSpec.minMax(NormScope.PER_IMAGE)).apply(noisy, minMaxOut);
            Normalizer.of(NormalizerSpec.quantile(NormScope.PER_IMAGE)).apply(noisy, quantileOut);
            // min-max: the other 255 pixels are squeezed into about 2% of [0, 1]
            assertTrue(spreadWithout(minMaxOut, 3 * 16 + 3) < 0.03);
            // 5%/95% quantiles: the other pixels keep a spread of about 1.2 (the outlier lands far above 1)
            assertTrue(spreadWithout(quantileOut, 3 * 16 + 3) > 1.0);
        }
    }

    private static double spreadWithout(Tensor t, int skip) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < t.size(); i++) {
            if (i != skip) {
                lo = Math.min(lo, t.getFlat(i));
                hi = Math.max(hi, t.getFlat(i));
            }
        }
        return hi - lo;
    }

    private static double average(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double min(float[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (float x : v) {
            m = Math.min(m, x);
        }
        return m;
    }
}
