/**
 * pixelflow's numeric core, public API: {@link dev.pixelflow.simd.Tensor} (float32, NCHW, native memory),
 * {@link dev.pixelflow.simd.Workspace} (reusable scratch), {@link dev.pixelflow.simd.Ops} (every kernel,
 * argument-checked), the op specs ({@link dev.pixelflow.simd.Conv2dSpec}, {@link dev.pixelflow.simd.Pool2dSpec},
 * {@link dev.pixelflow.simd.Activation}) and NumPy interchange ({@link dev.pixelflow.simd.Npy}).
 * No incubator type appears here.
 *
 * <p>Types are non-null unless annotated {@link org.jspecify.annotations.Nullable @Nullable}.
 */
@NullMarked
package dev.pixelflow.simd;

import org.jspecify.annotations.NullMarked;
