package dev.pixelflow.streams;

import dev.pixelflow.connectors.Frame;
import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.checkpoint.Checkpoint;
import dev.pixelflow.simd.loss.BinaryCrossEntropy;
import dev.pixelflow.simd.loss.ClassWeightEstimator;
import dev.pixelflow.simd.loss.ClassWeightRule;
import dev.pixelflow.simd.models.FcnSegmenter;
import dev.pixelflow.simd.nn.Model;
import dev.pixelflow.simd.nn.ModelSnapshot;
import dev.pixelflow.simd.optim.Adam;
import dev.pixelflow.simd.optim.Optimizer;
import dev.pixelflow.simd.train.Objectives;
import dev.pixelflow.simd.train.StepResult;
import dev.pixelflow.simd.train.Trainer;
import dev.pixelflow.streams.internal.FrameBatch;
import dev.pixelflow.streams.internal.InputStatistics;
import dev.pixelflow.simd.norm.NormStats;
import dev.pixelflow.streams.internal.ModelParameters;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The online segmenter: an {@link FcnSegmenter} (U-Net, one output channel of object logits) trained with
 * per-pixel binary cross-entropy, Adam and gradient clipping. Class imbalance: the object class's
 * {@code pos_weight} is the median-frequency weight ratio (capped) estimated from the masks of the first
 * training batch, then kept (and saved in checkpoints as metadata {@value #POS_WEIGHT}), so that the loss
 * does not change under the optimizer's feet.
 *
 * <p>Input: frames of {@code [C, H, W]} with a mask; a mask pixel {@code > 0} is an object.
 */
public final class SegmentationModel implements OnlineModel {
    /** Checkpoint metadata key of the pos_weight in use. */
    public static final String POS_WEIGHT = "pos-weight";

    private final PipelineSettings.Segmentation settings;
    private final Ops ops;
    private final Model model;
    private final Optimizer optimizer;
    private final FrameBatch batch;
    private final @Nullable InputStatistics statistics;
    private @Nullable Trainer<Tensor> trainer;
    private float posWeight = Float.NaN;

    public SegmentationModel(PipelineSettings s, Ops ops, long seed) {
        this.settings = s.segmentation();
        this.ops = ops;
        this.model = Model.create(architecture(s), seed);
        this.optimizer = Adam.builder().build();
        this.statistics = s.normalization() == PipelineSettings.Normalization.ONLINE_ZSCORE
                ? new InputStatistics(s.channels()) : null;
        this.batch = new FrameBatch(settings.batchSize(), s.channels(), s.height(), s.width(), s.normalization());
    }

    /** The network for these settings (inference builds the same one around a snapshot). */
    static FcnSegmenter architecture(PipelineSettings s) {
        return FcnSegmenter.builder().inChannels(s.channels()).classes(1).width(s.segmentation().width())
                .depth(s.segmentation().depth()).build();
    }

    @Override
    public String name() {
        return "segmentation";
    }

    /** The object class's pos_weight in use (NaN before the first batch or restore). */
    public float posWeight() {
        return posWeight;
    }

    @Override
    public StepResult train(List<Frame> frames) {
        Tensor x = batch.inputs(frames);
        if (statistics != null) {
            x = batch.normalized(x, statistics.update(x));
        }
        Tensor y = batch.binaryMasks(frames);
        if (trainer == null) {
            ClassWeightEstimator estimator = ClassWeightEstimator.cumulative(2).add(y);
            var w = estimator.weights(ClassWeightRule.MEDIAN_FREQUENCY, (float) settings.classWeightCap());
            startTrainer(w.weight(1) / w.weight(0));
        }
        return trainer.step(x, y);
    }

    private void startTrainer(float pos) {
        posWeight = pos;
        trainer = Trainer.builder(model, Objectives.binarySegmentation(
                        BinaryCrossEntropy.builder().posWeight(new float[] {pos}).build()), optimizer)
                .ops(ops).learningRate(settings.learningRate()).clipGradientNorm(settings.clipGradientNorm())
                .build();
    }

    @Override
    public Map<String, Double> gauges() {
        return Float.isNaN(posWeight) ? Map.of() : Map.of("pos-weight", (double) posWeight);
    }

    @Override
    public @Nullable NormStats inputStats() {
        return statistics == null ? null : statistics.current();
    }

    @Override
    public long steps() {
        return trainer == null ? 0 : trainer.steps();
    }

    @Override
    public float[] parameters() {
        return ModelParameters.copy(model);
    }

    @Override
    public void loadParameters(float[] values) {
        ModelParameters.load(name(), model, values);
    }

    @Override
    public ModelSnapshot snapshot() {
        return model.snapshot(optimizer.steps());
    }

    @Override
    public Checkpoint checkpoint(Map<String, String> metadata) {
        Map<String, String> m = new LinkedHashMap<>(metadata);
        m.put(POS_WEIGHT, Float.toString(posWeight));
        Checkpoint.Builder b = (trainer == null ? Checkpoint.builder(0).model(model).optimizer(optimizer)
                : trainer.checkpointBuilder()).metadata(m);
        return (statistics == null ? b : statistics.saveTo(b)).build();
    }

    @Override
    public void restore(Checkpoint checkpoint) {
        String pos = checkpoint.metadata().get(POS_WEIGHT);
        float w = pos == null ? Float.NaN : Float.parseFloat(pos);
        if (!(w > 0)) {
            throw new IllegalArgumentException("segmentation checkpoint without a valid " + POS_WEIGHT + ": " + pos);
        }
        startTrainer(w);
        trainer.restore(checkpoint);
        if (statistics != null) {
            statistics.restoreFrom(checkpoint);
        }
    }

    @Override
    public void close() {
        if (trainer != null) {
            trainer.close();
        }
        batch.close();
        optimizer.close();
        model.close();
    }
}
