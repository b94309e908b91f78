package dev.pixelflow.connectors;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record value that is not a valid frame: bad magic or version, a size field that disagrees with the
 * bytes present, a checksum mismatch, an undecodable image. The message names the field and the values
 * found. Thrown before any buffer sized from the record is allocated.
 */
public class FrameDecodeException extends SerializationException {
    private static final long serialVersionUID = 1L;

    public FrameDecodeException(String message) {
        super(message);
    }

    public FrameDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
