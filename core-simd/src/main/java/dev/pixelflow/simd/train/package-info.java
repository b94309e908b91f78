/**
 * Training one batch at a time: the {@link dev.pixelflow.simd.train.Trainer} (forward, loss, backward, gradient
 * guard and clipping, optimizer update, snapshots, checkpoints), {@link dev.pixelflow.simd.train.Objective}s and
 * the ready-made {@link dev.pixelflow.simd.train.Objectives}, and the per-step
 * {@link dev.pixelflow.simd.train.StepResult}.
 *
 * <p>Types are non-null unless annotated {@link org.jspecify.annotations.Nullable @Nullable}.
 */
@NullMarked
package dev.pixelflow.simd.train;

import org.jspecify.annotations.NullMarked;
