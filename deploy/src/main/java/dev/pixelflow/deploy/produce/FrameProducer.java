package dev.pixelflow.deploy.produce;

import dev.pixelflow.connectors.DType;
import dev.pixelflow.connectors.Frame;
import dev.pixelflow.connectors.FrameCodec;
import dev.pixelflow.connectors.FrameHeaders;
import dev.pixelflow.streams.data.SyntheticFrames;
import dev.pixelflow.simd.Tensor;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;

/**
 * Publishes frames to a Kafka topic: the PNG/JPEG files of a folder sent unchanged (key = file name, mask PNG of
 * the same base name in header {@link FrameHeaders#MASK}), or generated frames as pixelflow v1 records
 * ({@link FrameCodec}). Prints progress about every second or 10% and a summary; waits until every record is
 * acknowledged and fails on the first send error. The topic is created (1 partition) when it does not exist,
 * because the local broker does not create topics automatically.
 */
public final class FrameProducer {

    /** What to generate with {@code --generate}. */
    public enum Kind {
        /** 1-channel frames of bright discs on clutter, the 0/1 object mask as the frame's mask. */
        SEGMENTATION,
        /** 3-channel frames of a few identities (fixed colours and stripes plus noise), label = identity. */
        IDENTITIES;

        /** Parses the option value (case-insensitive). */
        public static Kind parse(String s) {
            for (Kind k : values()) {
                if (k.name().equalsIgnoreCase(s)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("--kind must be segmentation or identities, got '" + s + "'");
        }
    }

    /** Number of identities of {@link Kind#IDENTITIES}. */
    public static final int IDENTITY_COUNT = 5;

    /**
     * Validated settings: exactly one of {@code dir} (with optional {@code masks}) and {@code generate > 0}.
     */
    public record Settings(String bootstrap, String topic, @Nullable Path dir, @Nullable Path masks, int generate,
                           Kind kind, int size, long seed) {
        public Settings {
            Objects.requireNonNull(kind, "kind");
            if (bootstrap == null || bootstrap.isBlank()) {
                throw new IllegalArgumentException("--bootstrap HOST:PORT is required");
            }
            if (topic == null || topic.isBlank()) {
                throw new IllegalArgumentException("--topic NAME is required");
            }
            if (dir != null && generate != 0) {
                throw new IllegalArgumentException("give either --dir FOLDER or --generate N, not both");
            }
            if (dir == null && generate == 0) {
                throw new IllegalArgumentException("give --dir FOLDER (images to send) or --generate N (synthetic frames)");
            }
            if (dir == null && generate < 1) {
                throw new IllegalArgumentException("--generate must be >= 1, got " + generate);
            }
            if (masks != null && dir == null) {
                throw new IllegalArgumentException("--masks only goes with --dir");
            }
            if (dir != null && !Files.isDirectory(dir)) {
                throw new IllegalArgumentException("--dir " + dir + " is not a folder");
            }
            if (masks != null && !Files.isDirectory(masks)) {
                throw new IllegalArgumentException("--masks " + masks + " is not a folder");
            }
            if (size < 8 || size > 4096) {
                throw new IllegalArgumentException("--size must be 8..4096 pixels, got " + size);
            }
        }
    }

    /** Totals of a run. */
    public record Summary(long records, long bytes, double seconds) {
    }

    /** One record to send. */
    private record Item(String key, byte[] value, byte @Nullable [] mask) {
    }

    private final Settings settings;
    private final PrintStream out;

    public FrameProducer(Settings settings, PrintStream out) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.out = Objects.requireNonNull(out, "out");
    }

    /**
     * Sends every record and waits for all acknowledgements.
     *
     * @throws IllegalStateException when a record cannot be sent (the message names the record and the cause)
     */
    public Summary run() {
        List<Path> files = settings.dir() == null ? List.of() : imageFiles(settings.dir());
        if (settings.dir() != null && files.isEmpty()) {
            throw new IllegalArgumentException("--dir " + settings.dir() + " holds no .png/.jpg/.jpeg files");
        }
        long total = settings.dir() == null ? settings.generate() : files.size();
        ensureTopic();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(16 << 20));
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicLong acked = new AtomicLong();
        long bytes = 0;
        long t0 = System.nanoTime();
        long lastPrint = t0;
        long step = Math.max(1, total / 10);
        try (KafkaProducer<String, byte[]> producer =
                     new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            Generator gen = settings.dir() == null ? new Generator(settings) : null;
            for (long i = 0; i < total; i++) {
                if (failure.get() != null) {
                    break;
                }
                Item item = gen != null ? gen.next(i) : fileItem(files.get((int) i));
                ProducerRecord<String, byte[]> rec = new ProducerRecord<>(settings.topic(), item.key(), item.value());
                if (item.mask() != null) {
                    rec.headers().add(FrameHeaders.MASK, item.mask());
                }
                bytes += item.value().length + (item.mask() == null ? 0 : item.mask().length);
                String key = item.key();
                producer.send(rec, (md, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, "record '" + key + "' failed: " + e);
                    } else {
                        acked.incrementAndGet();
                    }
                });
                long now = System.nanoTime();
                long sent = i + 1;
                if (sent % step == 0 || now - lastPrint >= 1_000_000_000L) {
                    lastPrint = now;
                    double s = (now - t0) / 1e9;
                    out.printf(Locale.ROOT, "sent %d/%d records (%d acknowledged), %.0f records/s%n",
                            sent, total, acked.get(), sent / Math.max(s, 1e-9));
                }
            }
            producer.flush();
        } catch (org.apache.kafka.common.KafkaException e) {
            failure.compareAndSet(null, e.toString());
        }
        if (failure.get() != null) {
            throw new IllegalStateException("sending to topic '" + settings.topic() + "' at " + settings.bootstrap()
                    + " failed: " + failure.get());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        out.printf(Locale.ROOT, "done: %d records, %d bytes to topic '%s' in %.2f s (%.0f records/s)%n",
                acked.get(), bytes, settings.topic(), seconds, acked.get() / Math.max(seconds, 1e-9));
        return new Summary(acked.get(), bytes, seconds);
    }

    /** Creates the topic with one partition when it does not exist. */
    private void ensureTopic() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        try (Admin admin = Admin.create(p)) {
            if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(settings.topic())) {
                return;
            }
            admin.createTopics(List.of(new NewTopic(settings.topic(), 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            out.println("created topic '" + settings.topic() + "' (1 partition)");
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot reach Kafka at " + settings.bootstrap()
                        + " to check topic '" + settings.topic() + "': " + e.getCause(), e);
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer from Kafka at " + settings.bootstrap() + " within 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The PNG/JPEG files of a folder, sorted by name. */
    static List<Path> imageFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(f -> isImageName(f.getFileName().toString()))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static boolean isImageName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    private Item fileItem(Path f) {
        String name = f.getFileName().toString();
        byte[] mask = null;
        if (settings.masks() != null) {
            String base = name.substring(0, name.lastIndexOf('.'));
            Path m = settings.masks().resolve(base + ".png");
            if (!Files.isRegularFile(m)) {
                throw new IllegalArgumentException("no mask " + m + " for image " + name);
            }
            mask = read(m);
        }
        return new Item(name, read(f), mask);
    }

    private static byte[] read(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

    /** Generated v1 records, deterministic for a seed. */
    private static final class Generator {
        private final Kind kind;
        private final int size;
        private final SyntheticFrames frames;
        private final SplittableRandom random;
        private final int[][] colours;

        Generator(Settings s) {
            this.kind = s.kind();
            this.size = s.size();
            this.frames = new SyntheticFrames(s.size(), s.seed());
            this.random = new SplittableRandom(s.seed());
            // Each identity: a background colour, a stripe colour and a stripe period, fixed by the seed.
            SplittableRandom r = new SplittableRandom(s.seed() ^ 0x5DEECE66DL);
            this.colours = new int[IDENTITY_COUNT][7];
            for (int[] c : colours) {
                for (int k = 0; k < 6; k++) {
                    c[k] = r.nextInt(256);
                }
                c[6] = 3 + r.nextInt(6);
            }
        }

        Item next(long seq) {
            long now = System.currentTimeMillis();
            int n = size * size;
            Frame f;
            if (kind == Kind.SEGMENTATION) {
                byte[] payload = new byte[n];
                byte[] mask = new byte[n];
                try (Tensor x = Tensor.zeros(1, 1, size, size); Tensor y = Tensor.zeros(1, 1, size, size)) {
                    frames.next(x, y);
                    for (int i = 0; i < n; i++) {
                        payload[i] = (byte) Math.clamp(Math.round(x.getFlat(i) * 255f), 0, 255);
                        mask[i] = (byte) (y.getFlat(i) > 0.5f ? 1 : 0);
                    }
                }
                f = new Frame(DType.U8, 1, size, size, seq, now, null, mask, payload);
            } else {
                int id = random.nextInt(IDENTITY_COUNT);
                int[] c = colours[id];
                byte[] payload = new byte[3 * n];
                for (int yy = 0; yy < size; yy++) {
                    for (int xx = 0; xx < size; xx++) {
                        boolean stripe = ((xx + yy) / c[6]) % 2 == 0;
                        for (int ch = 0; ch < 3; ch++) {
                            int v = (stripe ? c[3 + ch] : c[ch]) + (int) Math.round(12 * random.nextGaussian());
                            payload[ch * n + yy * size + xx] = (byte) Math.clamp(v, 0, 255);
                        }
                    }
                }
                f = new Frame(DType.U8, 3, size, size, seq, now, id, null, payload);
            }
            return new Item(kind.name().toLowerCase(Locale.ROOT) + "-" + seq, FrameCodec.encode(f), null);
        }
    }
}
