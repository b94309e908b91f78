package dev.pixelflow.connectors;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * How a predicted mask (a u8 class map, {@code height * width} bytes, row-major) is written to a
 * result record. Add {@link FrameHeaders#shape} {@code (H, W)} to raw masks so readers know the size.
 */
public enum MaskEncoding {
    /** The class map bytes as they are. */
    RAW,
    /** An 8-bit greyscale PNG whose pixel values are the class ids (same convention as {@link FrameHeaders#MASK}). */
    PNG;

    /** Encodes a class map of {@code height x width}. */
    public byte[] encode(byte[] classMap, int height, int width) {
        if (height < 1 || width < 1 || classMap.length != (long) height * width) {
            throw new IllegalArgumentException("class map of " + classMap.length + " bytes does not match "
                    + height + "x" + width);
        }
        if (this == RAW) {
            return classMap.clone();
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, width, height, classMap);
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + classMap.length / 4);
        try {
            if (!ImageIO.write(img, "png", out)) {
                throw new IllegalStateException("no PNG writer available");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
