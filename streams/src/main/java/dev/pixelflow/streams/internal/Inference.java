package dev.pixelflow.streams.internal;

import dev.pixelflow.connectors.EmbeddingEncoding;
import dev.pixelflow.connectors.Frame;
import dev.pixelflow.connectors.FrameHeaders;
import dev.pixelflow.connectors.MaskEncoding;
import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.nn.Pass;
import dev.pixelflow.streams.PipelineSettings;
import dev.pixelflow.streams.PublishedSnapshot;
import dev.pixelflow.streams.SnapshotHolder;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * Inference on batches of unlabelled frames with the latest published snapshots: a mask (logit above the
 * threshold = object) and an embedding per frame. Keeps one pass per model, rebuilt when a new snapshot is
 * published, and one input batch; a batch of the same size as before allocates no native memory. One thread.
 */
public final class Inference implements AutoCloseable {
    private final PipelineSettings settings;
    private final Ops ops;
    private final FrameBatch batch;
    private final Slot segmentation;
    private final Slot embedding;

    /** A model's snapshot in use and the pass that runs it. */
    private static final class Slot {
        final @Nullable SnapshotHolder holder;
        @Nullable PublishedSnapshot current;
        @Nullable Pass pass;

        Slot(@Nullable SnapshotHolder holder) {
            this.holder = holder;
        }

        /** The latest snapshot's pass (switching when a newer one was published), or null if none yet. */
        @Nullable Pass refresh(Ops ops) {
            PublishedSnapshot latest = holder == null ? null : holder.latest();
            if (latest == null) {
                return null;
            }
            if (latest != current) {
                if (pass != null) {
                    pass.close();
                }
                current = latest;
                pass = latest.snapshot().newPass(ops);
            }
            return pass;
        }

        void close() {
            if (pass != null) {
                pass.close();
                pass = null;
            }
        }
    }

    /** The results of one frame: encoded mask and embedding (null where that model is off or not ready). */
    public record Output(byte @Nullable [] classMap, byte @Nullable [] mask, @Nullable PublishedSnapshot maskModel, byte @Nullable [] embedding,
                         @Nullable PublishedSnapshot embeddingModel, float @Nullable [] embeddingValues) {
    }

    public Inference(PipelineSettings settings, Ops ops, @Nullable SnapshotHolder segmentation,
                     @Nullable SnapshotHolder embedding) {
        this.settings = settings;
        this.ops = ops;
        int max = Math.max(settings.inference().batchSize(), 1);
        this.batch = new FrameBatch(max, settings.channels(), settings.height(), settings.width(),
                settings.normalization());
        this.segmentation = new Slot(segmentation);
        this.embedding = new Slot(embedding);
    }

    /**
     * Masks and embeddings of {@code frames} (at most the inference batch size), one output per frame.
     * Synchronized: after a stream restart a call of the stopped stream may still be running.
     */
    public synchronized Output[] run(List<Frame> frames) {
        int n = frames.size();
        Output[] out = new Output[n];
        Tensor x = batch.inputs(frames);
        byte[][] masks = new byte[n][];
        byte[][] classMaps = new byte[n][];
        Pass seg = segmentation.refresh(ops);
        if (seg != null) {
            Tensor logits = seg.predict(batch.normalized(x, segmentation.current.inputStats()));
            int plane = settings.height() * settings.width();
            MemorySegment m = logits.segment();
            float threshold = settings.segmentation().threshold();
            for (int i = 0; i < n; i++) {
                byte[] classMap = new byte[plane];
                long base = (long) i * plane;
                for (int p = 0; p < plane; p++) {
                    classMap[p] = m.getAtIndex(ValueLayout.JAVA_FLOAT, base + p) > threshold ? (byte) 1 : 0;
                }
                classMaps[i] = classMap;
                masks[i] = settings.inference().maskFormat() == PipelineSettings.MaskFormat.PNG
                        ? MaskEncoding.PNG.encode(classMap, settings.height(), settings.width())
                        : MaskEncoding.RAW.encode(classMap, settings.height(), settings.width());
            }
        }
        Pass emb = embedding.refresh(ops);
        float[][] vectors = new float[n][];
        if (emb != null) {
            Tensor e = emb.predict(batch.normalized(x, embedding.current.inputStats()));
            int d = e.dim(1);
            MemorySegment m = e.segment();
            for (int i = 0; i < n; i++) {
                vectors[i] = new float[d];
                MemorySegment.copy(m, ValueLayout.JAVA_FLOAT, (long) i * d * Float.BYTES, vectors[i], 0, d);
            }
        }
        for (int i = 0; i < n; i++) {
            out[i] = new Output(classMaps[i], masks[i], seg == null ? null : segmentation.current,
                    vectors[i] == null ? null : EmbeddingEncoding.encode(vectors[i]),
                    emb == null ? null : embedding.current, vectors[i]);
        }
        return out;
    }

    /** The standard output headers plus the snapshot's age in milliseconds. */
    public static Headers headers(PublishedSnapshot model, String topic, int partition, long offset) {
        Headers h = FrameHeaders.output(model.versionLabel(), topic, partition, offset);
        long age = Math.max(0, System.currentTimeMillis() - model.publishedAtMillis());
        h.add(PublishedSnapshot.AGE_HEADER, Long.toString(age).getBytes(StandardCharsets.UTF_8));
        return h;
    }

    @Override
    public synchronized void close() {
        segmentation.close();
        embedding.close();
        batch.close();
    }
}
