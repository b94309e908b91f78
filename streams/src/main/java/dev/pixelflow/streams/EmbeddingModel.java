package dev.pixelflow.streams;

import dev.pixelflow.connectors.Frame;
import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.checkpoint.Checkpoint;
import dev.pixelflow.simd.mining.BatchHardTripletLoss;
import dev.pixelflow.simd.models.EmbeddingNet;
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
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The online embedder: an {@link EmbeddingNet} (convolution stages, global average pooling, a dense layer,
 * L2-normalized output of {@code dimension} values) trained with batch-hard triplet loss (FaceNet mining inside
 * each P x K batch; Euclidean distance, hard margin) and Adam.
 *
 * <p>Input: frames of {@code [C, H, W]} with an identity label, in P x K batches from {@link PkSampler}.
 */
public final class EmbeddingModel implements OnlineModel {
    private final Model model;
    private final Optimizer optimizer;
    private final FrameBatch batch;
    private final @Nullable InputStatistics statistics;
    private final Trainer<int[]> trainer;
    private final int[] labels;

    public EmbeddingModel(PipelineSettings s, Ops ops, long seed) {
        PipelineSettings.Embedding e = s.embedding();
        this.model = Model.create(architecture(s), seed);
        this.optimizer = Adam.builder().build();
        int maxBatch = e.identitiesPerBatch() * e.framesPerIdentity();
        this.statistics = s.normalization() == PipelineSettings.Normalization.ONLINE_ZSCORE
                ? new InputStatistics(s.channels()) : null;
        this.batch = new FrameBatch(maxBatch, s.channels(), s.height(), s.width(), s.normalization());
        this.labels = new int[maxBatch];
        this.trainer = Trainer.builder(model, Objectives.triplet(BatchHardTripletLoss.builder().margin(e.margin())
                        .build()), optimizer)
                .ops(ops).learningRate(e.learningRate()).clipGradientNorm(e.clipGradientNorm()).build();
    }

    /** The network for these settings (inference builds the same one around a snapshot). */
    static EmbeddingNet architecture(PipelineSettings s) {
        return EmbeddingNet.builder().inChannels(s.channels())
                .widths(s.embedding().widths().stream().mapToInt(Integer::intValue).toArray())
                .dimension(s.embedding().dimension()).normalize(true).build();
    }

    @Override
    public String name() {
        return "embedding";
    }

    @Override
    public StepResult train(List<Frame> frames) {
        Tensor x = batch.inputs(frames);
        if (statistics != null) {
            x = batch.normalized(x, statistics.update(x));
        }
        int n = frames.size();
        int[] y = n == labels.length ? labels : new int[n];
        for (int i = 0; i < n; i++) {
            Integer label = frames.get(i).label();
            if (label == null) {
                throw new IllegalArgumentException("frame " + frames.get(i).sequence() + " has no identity label");
            }
            y[i] = label;
        }
        return trainer.step(x, y);
    }

    @Override
    public @Nullable NormStats inputStats() {
        return statistics == null ? null : statistics.current();
    }

    @Override
    public long steps() {
        return trainer.steps();
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
        return trainer.snapshot();
    }

    @Override
    public Checkpoint checkpoint(Map<String, String> metadata) {
        Checkpoint.Builder b = trainer.checkpointBuilder().metadata(metadata);
        return (statistics == null ? b : statistics.saveTo(b)).build();
    }

    @Override
    public void restore(Checkpoint checkpoint) {
        trainer.restore(checkpoint);
        if (statistics != null) {
            statistics.restoreFrom(checkpoint);
        }
    }

    @Override
    public void close() {
        trainer.close();
        batch.close();
        optimizer.close();
        model.close();
    }
}
