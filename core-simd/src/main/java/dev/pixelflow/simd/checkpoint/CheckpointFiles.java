package dev.pixelflow.simd.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checkpoint files: atomic writes, validated reads, and a naming scheme {@code checkpoint-<step>.pxck} (the step
 * zero-padded to 19 digits, so names sort by step) for a directory of checkpoints.
 */
public final class CheckpointFiles {
    /** File name extension of checkpoints. */
    public static final String EXTENSION = ".pxck";
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d{1,19})\\.pxck");

    private CheckpointFiles() {
    }

    /**
     * Writes {@code checkpoint} to {@code file} atomically ({@link AtomicFile}): readers see the old file or the new
     * one, never a partial one; when anything fails an existing {@code file} is left as it was.
     */
    public static void write(Path file, Checkpoint checkpoint) throws IOException {
        write(file, checkpoint, UnaryOperator.identity());
    }

    /** {@link #write(Path, Checkpoint)} with the output stream wrapped (tests inject failures with it). */
    static void write(Path file, Checkpoint checkpoint, UnaryOperator<OutputStream> wrap) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(checkpoint, "checkpoint");
        AtomicFile.write(file, out -> {
            OutputStream w = wrap.apply(out);
            CheckpointFormat.write(checkpoint, w);
            w.flush();
        });
    }

    /**
     * Reads and validates a checkpoint.
     *
     * @throws CorruptCheckpointException when the file is truncated, damaged, not a checkpoint or of an unsupported
     *     version (the message names the file and the problem)
     * @throws IOException when the file cannot be read
     */
    public static Checkpoint read(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE - 8) {
            throw new CorruptCheckpointException(file.toString(), "file of " + size + " bytes is larger than the"
                    + " 2 GiB this reader supports");
        }
        return CheckpointFormat.read(Files.readAllBytes(file), file.toString());
    }

    /** The conventional path of the checkpoint for {@code step} in {@code dir}. */
    public static Path path(Path dir, long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        return dir.resolve(String.format("checkpoint-%019d%s", step, EXTENSION));
    }

    /** The checkpoints in {@code dir} named by {@link #path}, newest (highest step) first; empty if none. */
    public static List<Path> list(Path dir) throws IOException {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "checkpoint-*" + EXTENSION)) {
            for (Path p : s) {
                if (step(p) >= 0 && Files.isRegularFile(p)) {
                    found.add(p);
                }
            }
        }
        found.sort(Comparator.comparingLong(CheckpointFiles::step).reversed());
        return found;
    }

    /** The newest checkpoint in {@code dir} (see {@link #list}), if any. */
    public static Optional<Path> latest(Path dir) throws IOException {
        List<Path> all = list(dir);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    /** The step in a conventional file name, or -1. */
    static long step(Path p) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (!m.matches()) {
            return -1;
        }
        try {
            return Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
