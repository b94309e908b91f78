package dev.pixelflow.simd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reusable scratch memory for one owner (a trainer, a model, a benchmark): a bump allocator over native
 * chunks that are kept between uses.
 *
 * <p>A training step calls {@link #reset()} and then takes the tensors it needs with {@link #take}. The
 * first steps grow the workspace; once a step's requests repeat (the steady state), every request is served
 * from the chunks already reserved and no native memory is allocated. {@link #nativeAllocations()} and
 * {@link #reservedBytes()} make that observable.
 *
 * <p>Tensors taken from a workspace are views: they are valid until the next {@link #reset()} (their
 * contents may then be overwritten) and unusable after {@link #close()}. A workspace is not thread-safe;
 * its single owner calls {@code take}/{@code reset}, while kernels may read and write the taken tensors from
 * any thread.
 */
public final class Workspace implements AutoCloseable {
    private static final long ALIGN = 64;
    private static final long MIN_CHUNK = 1L << 20;

    private final Arena arena = Arena.ofShared();
    private final List<MemorySegment> chunks = new ArrayList<>();
    private int chunk;
    private long used;
    private long reserved;
    private long allocations;
    private long highWater;
    private long inUse;

    /** Creates an empty workspace; memory is reserved on first use. */
    public Workspace() {
    }

    /** Creates a workspace with {@code bytes} reserved up front. */
    public Workspace(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("initial workspace size must be >= 0, got " + bytes);
        }
        if (bytes > 0) {
            addChunk(bytes);
        }
    }

    /**
     * A scratch tensor of the given shape. Its contents are unspecified (whatever the previous user left);
     * use {@link #takeZeroed} when the algorithm accumulates into it.
     */
    public Tensor take(int... shape) {
        int[] s = Tensor.checkShape(shape);
        long bytes = Tensor.sizeOf(s) * Float.BYTES;
        return Tensor.wrap(bytes(bytes), s);
    }

    /** Like {@link #take} but filled with zeros. */
    public Tensor takeZeroed(int... shape) {
        Tensor t = take(shape);
        t.segment().fill((byte) 0);
        return t;
    }

    /** Makes all memory available again; tensors taken before become invalid (their contents will change). */
    public void reset() {
        ensureOpen();
        chunk = 0;
        used = 0;
        inUse = 0;
    }

    /** Number of native allocations made so far: constant in steady state. */
    public long nativeAllocations() {
        return allocations;
    }

    /** Native bytes reserved by this workspace. */
    public long reservedBytes() {
        return reserved;
    }

    /** The largest number of bytes handed out between two resets. */
    public long highWaterBytes() {
        return highWater;
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
            chunks.clear();
        }
    }

    private MemorySegment bytes(long bytes) {
        ensureOpen();
        long need = Math.max(ALIGN, (bytes + ALIGN - 1) & -ALIGN);
        while (chunk < chunks.size()) {
            MemorySegment c = chunks.get(chunk);
            if (c.byteSize() - used >= need) {
                MemorySegment out = c.asSlice(used, Math.max(bytes, 1));
                used += need;
                track(need);
                return out;
            }
            chunk++;
            used = 0;
        }
        long last = chunks.isEmpty() ? 0 : chunks.get(chunks.size() - 1).byteSize();
        addChunk(Math.max(need, Math.max(MIN_CHUNK, 2 * last)));
        chunk = chunks.size() - 1;
        MemorySegment out = chunks.get(chunk).asSlice(0, Math.max(bytes, 1));
        used = need;
        track(need);
        return out;
    }

    private void track(long need) {
        inUse += need;
        highWater = Math.max(highWater, inUse);
    }

    private void addChunk(long bytes) {
        chunks.add(arena.allocate(bytes, ALIGN));
        reserved += bytes;
        allocations++;
    }

    private void ensureOpen() {
        if (!arena.scope().isAlive()) {
            throw new IllegalStateException("workspace was used after close()");
        }
    }

    @Override
    public String toString() {
        return "Workspace[reserved=" + reserved + " B in " + chunks.size() + " chunks, allocations=" + allocations
                + ", highWater=" + highWater + " B]" + (arena.scope().isAlive() ? "" : " (closed)")
                + (chunks.isEmpty() ? "" : " " + Arrays.toString(chunks.stream().mapToLong(MemorySegment::byteSize).toArray()));
    }
}
