package dev.pixelflow.streams;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.pekko.stream.RestartSettings;
import org.jspecify.annotations.Nullable;

/**
 * Settings of the streaming job, read from {@value #SECTION} (commented defaults in this module's
 * {@code reference.conf}). Every value is checked here, with the config path in the message.
 */
public record PipelineSettings(String inputTopic, String masksTopic, String embeddingsTopic, String metricsTopic,
                               String groupId, int channels, int height, int width, Normalization normalization,
                               Segmentation segmentation, Embedding embedding, Inference inference,
                               int snapshotEverySteps, Checkpoints checkpoints, Duration metricsWindow,
                               int bufferSize, RestartSettings restart, double trainingDutyCycle) {
    /** The config section read by {@link #fromConfig}. */
    public static final String SECTION = "pixelflow.pipeline";

    /**
     * Normalization of every frame before a model sees it: per image and channel (ZSCORE, MINMAX), per channel
     * over the training stream so far (ONLINE_ZSCORE, state in checkpoints and snapshots), or none.
     */
    public enum Normalization { ZSCORE, MINMAX, ONLINE_ZSCORE, NONE }

    /** Mask encoding of the results. */
    public enum MaskFormat { RAW, PNG }

    /** The segmenter: a U-Net trained with per-pixel BCE, pos_weight from median-frequency class weights. */
    public record Segmentation(boolean enabled, int width, int depth, int batchSize, Duration batchWait,
                               double learningRate, double clipGradientNorm, double classWeightCap,
                               float threshold) {
        public Segmentation {
            positive(width, "segmentation.width");
            positive(depth, "segmentation.depth");
            positive(batchSize, "segmentation.batch-size");
            positive(batchWait, "segmentation.batch-wait");
            positive(learningRate, "segmentation.learning-rate");
            nonNegative(clipGradientNorm, "segmentation.clip-gradient-norm");
            if (!(classWeightCap >= 1)) {
                throw bad("segmentation.class-weight-cap", "must be >= 1", classWeightCap);
            }
        }
    }

    /** The embedder: a CNN with an L2-normalized output, trained with batch-hard triplet loss on P x K batches. */
    public record Embedding(boolean enabled, int dimension, List<Integer> widths, int identitiesPerBatch,
                            int framesPerIdentity, double margin, double learningRate, double clipGradientNorm,
                            int holdoutEvery) {
        public Embedding {
            positive(dimension, "embedding.dimension");
            widths = List.copyOf(widths);
            if (widths.isEmpty() || widths.stream().anyMatch(w -> w < 1)) {
                throw bad("embedding.widths", "must be a non-empty list of positive numbers", widths);
            }
            if (identitiesPerBatch < 2) {
                throw bad("embedding.identities-per-batch", "must be >= 2 (triplets need a negative)",
                        identitiesPerBatch);
            }
            if (framesPerIdentity < 2) {
                throw bad("embedding.frames-per-identity", "must be >= 2 (triplets need a positive)",
                        framesPerIdentity);
            }
            if (!(margin > 0)) {
                throw bad("embedding.margin", "must be > 0", margin);
            }
            positive(learningRate, "embedding.learning-rate");
            nonNegative(clipGradientNorm, "embedding.clip-gradient-norm");
            if (holdoutEvery < 0 || holdoutEvery == 1) {
                throw bad("embedding.holdout-every", "must be 0 (none) or >= 2", holdoutEvery);
            }
        }
    }

    /** Batching and encoding of inference on unlabelled frames. */
    public record Inference(int batchSize, Duration batchWait, MaskFormat maskFormat, int threads) {
        public Inference {
            positive(batchSize, "inference.batch-size");
            positive(batchWait, "inference.batch-wait");
            Objects.requireNonNull(maskFormat, "maskFormat");
            positive(threads, "inference.threads");
        }
    }

    /** Where and how often checkpoints are written; {@code dir} null = none. */
    public record Checkpoints(@Nullable Path dir, int everySteps, Duration every, int keep) {
        public Checkpoints {
            positive(everySteps, "checkpoint.every-steps");
            positive(every, "checkpoint.every");
            positive(keep, "checkpoint.keep");
        }

        /** The folder of one model's checkpoints, or null. */
        public @Nullable Path dir(String model) {
            return dir == null ? null : dir.resolve(model);
        }
    }

    public PipelineSettings {
        for (String[] t : new String[][] {{inputTopic, "input-topic"}, {masksTopic, "masks-topic"},
                {embeddingsTopic, "embeddings-topic"}, {metricsTopic, "metrics-topic"}, {groupId, "group-id"}}) {
            if (t[0] == null || t[0].isBlank()) {
                throw bad(t[1], "must not be empty", t[0]);
            }
        }
        positive(channels, "frame.channels");
        positive(height, "frame.height");
        positive(width, "frame.width");
        Objects.requireNonNull(normalization, "normalization");
        Objects.requireNonNull(segmentation, "segmentation");
        Objects.requireNonNull(embedding, "embedding");
        Objects.requireNonNull(inference, "inference");
        int cells = 1 << segmentation.depth();
        if (segmentation.enabled() && (height % cells != 0 || width % cells != 0)) {
            throw bad("frame.height/width", "must be multiples of 2^segmentation.depth = " + cells,
                    height + "x" + width);
        }
        positive(snapshotEverySteps, "snapshot-every-steps");
        Objects.requireNonNull(checkpoints, "checkpoints");
        positive(metricsWindow, "metrics-window");
        positive(bufferSize, "buffer-size");
        Objects.requireNonNull(restart, "restart");
        if (!(trainingDutyCycle > 0 && trainingDutyCycle <= 1)) {
            throw bad("training-duty-cycle", "must be in (0, 1]", trainingDutyCycle);
        }
    }

    /** Reads {@value #SECTION} from {@code config} (normally the actor system's config). */
    public static PipelineSettings fromConfig(Config config) {
        Config c = config.getConfig(SECTION);
        Config s = c.getConfig("segmentation");
        Config e = c.getConfig("embedding");
        Config i = c.getConfig("inference");
        Config k = c.getConfig("checkpoint");
        String dir = k.getString("dir");
        return new PipelineSettings(c.getString("input-topic"), c.getString("masks-topic"),
                c.getString("embeddings-topic"), c.getString("metrics-topic"), c.getString("group-id"),
                c.getInt("frame.channels"), c.getInt("frame.height"), c.getInt("frame.width"),
                parse(Normalization.class, c.getString("normalization"), "normalization"),
                new Segmentation(s.getBoolean("enabled"), s.getInt("width"), s.getInt("depth"), s.getInt("batch-size"),
                        s.getDuration("batch-wait"), s.getDouble("learning-rate"), s.getDouble("clip-gradient-norm"),
                        s.getDouble("class-weight-cap"), (float) s.getDouble("threshold")),
                new Embedding(e.getBoolean("enabled"), e.getInt("dimension"), e.getIntList("widths"),
                        e.getInt("identities-per-batch"), e.getInt("frames-per-identity"), e.getDouble("margin"),
                        e.getDouble("learning-rate"), e.getDouble("clip-gradient-norm"), e.getInt("holdout-every")),
                new Inference(i.getInt("batch-size"), i.getDuration("batch-wait"),
                        parse(MaskFormat.class, i.getString("mask-encoding"), "inference.mask-encoding"),
                        i.getInt("threads")),
                c.getInt("snapshot-every-steps"),
                new Checkpoints(dir.isBlank() ? null : Path.of(dir), k.getInt("every-steps"), k.getDuration("every"),
                        k.getInt("keep")),
                c.getDuration("metrics-window"), c.getInt("buffer-size"), restart(c.getConfig("restart")),
                c.getDouble("training-duty-cycle"));
    }

    private static RestartSettings restart(Config r) {
        Duration min = r.getDuration("min-backoff");
        Duration max = r.getDuration("max-backoff");
        positive(min, "restart.min-backoff");
        if (max.compareTo(min) < 0) {
            throw bad("restart.max-backoff", "must be >= restart.min-backoff (" + min + ")", max);
        }
        double random = r.getDouble("random-factor");
        if (!(random >= 0)) {
            throw bad("restart.random-factor", "must be >= 0", random);
        }
        int maxRestarts = r.getInt("max-restarts");
        positive(maxRestarts, "restart.max-restarts");
        Duration within = r.getDuration("max-restarts-within");
        positive(within, "restart.max-restarts-within");
        return RestartSettings.create(min, max, random).withMaxRestarts(maxRestarts, within);
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String value, String path) {
        // "min-max", "min_max" and "MinMax" all name MINMAX.
        String wanted = value.trim().toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
        for (E e : type.getEnumConstants()) {
            if (e.name().replace("_", "").equals(wanted)) {
                return e;
            }
        }
        throw bad(path, "must be one of " + java.util.Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList(), value);
    }

    private static void positive(int v, String path) {
        if (v < 1) {
            throw bad(path, "must be >= 1", v);
        }
    }

    private static void positive(double v, String path) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw bad(path, "must be > 0", v);
        }
    }

    private static void nonNegative(double v, String path) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw bad(path, "must be >= 0", v);
        }
    }

    private static void positive(Duration d, String path) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw bad(path, "must be a positive duration", d);
        }
    }

    private static IllegalArgumentException bad(String path, String what, @Nullable Object value) {
        return new IllegalArgumentException(SECTION + "." + path + " " + what + ", got " + value);
    }
}
