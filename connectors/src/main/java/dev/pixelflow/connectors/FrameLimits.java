package dev.pixelflow.connectors;

/**
 * Upper bounds on a decoded frame, checked from its header before any memory is allocated, so that a
 * corrupt or hostile record can never make a decoder allocate gigabytes.
 *
 * @param maxWidth    largest width in pixels
 * @param maxHeight   largest height in pixels
 * @param maxChannels largest number of channels
 * @param maxBytes    largest decoded payload in bytes ({@code channels * height * width * bytesPerValue})
 */
public record FrameLimits(int maxWidth, int maxHeight, int maxChannels, long maxBytes) {

    /** 4096 x 4096 pixels, 4 channels, 64 MiB decoded. */
    public static final FrameLimits DEFAULT = new FrameLimits(4096, 4096, 4, 64L << 20);

    public FrameLimits {
        if (maxWidth < 1 || maxHeight < 1 || maxChannels < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("frame limits must all be >= 1, got width " + maxWidth + ", height "
                    + maxHeight + ", channels " + maxChannels + ", bytes " + maxBytes);
        }
    }

    /**
     * Checks a frame's declared geometry and returns its decoded size in bytes.
     *
     * @throws FrameTooLargeException naming the first limit the frame breaks
     */
    public long check(int channels, int height, int width, int bytesPerValue) {
        if (channels < 1 || height < 1 || width < 1 || bytesPerValue < 1) {
            throw new FrameTooLargeException("frame has an empty or negative size: " + channels + " channels, "
                    + height + "x" + width + " pixels, " + bytesPerValue + " bytes per value");
        }
        if (width > maxWidth || height > maxHeight) {
            throw new FrameTooLargeException("frame of " + height + "x" + width + " pixels exceeds the limit of "
                    + maxHeight + "x" + maxWidth);
        }
        if (channels > maxChannels) {
            throw new FrameTooLargeException("frame has " + channels + " channels, the limit is " + maxChannels);
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(Math.multiplyExact((long) channels * height, (long) width), (long) bytesPerValue);
        } catch (ArithmeticException overflow) {
            bytes = Long.MAX_VALUE;
        }
        if (bytes > maxBytes) {
            throw new FrameTooLargeException("frame of " + channels + "x" + height + "x" + width + " values at "
                    + bytesPerValue + " bytes each needs " + bytes + " bytes, the limit is " + maxBytes);
        }
        return bytes;
    }
}
