package dev.pixelflow.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.connectors.Frame;
import dev.pixelflow.connectors.FrameCodec;
import dev.pixelflow.connectors.FrameHeaders;
import dev.pixelflow.connectors.FrameLimits;
import dev.pixelflow.connectors.ImageFrames;
import dev.pixelflow.connectors.LocalKafkaBroker;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProduceTest {

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertError(String expected, String... args) {
        Run r = run(args);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(expected), r.err());
    }

    @Test
    void optionErrorsNeedNoBroker(@TempDir Path dir) {
        assertError("--bootstrap HOST:PORT is required", "produce", "--topic", "t", "--generate", "3");
        assertError("--topic NAME is required", "produce", "--bootstrap", "localhost:1", "--generate", "3");
        assertError("either --dir FOLDER or --generate N, not both",
                "produce", "--bootstrap", "localhost:1", "--topic", "t", "--dir", dir.toString(), "--generate", "3");
        assertError("give --dir FOLDER", "produce", "--bootstrap", "localhost:1", "--topic", "t");
        assertError("--generate needs a whole number, got 'lots'",
                "produce", "--bootstrap", "localhost:1", "--topic", "t", "--generate", "lots");
        assertError("--generate must be >= 1, got 0",
                "produce", "--bootstrap", "localhost:1", "--topic", "t", "--generate", "0");
        assertError("--kind must be segmentation or identities, got 'cats'",
                "produce", "--bootstrap", "localhost:1", "--topic", "t", "--generate", "2", "--kind", "cats");
        assertError("is not a folder", "produce", "--bootstrap", "localhost:1", "--topic", "t",
                "--dir", dir.resolve("missing").toString());
        assertError("unknown option(s) for produce: --colour",
                "produce", "--bootstrap", "localhost:1", "--topic", "t", "--generate", "2", "--colour", "red");
        Run help = run("produce", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("usage: pixelflow produce"), help.out());
    }

    @Test
    void publishesGeneratedFramesAndImageFilesToABroker(@TempDir Path tmp) throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        Path masks = Files.createDirectories(tmp.resolve("masks"));
        for (int i = 0; i < 5; i++) {
            BufferedImage img = new BufferedImage(16, 12, BufferedImage.TYPE_INT_RGB);
            BufferedImage mask = new BufferedImage(16, 12, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < 12; y++) {
                for (int x = 0; x < 16; x++) {
                    img.setRGB(x, y, (x * 16) << 16 | (y * 20) << 8 | i * 40);
                    mask.getRaster().setSample(x, y, 0, (x + y + i) % 3);
                }
            }
            ImageIO.write(img, "png", images.resolve("img" + i + ".png").toFile());
            ImageIO.write(mask, "png", masks.resolve("img" + i + ".png").toFile());
        }
        Files.writeString(images.resolve("notes.txt"), "not an image");
        try (LocalKafkaBroker broker = LocalKafkaBroker.start()) {
            String bs = broker.bootstrapServers();
            Run gen = run("produce", "--bootstrap", bs, "--topic", "gen", "--generate", "20", "--kind", "segmentation",
                    "--size", "16", "--seed", "3");
            assertEquals(0, gen.code(), gen.err() + gen.out());
            assertTrue(gen.out().contains("done: 20 records"), gen.out());
            Run ids = run("produce", "--bootstrap", bs, "--topic", "ids", "--generate", "6", "--kind", "identities",
                    "--size", "16");
            assertEquals(0, ids.code(), ids.err() + ids.out());
            Run files = run("produce", "--bootstrap", bs, "--topic", "files", "--dir", images.toString(),
                    "--masks", masks.toString());
            assertEquals(0, files.code(), files.err() + files.out());
            assertTrue(files.out().contains("done: 5 records"), files.out());

            List<ConsumerRecord<String, byte[]>> g = consume(bs, "gen", 20);
            assertEquals(20, g.size());
            for (ConsumerRecord<String, byte[]> r : g) {
                Frame f = FrameCodec.decode(r.value(), FrameLimits.DEFAULT);
                assertEquals(1, f.channels());
                assertEquals(16, f.height());
                assertTrue(f.hasMask(), r.key());
            }
            for (ConsumerRecord<String, byte[]> r : consume(bs, "ids", 6)) {
                Frame f = FrameCodec.decode(r.value(), FrameLimits.DEFAULT);
                assertEquals(3, f.channels());
                assertTrue(f.hasLabel() && f.label() >= 0 && f.label() < 5, r.key());
            }
            List<ConsumerRecord<String, byte[]>> p = consume(bs, "files", 5);
            assertEquals(5, p.size());
            for (int i = 0; i < 5; i++) {
                ConsumerRecord<String, byte[]> r = p.get(i);
                assertEquals("img" + i + ".png", r.key());
                assertNotNull(r.headers().lastHeader(FrameHeaders.MASK));
                Frame f = ImageFrames.fromImage(r.value(), r.headers(), FrameLimits.DEFAULT);
                assertEquals(3, f.channels());
                assertEquals(12, f.height());
                assertEquals(16, f.width());
                assertTrue(f.hasMask());
                assertEquals((1 + 0 + i) % 3, f.mask()[1]);
            }
        }
    }

    private static List<ConsumerRecord<String, byte[]>> consume(String bootstrap, String topic, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "produce-test-" + topic);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(500)).forEach(out::add);
            }
            // Nothing more than expected arrives.
            c.poll(Duration.ofMillis(300)).forEach(out::add);
        }
        return out;
    }
}
