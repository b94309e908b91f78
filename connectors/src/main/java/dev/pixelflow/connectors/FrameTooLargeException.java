package dev.pixelflow.connectors;

/**
 * A frame whose declared size breaks the configured {@link FrameLimits}; thrown before allocating. A
 * {@link FrameDecodeException} (and so a Kafka {@code SerializationException}) like every other decode error.
 */
public class FrameTooLargeException extends FrameDecodeException {
    private static final long serialVersionUID = 1L;

    public FrameTooLargeException(String message) {
        super(message);
    }
}
