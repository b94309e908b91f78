package dev.pixelflow.streams;

import dev.pixelflow.connectors.Frame;
import dev.pixelflow.simd.checkpoint.Checkpoint;
import dev.pixelflow.simd.nn.ModelSnapshot;
import dev.pixelflow.simd.train.StepResult;
import java.util.List;
import java.util.Map;
import dev.pixelflow.simd.norm.NormStats;
import org.jspecify.annotations.Nullable;

/**
 * A model that the job trains online: its trainer and how frames become a training batch. Owned by one
 * {@link ModelOwner} actor (single writer; not thread-safe); inference runs elsewhere on {@link #snapshot()}s.
 */
public sealed interface OnlineModel extends AutoCloseable permits SegmentationModel, EmbeddingModel {

    /** Short name: the checkpoint folder, the metrics prefix and the model-version header's prefix. */
    String name();

    /** One training step on {@code frames}, which carry the targets (masks or identity labels). */
    StepResult train(List<Frame> frames);

    /** The input statistics the current weights were trained with (ONLINE_ZSCORE), or null. */
    default @Nullable NormStats inputStats() {
        return null;
    }

    /** Settings in use worth reporting with the metrics, e.g. the class weight; empty by default. */
    default Map<String, Double> gauges() {
        return Map.of();
    }

    /** Steps taken (skipped ones included); continues from a restored checkpoint. */
    long steps();

    /** A copy of all trainable parameters, flat, in the model's parameter order. */
    float[] parameters();

    /**
     * Replaces all trainable parameters (e.g. with a cluster average); the optimizer state stays.
     *
     * @throws IllegalArgumentException when the count differs from {@link #parameters()}'s
     */
    void loadParameters(float[] values);

    /** An immutable copy of the current weights, tagged with the number of applied updates. */
    ModelSnapshot snapshot();

    /** Weights, optimizer state, step count and {@code metadata} (plus the model's own settings). */
    Checkpoint checkpoint(Map<String, String> metadata);

    /** Resumes from a checkpoint written by {@link #checkpoint}. */
    void restore(Checkpoint checkpoint);

    @Override
    void close();
}
