/**
 * Optimizers with PyTorch's update rules ({@link dev.pixelflow.simd.optim.Sgd}, {@link dev.pixelflow.simd.optim.Adam}
 * for Adam and AdamW), learning-rate schedules, gradient clipping and a guard that skips steps with non-finite loss
 * or gradients.
 *
 * <p>Everything works on a {@link dev.pixelflow.simd.nn.Model}'s flat value and gradient blocks in one sweep;
 * optimizer state uses the same flat layout, so a checkpoint stores it as a few flat float32 arrays
 * ({@link dev.pixelflow.simd.optim.Optimizer#state()}, {@link dev.pixelflow.simd.optim.Optimizer#restoreState}).
 *
 * <p>A training step: forward, loss, backward, then
 * <pre>
 * GradientClipping.clipNorm(model, 1.0);                      // optional
 * guard.step(model, loss, optimizer, schedule.rate(optimizer.steps()));
 * </pre>
 *
 * <p>Types are non-null unless annotated {@link org.jspecify.annotations.Nullable @Nullable}.
 */
@NullMarked
package dev.pixelflow.simd.optim;

import org.jspecify.annotations.NullMarked;
