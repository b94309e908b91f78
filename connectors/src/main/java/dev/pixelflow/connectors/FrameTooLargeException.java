package dev.pixelflow.connectors;

import org.apache.kafka.common.errors.SerializationException;

/** A frame whose declared size breaks the configured {@link FrameLimits}; thrown before allocating. */
public class FrameTooLargeException extends SerializationException {
    private static final long serialVersionUID = 1L;

    public FrameTooLargeException(String message) {
        super(message);
    }
}
