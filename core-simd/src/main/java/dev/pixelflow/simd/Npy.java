package dev.pixelflow.simd;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0-3.0) holding little-endian float32 arrays
 * in C order ({@code dtype '<f4'}, {@code fortran_order False}), the layout of a {@link Tensor}. Other
 * dtypes and Fortran order are rejected with an {@link IOException} naming what the file holds, before any
 * tensor memory is allocated.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int MAX_HEADER = 1 << 20;

    private Npy() {
    }

    /** Reads a float32 array into a new tensor that owns its memory. */
    public static Tensor read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /** Reads a float32 array from a stream; {@code name} is used in error messages. */
    public static Tensor read(InputStream stream, String name) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        byte[] magic = new byte[6];
        readFully(in, magic, name);
        for (int i = 0; i < MAGIC.length; i++) {
            if (magic[i] != MAGIC[i]) {
                throw new IOException(name + ": not a .npy file (bad magic)");
            }
        }
        int major = in.readUnsignedByte();
        in.readUnsignedByte();
        long headerLen;
        if (major == 1) {
            headerLen = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
        } else if (major == 2 || major == 3) {
            headerLen = Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
        } else {
            throw new IOException(name + ": unsupported .npy format version " + major);
        }
        if (headerLen > MAX_HEADER) {
            throw new IOException(name + ": .npy header of " + headerLen + " bytes is too large");
        }
        byte[] header = new byte[(int) headerLen];
        readFully(in, header, name);
        String h = new String(header, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, h, "descr", name);
        if (!descr.equals("<f4") && !(descr.equals("|f4"))) {
            throw new IOException(name + ": dtype '" + descr + "' is not supported; pixelflow reads float32 "
                    + "little-endian ('<f4'); convert with arr.astype('<f4')");
        }
        if (group(FORTRAN, h, "fortran_order", name).equals("True")) {
            throw new IOException(name + ": Fortran-order arrays are not supported; save np.ascontiguousarray(arr)");
        }
        int[] shape = parseShape(group(SHAPE, h, "shape", name), name);
        long count = 1;
        for (int d : shape) {
            count = Math.multiplyExact(count, d);
        }
        Tensor t = Tensor.zeros(shape);
        try {
            MemorySegment seg = t.segment();
            byte[] buf = new byte[64 * 1024];
            long bytes = count * Float.BYTES;
            long done = 0;
            while (done < bytes) {
                int want = (int) Math.min(buf.length, bytes - done);
                int got = in.read(buf, 0, want);
                if (got < 0) {
                    throw new EOFException(name + ": truncated .npy data: expected " + bytes + " bytes for shape "
                            + t.shapeString() + ", got " + done);
                }
                MemorySegment.copy(buf, 0, seg, ValueLayout.JAVA_BYTE, done, got);
                done += got;
            }
            if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
                for (long i = 0; i < count; i++) {
                    seg.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, seg.getAtIndex(LE_FLOAT, i));
                }
            }
            return t;
        } catch (IOException | RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** Writes a tensor as a version 1.0 {@code .npy} file, atomically (temporary file, then rename). */
    public static void write(Tensor tensor, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                write(tensor, out);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes a tensor in {@code .npy} format 1.0 to a stream. */
    public static void write(Tensor tensor, OutputStream out) throws IOException {
        int[] shape = tensor.shape();
        StringBuilder sb = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            sb.append(shape[i]);
            if (shape.length == 1 || i < shape.length - 1) {
                sb.append(shape.length == 1 ? "," : ", ");
            }
        }
        sb.append("), }");
        int unpadded = MAGIC.length + 4 + sb.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        sb.append(" ".repeat(pad)).append('\n');
        byte[] header = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.write(MAGIC);
        head.write(1);
        head.write(0);
        head.write(header.length & 0xff);
        head.write((header.length >>> 8) & 0xff);
        head.write(header);
        out.write(head.toByteArray());
        MemorySegment seg = tensor.segment();
        byte[] buf = new byte[64 * 1024];
        long bytes = tensor.size() * Float.BYTES;
        for (long done = 0; done < bytes; ) {
            int n = (int) Math.min(buf.length, bytes - done);
            if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
                MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, done, buf, 0, n);
            } else {
                MemorySegment dst = MemorySegment.ofArray(buf);
                for (int i = 0; i < n / Float.BYTES; i++) {
                    dst.setAtIndex(LE_FLOAT, i, seg.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, done / 4 + i));
                }
            }
            out.write(buf, 0, n);
            done += n;
        }
    }

    private static String group(Pattern p, String header, String key, String name) throws IOException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IOException(name + ": .npy header has no '" + key + "': " + header.strip());
        }
        return m.group(1);
    }

    private static int[] parseShape(String s, String name) throws IOException {
        List<Integer> dims = new ArrayList<>();
        for (String part : s.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            try {
                long v = Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p);
                if (v < 0 || v > Integer.MAX_VALUE) {
                    throw new IOException(name + ": .npy dimension " + v + " out of range");
                }
                dims.add((int) v);
            } catch (NumberFormatException e) {
                throw new IOException(name + ": bad .npy shape (" + s + ")");
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void readFully(DataInputStream in, byte[] b, String name) throws IOException {
        try {
            in.readFully(b);
        } catch (EOFException e) {
            throw new EOFException(name + ": truncated .npy header");
        }
    }
}
