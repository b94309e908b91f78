package dev.pixelflow.deploy.demo;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.pixelflow.connectors.Frame;
import dev.pixelflow.connectors.FrameCodec;
import dev.pixelflow.connectors.LocalKafkaBroker;
import dev.pixelflow.deploy.report.ReportData;
import dev.pixelflow.deploy.report.ReportWriter;
import dev.pixelflow.deploy.run.PipelineRunner;
import dev.pixelflow.deploy.run.ProgressLines;
import dev.pixelflow.deploy.run.RunConfig;
import dev.pixelflow.streams.PipelineListener;
import dev.pixelflow.streams.data.MixedFrames;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code ./pixelflow demo}: the whole job on this machine. Starts a local Kafka broker, a generator that
 * publishes frames for both tasks (labelled segmentation frames with masks, labelled identity frames, and
 * unlabelled frames of both kinds, plus an occasional corrupt record), and the streaming job, which trains the
 * segmenter and the embedder online and publishes masks, embeddings and metrics. Shows progress every metrics
 * window; after the given time it stops cleanly (drain, commit, checkpoint) and writes a report folder.
 */
public final class KafkaDemo {

    /** Demo settings: run time, generator rate (frames/s), frame size, report folder, seed. */
    public record Settings(Duration duration, int rate, int size, Path report, long seed) {
        public Settings {
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("--seconds must be >= 1, got " + duration.toSeconds());
            }
            checkGenerator(rate, size);
        }

        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(120), 150, 32, Path.of("report"), 42);
        }
    }

    private KafkaDemo() {
    }

    /** Checks the generator's --rate (frames/s) and --size (pixels) options. */
    public static void checkGenerator(int rate, int size) {
        if (rate < 1) {
            throw new IllegalArgumentException("--rate must be >= 1 frames/s, got " + rate);
        }
        if (size < 16 || size % 4 != 0) {
            throw new IllegalArgumentException("--size must be a multiple of 4 and >= 16, got " + size);
        }
    }

    public static Path run(Settings s, PrintStream out) throws IOException {
        out.println("pixelflow demo: online segmentation and embeddings on frames streaming through Kafka");
        out.println("  starting a local Kafka broker (Apache Kafka 4.4, KRaft, its own JVM) ...");
        try (LocalKafkaBroker broker = LocalKafkaBroker.start()) {
            out.printf(Locale.ROOT, "  broker ready in %.1f s at %s (log: %s)%n",
                    broker.startupTime().toMillis() / 1e3, broker.bootstrapServers(), broker.logFile());
            broker.createTopic("frames", 2);
            Path checkpoints = s.report().toAbsolutePath().resolve("checkpoints");
            Config config = ConfigFactory.parseString("""
                    pixelflow.pipeline {
                      input-topic = frames
                      group-id = pixelflow-demo
                      frame { channels = 1, height = %d, width = %d }
                      metrics-window = 2s
                      checkpoint { dir = "%s", every = 20s }
                    }
                    pekko.loglevel = WARNING
                    """.formatted(s.size(), s.size(), checkpoints.toString().replace("\\", "\\\\")))
                    .withFallback(RunConfig.load(null, broker.bootstrapServers()));

            ReportData report = new ReportData();
            AtomicLong examples = new AtomicLong();
            PipelineListener listener = new PipelineListener() {
                @Override
                public void onMetrics(Map<String, Object> w) {
                    out.println(ProgressLines.line(w));
                    double t = w.get("elapsed-seconds") instanceof Number n ? n.doubleValue() : 0;
                    record(report, "loss/segmentation", t, w.get("segmentation.loss"));
                    record(report, "loss/embedding", t, w.get("embedding.loss"));
                    record(report, "iou (object, segmentation)", t, w.get("segmentation.objectIoU"));
                    record(report, "recall@1 (held-out identities)", t, w.get("embedding.recall@1"));
                    record(report, "frames/s", t, w.get("frames/s"));
                    record(report, "active-triplets", t, w.get("embedding.activeTripletFraction"));
                }

                @Override
                public void onSegmentationExample(Frame frame, byte[] predictedMask, long version) {
                    if (examples.incrementAndGet() % 3 != 1) {
                        return; // keep examples spread over the run
                    }
                    float[] image = new float[frame.height() * frame.width()];
                    for (int y = 0; y < frame.height(); y++) {
                        for (int x = 0; x < frame.width(); x++) {
                            image[y * frame.width() + x] = frame.value(0, y, x);
                        }
                    }
                    report.addSegmentationExample("frame " + frame.sequence() + ", segmenter v" + version, image, 1,
                            frame.height(), frame.width(), frame.mask(), predictedMask);
                }

                @Override
                public void onHoldoutEmbeddings(float[][] vectors, int[] identities) {
                    report.setEmbeddings(vectors, identities);
                }
            };

            AtomicBoolean generating = new AtomicBoolean(true);
            AtomicLong produced = new AtomicLong();
            Thread generator = Thread.ofPlatform().name("pixelflow-demo-generator").daemon().start(
                    () -> generate(broker.bootstrapServers(), "frames", s.rate(), s.size(), s.seed(), generating,
                            produced));
            long t0 = System.nanoTime();
            PipelineRunner runner = PipelineRunner.start(config, listener);
            out.printf(Locale.ROOT, "  generating ~%d frames/s of %dx%d for %d s: 40%% segmentation with masks, 40%%"
                    + " identities with labels, 20%% unlabelled (both kinds), 1 corrupt record in 500%n", s.rate(),
                    s.size(), s.size(), s.duration().toSeconds());
            try {
                Thread.sleep(s.duration().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            generating.set(false);
            generator.join(10_000);
            out.println("  stopping: draining in-flight frames, committing offsets, writing checkpoints ...");
            var running = runner.running();
            var metrics = running.metrics();
            runner.stop();
            double seconds = (System.nanoTime() - t0) / 1e9;
            report.putSummary("run time", String.format(Locale.ROOT, "%.0f s", seconds));
            report.putSummary("frames produced", Long.toString(produced.get()));
            report.putSummary("frames consumed", Long.toString(metrics.total("frames.in")));
            report.putSummary("results (masks + embeddings)", Long.toString(metrics.total("results.out")));
            report.putSummary("dead letters", Long.toString(metrics.total("frames.dead-letter")));
            report.putSummary("segmentation steps", Long.toString(metrics.total("segmentation.steps")));
            report.putSummary("embedding steps", Long.toString(metrics.total("embedding.steps")));
            report.putSummary("checkpoints", checkpoints.toString());
            var last = report.snapshot();
            putLast(report, last, "iou (object, segmentation)", "last object IoU");
            putLast(report, last, "recall@1 (held-out identities)", "last recall@1");
            Path index = ReportWriter.write(report, s.report());
            out.printf(Locale.ROOT, "result: %d frames in %.0f s, %d segmentation and %d embedding steps, %d results,"
                    + " %d dead letters%n", metrics.total("frames.in"), seconds, metrics.total("segmentation.steps"),
                    metrics.total("embedding.steps"), metrics.total("results.out"), metrics.total("frames.dead-letter"));
            out.println("report: " + index.toAbsolutePath());
            return index;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void putLast(ReportData report, ReportData.Snapshot snap, String series, String key) {
        ReportData.Series s = snap.series(series);
        if (s != null && s.values().length > 0) {
            report.putSummary(key, String.format(Locale.ROOT, "%.3f", s.values()[s.values().length - 1]));
        }
    }

    private static void record(ReportData report, String series, double t, Object value) {
        if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
            report.record(series, t, n.doubleValue());
        }
    }

    /**
     * The value of the generator's record number {@code seq}: one corrupt record in 500, otherwise an encoded frame
     * of a kind drawn from {@code r} (40% segmentation with masks, 40% identities with labels, 10% unlabelled of
     * each kind).
     */
    public static byte[] mixedRecord(MixedFrames gen, SplittableRandom r, long seq) {
        double u = r.nextDouble();
        if (seq % 500 == 499) {
            return "a corrupt record: not a frame".getBytes(StandardCharsets.UTF_8);
        }
        MixedFrames.Kind kind = u < 0.4 ? MixedFrames.Kind.SEGMENTATION_LABELLED
                : u < 0.8 ? MixedFrames.Kind.IDENTITY_LABELLED
                : u < 0.9 ? MixedFrames.Kind.SEGMENTATION_UNLABELLED : MixedFrames.Kind.IDENTITY_UNLABELLED;
        return FrameCodec.encode(gen.next(kind, seq));
    }

    /**
     * Publishes mixed frames of {@code size x size} to {@code topic} at about {@code rate} per second until
     * {@code generating} is cleared: 40% segmentation frames with masks, 40% identity frames with labels, 20%
     * unlabelled, one corrupt record in 500.
     */
    public static void generate(String bootstrap, String topic, int rate, int size, long seed,
                                AtomicBoolean generating, AtomicLong produced) {
        SplittableRandom r = new SplittableRandom(seed);
        try (MixedFrames gen = new MixedFrames(size, 8, seed);
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 5),
                     new StringSerializer(), new ByteArraySerializer())) {
            long start = System.nanoTime();
            long seq = 0;
            while (generating.get()) {
                byte[] value = mixedRecord(gen, r, seq);
                producer.send(new ProducerRecord<>(topic, "camera-" + (seq % 4), value));
                seq++;
                produced.incrementAndGet();
                long due = start + (long) (seq * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
