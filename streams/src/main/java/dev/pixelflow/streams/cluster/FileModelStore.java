package dev.pixelflow.streams.cluster;

import dev.pixelflow.simd.checkpoint.AtomicFile;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ModelStore} in a folder that every node can reach (a shared volume, or the local disk of a one-machine
 * cluster): one file {@code <key>.avg} per model key, written to a temporary file and renamed, so a reader sees
 * the old or the new version, never half of one.
 *
 * <p>File layout (big-endian): magic {@code "PFAV"}, format 1 (int), version (long), count (int), the
 * parameters as float32 little-endian, CRC32 of everything before it (long). A damaged file is reported, not
 * used.
 */
public final class FileModelStore implements ModelStore {
    private static final int MAGIC = 0x50464156; // "PFAV"
    private static final int FORMAT = 1;

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
        byte[] all;
        try {
            all = Files.readAllBytes(f);
        } catch (NoSuchFileException e) {
            return null;
        }
        if (all.length < 28) {
            throw new IOException(f + ": truncated averaged model (" + all.length + " bytes)");
        }
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 8);
        long stored = ByteBuffer.wrap(all, all.length - 8, 8).getLong();
        if (stored != crc.getValue()) {
            throw new IOException(f + ": checksum mismatch, the averaged model is damaged");
        }
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(all))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(f + ": not an averaged model file (bad magic)");
            }
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IOException(f + ": averaged model format " + format + " is not supported (expected "
                        + FORMAT + ")");
            }
            long version = in.readLong();
            int count = in.readInt();
            if (count < 0 || 20 + 4L * count + 8 != all.length) {
                throw new IOException(f + ": " + count + " parameters do not match the file size " + all.length);
            }
            float[] p = new float[count];
            ByteBuffer.wrap(all, 20, 4 * count).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(p);
            return new Saved(version, p);
        }
    }

    @Override
    public void save(String key, long version, float[] parameters) throws IOException {
        Path f = file(key);
        Files.createDirectories(dir);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(28 + 4 * parameters.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            out.writeLong(version);
            out.writeInt(parameters.length);
            out.write(ParameterBlob.bytes(parameters));
        }
        byte[] body = bytes.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(body);
        long checksum = crc.getValue();
        AtomicFile.write(f, out -> {
            out.write(body);
            out.write(ByteBuffer.allocate(8).putLong(checksum).array());
        });
    }
}
