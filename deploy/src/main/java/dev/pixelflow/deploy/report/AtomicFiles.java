package dev.pixelflow.deploy.report;

import dev.pixelflow.simd.checkpoint.AtomicFile;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * The report's whole-file writes, through {@link AtomicFile}: a reader (a browser reloading the page) sees either
 * the old file or the complete new one, never a partial one.
 */
final class AtomicFiles {

    private AtomicFiles() {
    }

    static void writePng(Path target, BufferedImage image) throws IOException {
        AtomicFile.write(target, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer available in javax.imageio");
            }
        });
    }

    static void writeText(Path target, String text) throws IOException {
        AtomicFile.write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }
}
