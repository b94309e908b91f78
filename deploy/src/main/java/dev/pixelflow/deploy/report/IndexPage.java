package dev.pixelflow.deploy.report;

import java.util.Locale;
import java.util.Map;

/**
 * The report's {@code index.html}: title, summary table, latest value of every series, and the five plots
 * referenced by relative file name, each with a caption. Self-contained: inline CSS, no scripts, no external
 * resources. Every text from the data is HTML-escaped.
 */
final class IndexPage {

    private IndexPage() {
    }

    static String html(ReportData.Snapshot s) {
        StringBuilder b = new StringBuilder(4096);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>pixelflow demo report</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:2em auto;max-width:900px;color:#222}\n")
                .append("table{border-collapse:collapse;margin-bottom:1.5em}\n")
                .append("td,th{border:1px solid #ccc;padding:4px 10px;text-align:left}\n")
                .append("th{background:#f4f4f4}\nfigure{margin:1.5em 0}\n")
                .append("img{max-width:100%;border:1px solid #ddd}\nfigcaption{color:#555;margin-top:.4em}\n")
                .append("</style>\n</head>\n<body>\n<h1>pixelflow demo report</h1>\n");

        b.append("<h2>Summary</h2>\n");
        if (s.summary().isEmpty()) {
            b.append("<p>No summary yet.</p>\n");
        } else {
            b.append("<table>\n");
            for (Map.Entry<String, String> e : s.summary().entrySet()) {
                b.append("<tr><th>").append(Html.escape(e.getKey())).append("</th><td>")
                        .append(Html.escape(e.getValue())).append("</td></tr>\n");
            }
            b.append("</table>\n");
        }

        b.append("<h2>Plots</h2>\n");
        figure(b, ReportWriter.LOSS, "Loss curves",
                "Training loss over time, one line per loss series. A falling curve means the model is learning"
                        + " from the stream.");
        figure(b, ReportWriter.QUALITY, "IoU and recall@1",
                "Segmentation quality (intersection over union of predicted and true objects) and embedding"
                        + " recall@1 (share of queries whose nearest neighbour has the same identity), on a"
                        + " 0 to 1 scale; higher is better.");
        figure(b, ReportWriter.THROUGHPUT, "Throughput",
                "Frames processed per second over time.");
        figure(b, ReportWriter.EXAMPLES, "Example frames",
                "Recent frames: the input (min-max scaled), the true mask and the predicted mask overlaid in"
                        + " colour (one colour per class, background left uncoloured).");
        figure(b, ReportWriter.EMBEDDINGS, "Embeddings",
                "The latest embeddings projected on their two principal components, coloured by identity;"
                        + " well separated clusters mean the embedding tells identities apart.");

        b.append("<h2>Series</h2>\n");
        if (s.series().isEmpty()) {
            b.append("<p>No series recorded yet.</p>\n");
        } else {
            b.append("<table>\n<tr><th>series</th><th>points recorded</th><th>points kept</th>")
                    .append("<th>last time (s)</th><th>last value</th></tr>\n");
            for (ReportData.Series series : s.series()) {
                int kept = series.seconds().length;
                b.append("<tr><td>").append(Html.escape(series.name())).append("</td><td>")
                        .append(series.received()).append("</td><td>").append(kept).append("</td><td>")
                        .append(kept == 0 ? "" : format(series.seconds()[kept - 1])).append("</td><td>")
                        .append(kept == 0 ? "" : format(series.values()[kept - 1])).append("</td></tr>\n");
            }
            b.append("</table>\n");
        }
        b.append("</body>\n</html>\n");
        return b.toString();
    }

    private static void figure(StringBuilder b, String file, String alt, String caption) {
        b.append("<figure>\n<img src=\"").append(Html.escape(file)).append("\" alt=\"").append(Html.escape(alt))
                .append("\">\n<figcaption><b>").append(Html.escape(alt)).append(".</b> ")
                .append(Html.escape(caption)).append("</figcaption>\n</figure>\n");
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
