package dev.pixelflow.deploy.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    private static final List<String> PNGS = List.of(ReportWriter.LOSS, ReportWriter.QUALITY,
            ReportWriter.THROUGHPUT, ReportWriter.EXAMPLES, ReportWriter.EMBEDDINGS);

    @TempDir
    Path tmp;

    @Test
    void writesEveryFileWithExpectedSizes() throws IOException {
        ReportData data = filled(4);
        data.putSummary("object IoU", "<script>alert('x')</script> & more");
        Path folder = tmp.resolve("a/b/report");
        Path index = ReportWriter.write(data, folder);
        assertEquals(folder.resolve("index.html"), index);

        assertImage(folder.resolve(ReportWriter.LOSS), ReportWriter.CHART_WIDTH, ReportWriter.CHART_HEIGHT);
        assertImage(folder.resolve(ReportWriter.QUALITY), ReportWriter.CHART_WIDTH, ReportWriter.CHART_HEIGHT);
        assertImage(folder.resolve(ReportWriter.THROUGHPUT), ReportWriter.CHART_WIDTH, ReportWriter.CHART_HEIGHT);
        assertImage(folder.resolve(ReportWriter.EXAMPLES), ExamplesImage.width(), ExamplesImage.height(4));
        assertImage(folder.resolve(ReportWriter.EMBEDDINGS), ReportWriter.EMBEDDING_WIDTH,
                ReportWriter.EMBEDDING_HEIGHT);

        String html = Files.readString(index, StandardCharsets.UTF_8);
        for (String png : PNGS) {
            assertTrue(html.contains("src=\"" + png + "\""), png + " referenced");
        }
        assertFalse(html.contains("<script"), "summary value escaped");
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"));
        assertTrue(html.contains("frames in"));
        assertFalse(html.contains("http://") || html.contains("https://"), "no external resources");
        assertNoTemporaryFiles(folder);
    }

    @Test
    void emptyDataStillWritesAReport() throws IOException {
        Path index = ReportWriter.write(new ReportData(), tmp);
        for (String png : PNGS) {
            assertNotNull(ImageIO.read(tmp.resolve(png).toFile()), png);
        }
        assertImage(tmp.resolve(ReportWriter.EXAMPLES), ExamplesImage.width(), ExamplesImage.height(0));
        assertTrue(Files.readString(index).contains("No summary yet"));
    }

    @Test
    void overwritesAPreviousReport() throws IOException {
        ReportWriter.write(filled(1), tmp);
        Files.writeString(tmp.resolve(ReportWriter.LOSS), "not a png");
        ReportWriter.write(filled(6), tmp);
        assertImage(tmp.resolve(ReportWriter.LOSS), ReportWriter.CHART_WIDTH, ReportWriter.CHART_HEIGHT);
        assertImage(tmp.resolve(ReportWriter.EXAMPLES), ExamplesImage.width(), ExamplesImage.height(6));
        assertNoTemporaryFiles(tmp);
    }

    @Test
    void manyIdentitiesAndDegenerateEmbeddingsRender() throws IOException {
        ReportData data = new ReportData();
        float[][] v = new float[300][5];
        int[] ids = new int[300];
        for (int i = 0; i < 300; i++) {
            v[i][i % 5] = i % 40;
            ids[i] = i % 40;
        }
        data.setEmbeddings(v, ids);
        ReportWriter.write(data, tmp);
        assertImage(tmp.resolve(ReportWriter.EMBEDDINGS), ReportWriter.EMBEDDING_WIDTH,
                ReportWriter.EMBEDDING_HEIGHT);

        data.setEmbeddings(new float[][] {{1f, 1f}, {1f, 1f}}, new int[] {1, 2});
        ReportWriter.write(data, tmp);
        assertImage(tmp.resolve(ReportWriter.EMBEDDINGS), ReportWriter.EMBEDDING_WIDTH,
                ReportWriter.EMBEDDING_HEIGHT);
    }

    /** A report with every kind of content, as the demo would fill it. */
    static ReportData filled(int examples) {
        SplittableRandom rnd = new SplittableRandom(3);
        ReportData data = new ReportData();
        for (int i = 0; i < 300; i++) {
            double t = i * 0.5;
            data.record("loss/segmentation", t, 1.0 / (1 + 0.05 * i) + 0.02 * rnd.nextDouble());
            data.record("loss/embedding", t, i % 50 == 7 ? Double.NaN : 0.6 * Math.exp(-i / 120.0));
            data.record("iou", t, 1 - Math.exp(-i / 80.0));
            data.record("recall@1", t, 0.5 + 0.4 * (1 - Math.exp(-i / 60.0)));
            data.record("frames/s", t, 40 + 5 * rnd.nextDouble());
            data.record("active-triplets", t, 100 - i / 3.0);
        }
        int n = 24;
        for (int e = 0; e < examples; e++) {
            int channels = e % 2 == 0 ? 1 : 3;
            float[] image = new float[channels * n * n];
            for (int k = 0; k < image.length; k++) {
                image[k] = (float) (rnd.nextGaussian() * 3 - 10);
            }
            byte[] truth = new byte[n * n];
            byte[] pred = new byte[n * n];
            for (int y = 5; y < 12; y++) {
                for (int x = 6; x < 14; x++) {
                    truth[y * n + x] = 1;
                    pred[(y + 1) * n + x] = (byte) (e % 3 == 0 ? 1 : 200);
                }
            }
            data.addSegmentationExample("frame " + e + " <b>", image, channels, n, n, truth,
                    e == 2 ? null : pred);
        }
        float[][] v = new float[400][16];
        int[] ids = new int[400];
        for (int i = 0; i < 400; i++) {
            ids[i] = i % 5;
            for (int j = 0; j < 16; j++) {
                v[i][j] = (float) ((j == ids[i] ? 3 : 0) + 0.3 * rnd.nextGaussian());
            }
        }
        data.setEmbeddings(v, ids);
        data.putSummary("frames in", "12000");
        data.putSummary("model version", "7");
        return data;
    }

    private static void assertImage(Path png, int width, int height) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, png + " decodes");
        assertEquals(width, img.getWidth(), png + " width");
        assertEquals(height, img.getHeight(), png + " height");
    }

    private static void assertNoTemporaryFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".tmp"))
                    .toList());
        }
    }
}
