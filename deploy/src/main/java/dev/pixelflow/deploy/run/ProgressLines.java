package dev.pixelflow.deploy.run;

import dev.pixelflow.streams.PipelineListener;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** One progress line per metrics window: throughput, losses, object IoU, recall@1, model versions. */
public final class ProgressLines implements PipelineListener {
    private final PrintStream out;

    public ProgressLines(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onMetrics(Map<String, Object> w) {
        out.println(line(w));
    }

    /** The progress line of a metrics window. */
    public static String line(Map<String, Object> w) {
        return String.format(Locale.ROOT, "%7.1fs  %6.0f frames/s  frames %d  seg: v%s loss %s IoU %s  emb: v%s loss %s"
                        + " recall@1 %s  dead letters %d", num(w, "elapsed-seconds"), num(w, "frames/s"),
                (long) num(w, "total.frames.in"), fmt(w, "segmentation.version", "%.0f"),
                fmt(w, "segmentation.loss", "%.4f"), fmt(w, "segmentation.objectIoU", "%.3f"),
                fmt(w, "embedding.version", "%.0f"), fmt(w, "embedding.loss", "%.4f"),
                fmt(w, "embedding.recall@1", "%.3f"), (long) num(w, "total.frames.dead-letter"));
    }

    private static double num(Map<String, Object> w, String key) {
        return w.get(key) instanceof Number n ? n.doubleValue() : 0;
    }

    private static String fmt(Map<String, Object> w, String key, String format) {
        return w.get(key) instanceof Number n && !Double.isNaN(n.doubleValue())
                ? String.format(Locale.ROOT, format, n.doubleValue()) : "-";
    }
}
