package dev.pixelflow.simd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A dense float32 tensor in row-major (C) order on a native {@link MemorySegment}.
 *
 * <p>Image tensors use the NCHW layout: {@code [batch, channels, height, width]}; the last index varies
 * fastest. A tensor either <em>owns</em> its memory (it was created by {@link #zeros}, {@link #of} or
 * {@link #allocate}, and {@link #close()} frees it) or is a <em>view</em> of memory owned by someone else
 * (another tensor, a {@link Workspace}); closing a view does nothing. Every arena has exactly one owner.
 *
 * <p>Tensors may be read and written from any thread (kernels split work over a pool), but are not
 * synchronized: the owner decides who touches them when. Any access after the owning memory was freed
 * fails with an {@link IllegalStateException} that names the tensor's shape.
 */
public final class Tensor implements AutoCloseable {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final MemorySegment segment;
    private final int[] shape;
    private final long size;
    private final @Nullable Arena arena; // null for views

    private Tensor(MemorySegment segment, int[] shape, long size, @Nullable Arena arena) {
        this.segment = segment;
        this.shape = shape;
        this.size = size;
        this.arena = arena;
    }

    /** Allocates a zero-filled tensor that owns its memory; free it with {@link #close()}. */
    public static Tensor zeros(int... shape) {
        int[] s = checkShape(shape);
        long n = sizeOf(s);
        Arena arena = Arena.ofShared();
        try {
            MemorySegment seg = arena.allocate(Math.max(1, n) * Float.BYTES, 64);
            return new Tensor(seg.asSlice(0, n * Float.BYTES), s, n, arena);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** Same as {@link #zeros}: a new owning tensor (native memory is always zeroed on allocation). */
    public static Tensor allocate(int... shape) {
        return zeros(shape);
    }

    /** A new owning tensor with the given shape holding a copy of {@code values} (row-major order). */
    public static Tensor of(float[] values, int... shape) {
        int[] s = checkShape(shape);
        if (values.length != sizeOf(s)) {
            throw new IllegalArgumentException("values has " + values.length + " elements but shape "
                    + Arrays.toString(s) + " needs " + sizeOf(s));
        }
        Tensor t = zeros(s);
        t.copyFrom(values);
        return t;
    }

    /**
     * A view of {@code segment} as a tensor of the given shape, starting at its first byte. The segment
     * must be native, hold at least {@code product(shape)} floats, and stay alive while the view is used;
     * the view never frees it.
     */
    public static Tensor wrap(MemorySegment segment, int... shape) {
        int[] s = checkShape(shape);
        long n = sizeOf(s);
        if (!segment.isNative()) {
            throw new IllegalArgumentException("tensors live in native memory; got a heap segment");
        }
        if (segment.byteSize() < n * Float.BYTES) {
            throw new IllegalArgumentException("segment of " + segment.byteSize() + " bytes is too small for shape "
                    + Arrays.toString(s) + " (" + n * Float.BYTES + " bytes)");
        }
        return new Tensor(segment.asSlice(0, n * Float.BYTES), s, n, null);
    }

    // ---------------------------------------------------------------- shape

    /** The shape (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** Size of dimension {@code i}; negative {@code i} counts from the end. */
    public int dim(int i) {
        int j = i < 0 ? shape.length + i : i;
        if (j < 0 || j >= shape.length) {
            throw new IllegalArgumentException("dimension " + i + " out of range for shape " + shapeString());
        }
        return shape[j];
    }

    public int rank() {
        return shape.length;
    }

    /** Number of elements. */
    public long size() {
        return size;
    }

    /** True when this tensor has exactly the given shape. */
    public boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }

    /** The shape as text, e.g. {@code [16, 3, 128, 128]}. */
    public String shapeString() {
        return Arrays.toString(shape);
    }

    /** True for a tensor that owns its memory, false for a view. */
    public boolean ownsMemory() {
        return arena != null;
    }

    /** False once the memory behind this tensor (its own, or its owner's) has been freed. */
    public boolean isAlive() {
        return segment.scope().isAlive();
    }

    /**
     * The native memory behind this tensor: {@code size() * 4} bytes, floats in native byte order.
     *
     * @throws IllegalStateException when the memory was freed
     */
    public MemorySegment segment() {
        ensureAlive();
        return segment;
    }

    // ---------------------------------------------------------------- views

    /** A view with another shape over the same elements (same element count). */
    public Tensor reshape(int... newShape) {
        int[] s = checkShape(newShape);
        if (sizeOf(s) != size) {
            throw new IllegalArgumentException("cannot reshape " + shapeString() + " (" + size + " elements) to "
                    + Arrays.toString(s) + " (" + sizeOf(s) + " elements)");
        }
        ensureAlive();
        return new Tensor(segment, s, size, null);
    }

    /** A view of rows {@code [from, to)} along the first dimension (e.g. a sub-batch of an NCHW tensor). */
    public Tensor slice(int from, int to) {
        if (shape.length == 0) {
            throw new IllegalArgumentException("cannot slice a scalar tensor");
        }
        if (from < 0 || to > shape[0] || from > to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") out of range for first dimension of "
                    + shapeString());
        }
        ensureAlive();
        long inner = shape[0] == 0 ? 0 : size / shape[0];
        int[] s = shape.clone();
        s[0] = to - from;
        return new Tensor(segment.asSlice(from * inner * Float.BYTES, (to - from) * inner * Float.BYTES), s,
                (to - from) * inner, null);
    }

    // ---------------------------------------------------------------- element access (not for hot loops)

    public float get(int... index) {
        return segment().getAtIndex(F32, offsetOf(index));
    }

    public void set(float value, int... index) {
        segment().setAtIndex(F32, offsetOf(index), value);
    }

    /** Element {@code i} in row-major order. */
    public float getFlat(long i) {
        checkFlat(i);
        return segment().getAtIndex(F32, i);
    }

    public void setFlat(long i, float value) {
        checkFlat(i);
        segment().setAtIndex(F32, i, value);
    }

    public Tensor fill(float value) {
        MemorySegment s = segment();
        if (value == 0f) {
            s.fill((byte) 0);
        } else {
            for (long i = 0; i < size; i++) {
                s.setAtIndex(F32, i, value);
            }
        }
        return this;
    }

    /** Copies {@code values} (row-major) into this tensor. */
    public Tensor copyFrom(float[] values) {
        if (values.length != size) {
            throw new IllegalArgumentException("values has " + values.length + " elements, tensor " + shapeString()
                    + " has " + size);
        }
        MemorySegment.copy(values, 0, segment(), F32, 0, values.length);
        return this;
    }

    /** Copies another tensor with the same number of elements into this one. */
    public Tensor copyFrom(Tensor other) {
        if (other.size != size) {
            throw new IllegalArgumentException("cannot copy " + other.shapeString() + " into " + shapeString());
        }
        MemorySegment.copy(other.segment(), 0, segment(), 0, size * Float.BYTES);
        return this;
    }

    /** The elements in row-major order, as a new array. */
    public float[] toArray() {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("tensor " + shapeString() + " is too large for a Java array");
        }
        return segment().toArray(F32);
    }

    /** Frees the memory when this tensor owns it; a no-op for views and for a second call. */
    @Override
    public void close() {
        if (arena != null && arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "Tensor" + shapeString() + (isAlive() ? "" : " (closed)");
    }

    // ---------------------------------------------------------------- helpers

    private void ensureAlive() {
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException("tensor " + shapeString() + " was used after its memory was freed"
                    + (arena == null ? " (it is a view; its owner was closed)" : ""));
        }
    }

    private void checkFlat(long i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("flat index " + i + " out of range for " + shapeString());
        }
    }

    private long offsetOf(int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " has rank " + index.length
                    + ", tensor " + shapeString() + " has rank " + shape.length);
        }
        long off = 0;
        for (int d = 0; d < shape.length; d++) {
            if (index[d] < 0 || index[d] >= shape[d]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " out of range for "
                        + shapeString());
            }
            off = off * shape[d] + index[d];
        }
        return off;
    }

    static int[] checkShape(int[] shape) {
        if (shape == null) {
            throw new IllegalArgumentException("shape is null");
        }
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
        }
        sizeOf(shape);
        return shape.clone();
    }

    static long sizeOf(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n = Math.multiplyExact(n, (long) d);
        }
        if (n > Long.MAX_VALUE / Float.BYTES) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large");
        }
        return n;
    }
}
