package dev.pixelflow.streams.cluster;

import dev.pixelflow.simd.checkpoint.Checkpoint;
import dev.pixelflow.simd.checkpoint.CheckpointFiles;
import dev.pixelflow.simd.checkpoint.CorruptCheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ModelStore} in a folder that every node can reach (a shared volume, or the local disk of a one-machine
 * cluster): one file {@code <key>.avg} per model key, written atomically, so a reader sees the old or the new
 * version, never half of one.
 *
 * <p>Each file is a pixelflow checkpoint ({@link CheckpointFiles}, with its checksums and validation) whose step
 * is the model version and whose one parameter, {@value #PARAMETER}, holds the averaged parameters as a vector.
 * A damaged file, or a checkpoint of anything else, is reported, not used.
 */
public final class FileModelStore implements ModelStore {
    /** The name of the averaged parameter vector in the file. */
    static final String PARAMETER = "averaged";

    private final Path dir;

    public FileModelStore(Path dir) {
        this.dir = dir;
    }

    public Path file(String key) {
        if (!key.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("model key '" + key + "' must be letters, digits, '.', '_' or '-'");
        }
        return dir.resolve(key + ".avg");
    }

    @Override
    public @Nullable Saved load(String key) throws IOException {
        Path f = file(key);
        Checkpoint c;
        try {
            c = CheckpointFiles.read(f);
        } catch (NoSuchFileException e) {
            return null;
        }
        if (!c.parameterNames().equals(List.of(PARAMETER))) {
            throw new CorruptCheckpointException(f.toString(), "not an averaged model: its parameters are "
                    + c.parameterNames() + ", expected [" + PARAMETER + "]");
        }
        return new Saved(c.step(), c.parameterValues(PARAMETER));
    }

    @Override
    public void save(String key, long version, float[] parameters) throws IOException {
        if (parameters.length == 0) {
            throw new IllegalArgumentException("an averaged model of " + key + " needs parameters, got none");
        }
        Path f = file(key);
        Files.createDirectories(dir);
        CheckpointFiles.write(f, Checkpoint.builder(version)
                .metadata("content", "averaged model " + key)
                .parameter(PARAMETER, new int[] {parameters.length}, parameters)
                .build());
    }
}
