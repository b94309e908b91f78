package dev.pixelflow.simd.checkpoint;

import java.io.IOException;

/**
 * A checkpoint file that cannot be decoded: too short, truncated, wrong magic, unsupported format version, a
 * checksum mismatch or an inconsistent structure. The message names the file (or stream) and the problem.
 */
public final class CorruptCheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String source;

    public CorruptCheckpointException(String source, String problem) {
        super("corrupt checkpoint " + source + ": " + problem);
        this.source = source;
    }

    /** The file or stream the checkpoint was read from. */
    public String source() {
        return source;
    }
}
