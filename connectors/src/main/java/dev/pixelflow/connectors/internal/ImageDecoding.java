package dev.pixelflow.connectors.internal;

import dev.pixelflow.connectors.FrameDecodeException;
import dev.pixelflow.connectors.FrameLimits;
import dev.pixelflow.connectors.FrameTooLargeException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * PNG/JPEG decoding with javax.imageio that reads the image header first and checks its size against the
 * limits before any pixel is decoded. Internal: use {@code ImageFrames}.
 */
public final class ImageDecoding {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

    private ImageDecoding() {
    }

    public static boolean isPng(byte[] data) {
        if (data.length < PNG_SIGNATURE.length) {
            return false;
        }
        for (int i = 0; i < PNG_SIGNATURE.length; i++) {
            if (data[i] != PNG_SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }

    public static boolean isJpeg(byte[] data) {
        return data.length >= 3 && (data[0] & 0xFF) == 0xFF && (data[1] & 0xFF) == 0xD8 && (data[2] & 0xFF) == 0xFF;
    }

    /**
     * Decodes an image after checking its header: width, height, and the u8 frame size (channels as
     * {@link #channels} will count them, when the header tells) against the limits. The decoder's own
     * buffer is then at most 8 bytes per pixel (16-bit RGBA) of an image within the width and height limits.
     *
     * @param what names the image in error messages ("image", "mask header pixelflow.mask")
     */
    public static BufferedImage read(byte[] data, FrameLimits limits, String what) {
        // An in-memory stream: ImageIO.createImageInputStream may cache to a temporary file.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new FrameDecodeException(what + ": not a PNG or JPEG image (no reader for it)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width < 1 || height < 1) {
                    throw new FrameDecodeException(what + ": empty image " + height + "x" + width);
                }
                if (width > limits.maxWidth() || height > limits.maxHeight()) {
                    throw new FrameTooLargeException(what + " of " + height + "x" + width
                            + " pixels exceeds the limit of " + limits.maxHeight() + "x" + limits.maxWidth());
                }
                // Channels as the frame will keep them (alpha dropped), from the header when the reader knows.
                int channels = 1;
                ImageTypeSpecifier raw = reader.getRawImageType(0);
                if (raw != null && raw.getColorModel() != null) {
                    channels = channels(raw.getColorModel());
                }
                limits.check(channels, height, width, 1);
                BufferedImage image = reader.read(0);
                if (image == null) {
                    throw new FrameDecodeException(what + ": decoder returned no image");
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (FrameDecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new FrameDecodeException(what + ": cannot decode image: " + e, e);
        }
    }

    /**
     * 1 for a grey image (grey colour space, or a palette whose colours are all grey, as ImageIO gives
     * for 1-bit PNGs), 3 for anything else; alpha is dropped either way.
     */
    public static int channels(BufferedImage image) {
        return channels(image.getColorModel());
    }

    private static int channels(ColorModel cm) {
        return cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY || isGreyPalette(cm) ? 1 : 3;
    }

    private static boolean isGreyColourSpace(BufferedImage image) {
        return image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
    }

    private static boolean isGreyPalette(BufferedImage image) {
        return isGreyPalette(image.getColorModel());
    }

    private static boolean isGreyPalette(ColorModel cm) {
        if (!(cm instanceof IndexColorModel icm)) {
            return false;
        }
        for (int i = 0; i < icm.getMapSize(); i++) {
            if (icm.getRed(i) != icm.getGreen(i) || icm.getRed(i) != icm.getBlue(i)) {
                return false;
            }
        }
        return true;
    }

    /** The pixels as u8 CHW: grey scaled to 8 bits, colour as R, G, B planes; alpha dropped. */
    public static byte[] toChw(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int plane = w * h;
        if (isGreyPalette(image)) {
            byte[] out = new byte[plane];
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                image.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    out[y * w + x] = (byte) row[x]; // the blue byte; red and green are equal
                }
            }
            return out;
        }
        if (isGreyColourSpace(image)) {
            byte[] out = new byte[plane];
            Raster r = image.getRaster();
            int bits = r.getSampleModel().getSampleSize(0);
            int max = (1 << bits) - 1;
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int v = bits == 8 ? row[x] : bits > 8 ? row[x] >>> (bits - 8) : (row[x] * 255 + max / 2) / max;
                    out[y * w + x] = (byte) v;
                }
            }
            return out;
        }
        byte[] out = new byte[3 * plane];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                int i = y * w + x;
                out[i] = (byte) (argb >>> 16);
                out[plane + i] = (byte) (argb >>> 8);
                out[2 * plane + i] = (byte) argb;
            }
        }
        return out;
    }

    /**
     * A class map from a mask image: the raw first-band sample of each pixel (for a palette PNG, the
     * palette index), which must fit in 8 bits.
     */
    public static byte[] toClassMap(BufferedImage image, String what) {
        Raster r = image.getRaster();
        int bits = r.getSampleModel().getSampleSize(0);
        if (bits > 8) {
            throw new FrameDecodeException(what + ": mask samples have " + bits + " bits, class ids must fit in 8");
        }
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[w * h];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            r.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                out[y * w + x] = (byte) row[x];
            }
        }
        return out;
    }
}
