/**
 * Layers and models: immutable {@link dev.pixelflow.simd.nn.Layer}s, a {@link dev.pixelflow.simd.nn.Model} that
 * owns the trainable weights in one contiguous block, {@link dev.pixelflow.simd.nn.Pass}es that run forward and
 * backward with their own workspace, and immutable {@link dev.pixelflow.simd.nn.ModelSnapshot}s for inference
 * while training goes on.
 *
 * <p>Tensor layout is PyTorch's: images {@code [B, C, H, W]}, features {@code [B, F]}; each layer's Javadoc gives
 * its shape formula.
 *
 * <p>Types are non-null unless annotated {@link org.jspecify.annotations.Nullable @Nullable}.
 */
@NullMarked
package dev.pixelflow.simd.nn;

import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
