package dev.pixelflow.simd.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Encodes and decodes checkpoint format v1 (byte layout in the package documentation). Decoding checks every
 * length against the bytes actually present before allocating, so a damaged or hostile file cannot make it
 * allocate more than the file's own size.
 */
public final class CheckpointFormat {
    /** {@code 0x89 'P' 'X' 'C' 'K' 'P' 'T' '\n'}. */
    static final byte[] MAGIC = {(byte) 0x89, 'P', 'X', 'C', 'K', 'P', 'T', '\n'};
    /** The format version this class writes and reads. */
    public static final int VERSION = 1;
    static final int HEADER = 24;
    static final int TRAILER = 8;
    static final int META = tag("META");
    static final int PARM = tag("PARM");
    static final int OPTM = tag("OPTM");
    static final int ARRS = tag("ARRS");
    static final int END = tag("END.");

    private CheckpointFormat() {
    }

    private static int tag(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | (b[3] & 0xFF) << 24;
    }

    private static String tagName(int t) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            int c = (t >>> (8 * i)) & 0xFF;
            sb.append(c >= 0x20 && c < 0x7F ? Character.toString(c) : String.format("\\x%02x", c));
        }
        return sb.toString();
    }

    // ================================================================== writing

    /** Writes {@code checkpoint} in format v1 to {@code out} (not closed, flushed). */
    public static void write(Checkpoint checkpoint, OutputStream out) throws IOException {
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(out, "out");
        Out o = new Out(out);
        o.bytes(MAGIC);
        o.u32(VERSION);
        o.u32(0);
        o.i64(checkpoint.step());
        section(o, META, checkpoint, CheckpointFormat::meta);
        section(o, PARM, checkpoint, CheckpointFormat::parameters);
        if (checkpoint.optimizer() != null) {
            section(o, OPTM, checkpoint, CheckpointFormat::optimizer);
        }
        if (!checkpoint.arrayMap().isEmpty()) {
            section(o, ARRS, checkpoint, CheckpointFormat::arrays);
        }
        o.u32(END);
        o.drain(); // the file checksum covers everything up to here
        o.u32((int) o.file.getValue());
        o.flush();
    }

    private interface Body {
        void write(Out o, Checkpoint c) throws IOException;
    }

    /** Tag, length (from a counting pass), body, CRC32C of the body. */
    private static void section(Out o, int tag, Checkpoint c, Body body) throws IOException {
        Out counter = new Out(null);
        body.write(counter, c);
        o.u32(tag);
        o.i64(counter.count);
        o.drain(); // the section checksum starts here
        o.section.reset();
        long start = o.count;
        body.write(o, c);
        assert o.count - start == counter.count;
        o.drain();
        o.u32((int) o.section.getValue());
    }

    private static void meta(Out o, Checkpoint c) throws IOException {
        o.u32(c.metadata().size());
        for (Map.Entry<String, String> e : c.metadata().entrySet()) {
            o.string(e.getKey());
            o.string(e.getValue());
        }
    }

    private static void parameters(Out o, Checkpoint c) throws IOException {
        o.u32(c.parameterMap().size());
        for (Map.Entry<String, Checkpoint.Param> e : c.parameterMap().entrySet()) {
            o.string(e.getKey());
            int[] shape = e.getValue().shape();
            o.u32(shape.length);
            for (int d : shape) {
                o.u32(d);
            }
            o.floats(e.getValue().values());
        }
    }

    private static void optimizer(Out o, Checkpoint c) throws IOException {
        Checkpoint.OptimizerState s = c.optimizer();
        o.string(s.type());
        o.i64(s.steps());
        o.u32(s.tensors().size());
        for (Map.Entry<String, float[]> e : s.tensors().entrySet()) {
            o.string(e.getKey());
            o.u32(e.getValue().length);
            o.floats(e.getValue());
        }
    }

    private static void arrays(Out o, Checkpoint c) throws IOException {
        o.u32(c.arrayMap().size());
        for (Map.Entry<String, Object> e : c.arrayMap().entrySet()) {
            o.string(e.getKey());
            switch (e.getValue()) {
                case float[] f -> {
                    o.u8(Checkpoint.ArrayType.FLOAT32.code);
                    o.u32(f.length);
                    o.floats(f);
                }
                case double[] d -> {
                    o.u8(Checkpoint.ArrayType.FLOAT64.code);
                    o.u32(d.length);
                    o.doubles(d);
                }
                case long[] l -> {
                    o.u8(Checkpoint.ArrayType.INT64.code);
                    o.u32(l.length);
                    o.longs(l);
                }
                default -> throw new IllegalStateException("unexpected array type " + e.getValue());
            }
        }
    }

    /** Little-endian output through a 64 KiB buffer, tracking the byte count and two CRC32Cs; counts only if null. */
    private static final class Out {
        final OutputStream out;
        final ByteBuffer buf;
        final CRC32C file = new CRC32C();
        final CRC32C section = new CRC32C();
        long count;

        Out(OutputStream out) {
            this.out = out;
            this.buf = out == null ? null : ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        }

        private void room(int n) throws IOException {
            count += n;
            if (buf.remaining() < n) {
                drain();
            }
        }

        private void drain() throws IOException {
            buf.flip();
            file.update(buf.array(), 0, buf.limit());
            section.update(buf.array(), 0, buf.limit());
            out.write(buf.array(), 0, buf.limit());
            buf.clear();
        }

        void flush() throws IOException {
            drain();
            out.flush();
        }

        void u8(int v) throws IOException {
            if (out == null) {
                count += 1;
                return;
            }
            room(1);
            buf.put((byte) v);
        }

        void u32(int v) throws IOException {
            if (out == null) {
                count += 4;
                return;
            }
            room(4);
            buf.putInt(v);
        }

        void i64(long v) throws IOException {
            if (out == null) {
                count += 8;
                return;
            }
            room(8);
            buf.putLong(v);
        }

        void bytes(byte[] b) throws IOException {
            if (out == null) {
                count += b.length;
                return;
            }
            for (byte x : b) {
                u8(x);
            }
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u32(b.length);
            bytes(b);
        }

        void floats(float[] a) throws IOException {
            if (out == null) {
                count += 4L * a.length;
                return;
            }
            for (float x : a) {
                room(4);
                buf.putFloat(x);
            }
        }

        void doubles(double[] a) throws IOException {
            if (out == null) {
                count += 8L * a.length;
                return;
            }
            for (double x : a) {
                room(8);
                buf.putDouble(x);
            }
        }

        void longs(long[] a) throws IOException {
            for (long x : a) {
                i64(x);
            }
        }
    }

    // ================================================================== reading

    /**
     * Decodes a whole checkpoint file held in {@code data}.
     *
     * @param source the file name for messages
     * @throws CorruptCheckpointException naming {@code source} and the problem
     */
    public static Checkpoint read(byte[] data, String source) throws CorruptCheckpointException {
        Objects.requireNonNull(data, "data");
        In in = new In(ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN), source);
        if (data.length < MAGIC.length) {
            throw in.corrupt("only " + data.length + " bytes; too short for a checkpoint");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (data[i] != MAGIC[i]) {
                throw in.corrupt("wrong magic bytes: not a pixelflow checkpoint");
            }
        }
        if (data.length < HEADER + TRAILER) {
            throw in.corrupt("only " + data.length + " bytes; truncated (a checkpoint has at least "
                    + (HEADER + TRAILER) + ")");
        }
        in.b.position(MAGIC.length);
        int version = in.b.getInt();
        if (version != VERSION) {
            throw in.corrupt("unsupported format version " + Integer.toUnsignedString(version) + " (this reader"
                    + " reads version " + VERSION + ")");
        }
        CRC32C crc = new CRC32C();
        crc.update(data, 0, data.length - 4);
        int stored = ByteBuffer.wrap(data, data.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if ((int) crc.getValue() != stored) {
            throw in.corrupt("file checksum mismatch (CRC32C " + hex((int) crc.getValue()) + ", stored "
                    + hex(stored) + "): the file is truncated or damaged");
        }
        int flags = in.b.getInt();
        if (flags != 0) {
            throw in.corrupt("unknown header flags " + hex(flags));
        }
        long step = in.b.getLong();
        if (step < 0) {
            throw in.corrupt("negative step " + step);
        }
        in.b.limit(data.length - TRAILER);
        Checkpoint.Builder cb = Checkpoint.builder(step);
        int[] order = {META, PARM, OPTM, ARRS};
        int next = 0;
        while (in.b.hasRemaining()) {
            int tag = in.u32("section tag");
            int at = -1;
            for (int i = next; i < order.length; i++) {
                if (order[i] == tag) {
                    at = i;
                }
            }
            if (at < 0) {
                throw in.corrupt("unexpected section '" + tagName(tag) + "' at byte " + (in.b.position() - 4)
                        + " (v1 sections are META, PARM, optional OPTM, optional ARRS, in this order)");
            }
            if (next < 2 && at != next) {
                throw in.corrupt("section " + tagName(order[next]) + " is missing");
            }
            next = at + 1;
            long length = in.i64("section length");
            if (length < 0 || length > in.b.remaining() - 4L) {
                throw in.corrupt("section " + tagName(tag) + " claims " + length + " bytes but only "
                        + Math.max(0, in.b.remaining() - 4) + " remain");
            }
            int start = in.b.position();
            int end = start + (int) length;
            CRC32C sc = new CRC32C();
            sc.update(data, start, (int) length);
            int sectionCrc = ByteBuffer.wrap(data, end, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if ((int) sc.getValue() != sectionCrc) {
                throw in.corrupt("section " + tagName(tag) + " checksum mismatch");
            }
            int outer = in.b.limit();
            in.b.limit(end);
            in.section = tagName(tag);
            if (tag == META) {
                readMeta(in, cb);
            } else if (tag == PARM) {
                readParameters(in, cb);
            } else if (tag == OPTM) {
                readOptimizer(in, cb);
            } else {
                readArrays(in, cb);
            }
            if (in.b.hasRemaining()) {
                throw in.corrupt(in.b.remaining() + " unread bytes at the end of the section");
            }
            in.section = null;
            in.b.limit(outer);
            in.b.position(end + 4);
        }
        if (next < 2) {
            throw in.corrupt("section " + tagName(order[next]) + " is missing");
        }
        in.b.limit(data.length);
        if (in.b.getInt() != END) {
            throw in.corrupt("missing end marker");
        }
        return cb.build();
    }

    private static void readMeta(In in, Checkpoint.Builder cb) throws CorruptCheckpointException {
        int n = in.count("metadata entries", 8);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String k = in.string("metadata key");
            String v = in.string("metadata value");
            if (!seen.add(k)) {
                throw in.corrupt("metadata key '" + k + "' appears twice");
            }
            cb.metadata(k, v);
        }
    }

    private static void readParameters(In in, Checkpoint.Builder cb) throws CorruptCheckpointException {
        int n = in.count("parameters", 12);
        for (int i = 0; i < n; i++) {
            String name = in.name("parameter");
            int rank = in.u32("rank of " + name);
            if (rank < 1 || rank > Checkpoint.MAX_RANK) {
                throw in.corrupt("parameter " + name + " has rank " + Integer.toUnsignedString(rank));
            }
            int[] shape = new int[rank];
            long size = 1;
            for (int d = 0; d < rank; d++) {
                shape[d] = in.u32("shape of " + name);
                if (shape[d] < 1) {
                    throw in.corrupt("parameter " + name + " has dimension " + Integer.toUnsignedString(shape[d]));
                }
                size *= shape[d];
                if (size > Integer.MAX_VALUE) {
                    throw in.corrupt("parameter " + name + " is too large");
                }
            }
            try {
                cb.parameter(name, shape, in.floats((int) size, name));
            } catch (IllegalArgumentException e) {
                throw in.corrupt(e.getMessage());
            }
        }
    }

    private static void readOptimizer(In in, Checkpoint.Builder cb) throws CorruptCheckpointException {
        String type = in.name("optimizer type");
        long steps = in.i64("optimizer steps");
        if (steps < 0) {
            throw in.corrupt("negative optimizer step count " + steps);
        }
        int n = in.count("optimizer state tensors", 8);
        Map<String, float[]> state = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String name = in.name("optimizer state tensor");
            int size = in.count("elements of " + name, 4);
            if (state.put(name, in.floats(size, name)) != null) {
                throw in.corrupt("optimizer state tensor " + name + " appears twice");
            }
        }
        cb.optimizerState(type, steps, state);
    }

    private static void readArrays(In in, Checkpoint.Builder cb) throws CorruptCheckpointException {
        int n = in.count("arrays", 9);
        for (int i = 0; i < n; i++) {
            String name = in.name("array");
            int code = in.u8("type of array " + name);
            Checkpoint.ArrayType t = Checkpoint.ArrayType.of(code);
            if (t == null) {
                throw in.corrupt("array " + name + " has unknown element type " + code);
            }
            int size = in.count("elements of " + name, t.bytes);
            try {
                switch (t) {
                    case FLOAT32 -> cb.array(name, in.floats(size, name));
                    case FLOAT64 -> {
                        double[] d = new double[size];
                        in.b.asDoubleBuffer().get(d);
                        in.b.position(in.b.position() + 8 * size);
                        cb.array(name, d);
                    }
                    case INT64 -> {
                        long[] l = new long[size];
                        in.b.asLongBuffer().get(l);
                        in.b.position(in.b.position() + 8 * size);
                        cb.array(name, l);
                    }
                }
            } catch (IllegalArgumentException e) {
                throw in.corrupt(e.getMessage());
            }
        }
    }

    private static String hex(int v) {
        return String.format("0x%08x", v);
    }

    /** Bounds-checked little-endian reads; every count is checked against the bytes left before allocating. */
    private static final class In {
        final ByteBuffer b;
        final String source;
        String section;

        In(ByteBuffer b, String source) {
            this.b = b;
            this.source = source;
        }

        CorruptCheckpointException corrupt(String problem) {
            return new CorruptCheckpointException(source, section == null ? problem
                    : "section " + section + ": " + problem);
        }

        private void need(long bytes, String what) throws CorruptCheckpointException {
            if (bytes > b.remaining()) {
                throw corrupt(what + " needs " + bytes + " bytes but only " + b.remaining() + " remain");
            }
        }

        int u8(String what) throws CorruptCheckpointException {
            need(1, what);
            return b.get() & 0xFF;
        }

        int u32(String what) throws CorruptCheckpointException {
            need(4, what);
            return b.getInt();
        }

        long i64(String what) throws CorruptCheckpointException {
            need(8, what);
            return b.getLong();
        }

        /** A count of items of at least {@code minBytes} each: must fit in the bytes left. */
        int count(String what, int minBytes) throws CorruptCheckpointException {
            long n = Integer.toUnsignedLong(u32("count of " + what));
            if (n * minBytes > b.remaining()) {
                throw corrupt(n + " " + what + " cannot fit in the " + b.remaining() + " bytes left");
            }
            return (int) n;
        }

        String string(String what) throws CorruptCheckpointException {
            long n = Integer.toUnsignedLong(u32("length of " + what));
            need(n, what);
            ByteBuffer slice = b.slice(b.position(), (int) n);
            b.position(b.position() + (int) n);
            try {
                CharBuffer cs = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice);
                return cs.toString();
            } catch (CharacterCodingException e) {
                throw corrupt(what + " is not valid UTF-8");
            }
        }

        String name(String what) throws CorruptCheckpointException {
            String s = string(what + " name");
            if (s.isEmpty()) {
                throw corrupt("empty " + what + " name");
            }
            return s;
        }

        float[] floats(int n, String what) throws CorruptCheckpointException {
            need(4L * n, "values of " + what);
            float[] a = new float[n];
            b.asFloatBuffer().get(a);
            b.position(b.position() + 4 * n);
            return a;
        }
    }
}
