package dev.pixelflow.bench;

import dev.pixelflow.connectors.DType;
import dev.pixelflow.connectors.Frame;
import dev.pixelflow.connectors.FrameCodec;
import dev.pixelflow.connectors.FrameLimits;
import dev.pixelflow.connectors.ImageFrames;
import dev.pixelflow.simd.Tensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Frame codec throughput for a 128x128x3 u8 frame with a label and a 128x128 mask: v1 encode, v1 decode (which
 * checks limits, lengths and the CRC32C), v1 decode into a {@code [3,128,128]} tensor, and PNG decode (ImageIO)
 * of the same picture. Frames/s = 1e6 / (us per op); MB/s from the encoded size.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class CodecBenchmark {
    private static final int SIZE = 128;

    private Frame frame;
    private byte[] encoded;
    private byte[] png;
    private Tensor target;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom r = new SplittableRandom(42);
        byte[] payload = new byte[3 * SIZE * SIZE];
        BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                // smooth content with noise, like a camera frame (PNG compresses it as it would a real one)
                int v = (x * 2 + y + r.nextInt(16)) & 0xFF;
                int red = v;
                int green = (v + 40) & 0xFF;
                int blue = (255 - v) & 0xFF;
                payload[y * SIZE + x] = (byte) red;
                payload[SIZE * SIZE + y * SIZE + x] = (byte) green;
                payload[2 * SIZE * SIZE + y * SIZE + x] = (byte) blue;
                img.setRGB(x, y, red << 16 | green << 8 | blue);
            }
        }
        byte[] mask = new byte[SIZE * SIZE];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = (byte) (r.nextDouble() < 0.05 ? 1 : 0);
        }
        frame = new Frame(DType.U8, 3, SIZE, SIZE, 7, 1_700_000_000_000L, 3, mask, payload);
        encoded = FrameCodec.encode(frame);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        png = out.toByteArray();
        target = Tensor.zeros(3, SIZE, SIZE);
        Frame back = FrameCodec.decode(encoded, FrameLimits.DEFAULT);
        Frame fromPng = ImageFrames.fromImage(png, Map.of(), FrameLimits.DEFAULT);
        if (back.height() != SIZE || fromPng.channels() != 3 || fromPng.width() != SIZE) {
            throw new IllegalStateException("codec self-check failed: " + back + " / " + fromPng);
        }
        System.out.printf("v1 frame %d bytes, PNG %d bytes%n", encoded.length, png.length);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        target.close();
    }

    @Benchmark
    public byte[] encodeV1() {
        return FrameCodec.encode(frame);
    }

    @Benchmark
    public Frame decodeV1() {
        return FrameCodec.decode(encoded, FrameLimits.DEFAULT);
    }

    @Benchmark
    public Tensor decodeV1IntoTensor() {
        return FrameCodec.decode(encoded, FrameLimits.DEFAULT).copyInto(target);
    }

    @Benchmark
    public Frame decodePng() {
        return ImageFrames.fromImage(png, Map.of(), FrameLimits.DEFAULT);
    }
}
