package dev.pixelflow.deploy.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Writes a snapshot of {@link ReportData} as a report folder:
 * <ul>
 *   <li>{@code loss.png}: every series named {@code loss} or {@code loss/...} over time, one line each, y axis
 *       from 0;</li>
 *   <li>{@code quality.png}: series named {@code iou...} or {@code recall@...} over time, y fixed to [0, 1];</li>
 *   <li>{@code throughput.png}: series named {@code frames/s...} over time, y axis from 0;</li>
 *   <li>{@code examples.png}: the {@link ExamplesImage} grid of the kept segmentation examples;</li>
 *   <li>{@code embeddings.png}: the {@link EmbeddingPlot} of the latest embeddings;</li>
 *   <li>{@code index.html}: see {@link IndexPage}; it also lists the latest value of every series, including
 *       those in no chart.</li>
 * </ul>
 * Series names are matched ignoring case. The folder is created if needed; each file is replaced atomically
 * (temporary file and rename), PNGs first and the page last, so a page never refers to a missing image. Stateless; safe to call from any thread.
 */
public final class ReportWriter {

    /** Size of the three time-series charts. */
    public static final int CHART_WIDTH = 800;
    public static final int CHART_HEIGHT = 400;
    /** Size of the embedding plot. */
    public static final int EMBEDDING_WIDTH = 640;
    public static final int EMBEDDING_HEIGHT = 600;

    public static final String INDEX = "index.html";
    public static final String LOSS = "loss.png";
    public static final String QUALITY = "quality.png";
    public static final String THROUGHPUT = "throughput.png";
    public static final String EXAMPLES = "examples.png";
    public static final String EMBEDDINGS = "embeddings.png";

    private ReportWriter() {
    }

    /** Writes the report of {@code data} into {@code folder} and returns the path of {@code index.html}. */
    public static Path write(ReportData data, Path folder) throws IOException {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(folder, "folder");
        Files.createDirectories(folder);
        ReportData.Snapshot s = data.snapshot();

        AtomicFiles.writePng(folder.resolve(LOSS), timeChart(s, "Training loss", "loss",
                name -> name.equals("loss") || name.startsWith("loss/"), false, true));
        AtomicFiles.writePng(folder.resolve(QUALITY), timeChart(s, "Quality", "score (0 to 1)",
                name -> name.startsWith("iou") || name.startsWith("recall@"), true, false));
        AtomicFiles.writePng(folder.resolve(THROUGHPUT), timeChart(s, "Throughput", "frames per second",
                name -> name.startsWith("frames/s"), false, true));
        AtomicFiles.writePng(folder.resolve(EXAMPLES), ExamplesImage.render(s.examples()));
        AtomicFiles.writePng(folder.resolve(EMBEDDINGS),
                EmbeddingPlot.render(s.embeddings(), EMBEDDING_WIDTH, EMBEDDING_HEIGHT));

        Path index = folder.resolve(INDEX);
        AtomicFiles.writeText(index, IndexPage.html(s));
        return index;
    }

    private static BufferedImage timeChart(ReportData.Snapshot s, String title, String yLabel,
                                           Predicate<String> member, boolean unitRange, boolean fromZero) {
        LineChart chart = new LineChart(title, "seconds since start", yLabel);
        if (unitRange) {
            chart.yRange(0, 1);
        }
        if (fromZero) {
            chart.includeZero();
        }
        List<ReportData.Series> all = s.series();
        for (ReportData.Series series : all) {
            if (member.test(series.name().toLowerCase(Locale.ROOT))) {
                chart.add(series.name(), series.seconds(), series.values());
            }
        }
        return chart.render(CHART_WIDTH, CHART_HEIGHT);
    }
}
