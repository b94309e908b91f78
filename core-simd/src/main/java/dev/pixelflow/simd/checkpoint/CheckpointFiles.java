package dev.pixelflow.simd.checkpoint;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
     * Writes {@code checkpoint} to {@code file} atomically: into a temporary file in the same directory, forced to
     * the device ({@link FileChannel#force}), then renamed over {@code file} with an atomic move, and the directory
     * forced too where the platform allows. Readers see the old file or the new one, never a partial one; when
     * anything fails the temporary file is deleted and an existing {@code file} is left as it was.
     */
    public static void write(Path file, Checkpoint checkpoint) throws IOException {
        write(file, checkpoint, UnaryOperator.identity());
    }

    /** {@link #write(Path, Checkpoint)} with the output stream wrapped (tests inject failures with it). */
    static void write(Path file, Checkpoint checkpoint, UnaryOperator<OutputStream> wrap) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(checkpoint, "checkpoint");
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = wrap.apply(new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16));
                CheckpointFormat.write(checkpoint, out);
                out.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + target + " atomically: " + e.getMessage(), e);
            }
            done = true;
            forceDirectory(dir);
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Makes the rename durable; not every platform can open a directory, which is then skipped. */
    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: the file itself is already forced
        }
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
