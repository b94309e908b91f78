/**
 * The demo report: {@link dev.pixelflow.deploy.report.ReportData} collects metrics, example frames and
 * embeddings while the pipeline runs (from any thread), and {@link dev.pixelflow.deploy.report.ReportWriter}
 * turns a snapshot of it into a folder with {@code index.html} and PNG plots.
 *
 * <p>Pure JDK (Java2D and {@code javax.imageio}); everything is drawn into {@link java.awt.image.BufferedImage}s,
 * so it runs headless and sets no global state.
 */
package dev.pixelflow.deploy.report;
