package dev.pixelflow.simd.kotlin

import dev.pixelflow.simd.Activation
import dev.pixelflow.simd.Conv2dSpec
import dev.pixelflow.simd.Ops
import dev.pixelflow.simd.Tensor
import dev.pixelflow.simd.checkpoint.CheckpointFiles
import dev.pixelflow.simd.loss.BinaryCrossEntropy
import dev.pixelflow.simd.metrics.ConfusionMatrix
import dev.pixelflow.simd.models.FcnSegmenter
import dev.pixelflow.simd.nn.ActivationLayer
import dev.pixelflow.simd.nn.Conv2d
import dev.pixelflow.simd.nn.Model
import dev.pixelflow.simd.nn.Parameter
import dev.pixelflow.simd.nn.Sequential
import dev.pixelflow.simd.optim.Sgd
import dev.pixelflow.simd.optim.Optimizer
import dev.pixelflow.simd.train.Objectives
import dev.pixelflow.simd.train.Trainer
import java.nio.file.Path
import java.util.SplittableRandom
import kotlin.reflect.KType
import kotlin.reflect.typeOf
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

/**
 * The public API as a Kotlin caller sees it: tensors closed with `use {}`, ops, a small network trained by hand,
 * snapshots, argument errors, and the JSpecify nullness of the `@NullMarked` packages.
 */
class KotlinApiTest {
    private val ops: Ops = Ops.defaults()

    /** Plain SGD over the whole model: values -= lr * gradients, one sweep over the contiguous blocks. */
    private fun sgd(model: Model, lr: Float) = ops.axpy(-lr, model.gradients(), model.values())

    // ---------------------------------------------------------------- tensors and ops

    @Test
    fun `tensors are AutoCloseable and ops write into given outputs`() {
        Tensor.of(floatArrayOf(1f, -2f, 3f, -4f), 2, 2).use { a ->
            Tensor.zeros(2, 2).use { out ->
                ops.activation(Activation.RELU, a, out)
                assertArrayEquals(floatArrayOf(1f, 0f, 3f, 0f), out.toArray())
                ops.axpy(2f, a, out)
                assertArrayEquals(floatArrayOf(3f, -4f, 9f, -8f), out.toArray())
                assertEquals(0f, ops.sum(out))
            }
            assertTrue(a.isAlive)
        }
    }

    @Test
    fun `a convolution without bias takes null`() {
        val spec = Conv2dSpec.of(1, 1)
        Tensor.zeros(1, 1, 4, 4).use { x ->
            Tensor.zeros(2, 1, 3, 3).use { w ->
                Tensor.zeros(*Ops.conv2dOutputShape(x.shape(), w.shape(), spec)).use { y ->
                    x.fill(1f)
                    w.fill(1f)
                    ops.conv2d(x, w, null, spec, y)
                    assertEquals(4f, y.get(0, 1, 0, 0)) // corner: 2x2 ones inside the zero padding
                    assertEquals(9f, y.get(0, 0, 1, 1))
                }
            }
        }
    }

    // ---------------------------------------------------------------- training a network by hand

    @Test
    fun `a small network learns to segment bright pixels`() {
        val bce = BinaryCrossEntropy.builder().build()
        val random = SplittableRandom(7)
        Model.create(segmenter(), 42).use { model ->
            model.newPass(ops).use { pass ->
                Batch(4).use { b ->
                    val losses = (0 until STEPS).map { step ->
                        b.fill(random)
                        val logits = pass.forward(b.x, true, step.toLong())
                        // The loss package is not annotated yet: its nulls pass as platform types.
                        val loss = bce.forward(logits, b.target, null, null, b.grad, null)
                        pass.backward(b.grad)
                        sgd(model, LEARNING_RATE)
                        loss
                    }
                    val first = losses.take(5).average()
                    val last = losses.takeLast(5).average()
                    assertTrue(losses.all { it.isFinite() }, "losses $losses")
                    assertTrue(last < first / 5, "loss fell only from $first to $last: $losses")
                }
            }
        }
    }

    @Test
    fun `a snapshot predicts what the live model predicts when it is taken`() {
        Model.create(segmenter(), 5).use { model ->
            model.newPass(ops).use { pass ->
                Batch(2).use { b ->
                    b.fill(SplittableRandom(11))
                    b.grad.fill(0.1f)
                    fun step(seed: Long) {
                        pass.forward(b.x, true, seed)
                        pass.backward(b.grad)
                        sgd(model, LEARNING_RATE)
                    }
                    step(0)

                    val snapshot = model.snapshot(1)
                    val live = pass.predict(b.x).toArray()
                    val frozen = snapshot.newPass(ops).use { it.predict(b.x).toArray() }
                    assertArrayEquals(live, frozen)
                    assertEquals(1L, snapshot.version())

                    step(1)
                    assertFalse(live.contentEquals(pass.predict(b.x).toArray()), "the model trained on")
                    assertArrayEquals(frozen, snapshot.newPass(ops).use { it.predict(b.x).toArray() })
                }
            }
        }
    }

    // ---------------------------------------------------------------- trainer, snapshots and checkpoints

    /** Bright 3x3 squares on dark noise; the masks mark them. */
    private fun squares(x: Tensor, y: Tensor, random: SplittableRandom) {
        val (b, _, h, w) = x.shape()
        for (n in 0 until b) {
            val cy = random.nextInt(h - 3)
            val cx = random.nextInt(w - 3)
            for (i in 0 until h) for (j in 0 until w) {
                val inside = i in cy until cy + 3 && j in cx until cx + 3
                x.set((random.nextDouble() * 0.4).toFloat() + if (inside) 0.8f else 0f, n, 0, i, j)
                y.set(if (inside) 1f else 0f, n, 0, i, j)
            }
        }
    }

    @Test
    fun `a segmenter trains through the Trainer and resumes from a checkpoint`(@TempDir dir: Path) {
        val random = SplittableRandom(11)
        fun newTrainer(model: Model, sgd: Optimizer): Trainer<Tensor> =
            Trainer.builder(model, Objectives.binarySegmentation(BinaryCrossEntropy.builder().build()), sgd)
                .learningRate(0.1)
                .clipGradientNorm(1.0)
                .build()

        val net = { FcnSegmenter.builder().inChannels(1).width(4).depth(1).build() }
        Model.create(net(), 1).use { model ->
            Sgd.builder().momentum(0.9).build().use { sgd ->
                newTrainer(model, sgd).use { trainer ->
                    Tensor.zeros(4, 1, 16, 16).use { x ->
                        Tensor.zeros(4, 1, 16, 16).use { y ->
                            val results = (1..80).map { squares(x, y, random); trainer.step(x, y) }
                            assertTrue(results.all { it.applied() && it.skipReason() == null })
                            val first = results.take(5).map { it.loss() }.average()
                            val last = results.takeLast(5).map { it.loss() }.average()
                            assertTrue(last < first / 2, "loss $first -> $last")
                            assertTrue(results.last().metric("objectIoU") >= 0.0)

                            val file = CheckpointFiles.path(dir, trainer.steps())
                            CheckpointFiles.write(file, trainer.checkpoint(mapOf("source" to "kotlin")))
                            val snapshot = trainer.snapshot()
                            assertEquals(80L, snapshot.version())

                            // A new model, optimizer and trainer resume where this one stopped.
                            Model.create(net(), 99).use { model2 ->
                                Sgd.builder().momentum(0.9).build().use { sgd2 ->
                                    newTrainer(model2, sgd2).use { resumed ->
                                        resumed.restore(CheckpointFiles.read(file))
                                        assertEquals(80L, resumed.steps())
                                        assertArrayEquals(model.values().toArray(), model2.values().toArray())
                                        squares(x, y, SplittableRandom(5))
                                        // Same weights, same optimizer state, same batch: the same step. (Equal up
                                        // to the last bits of the vector exp/log, which may round differently
                                        // before and after JIT compilation.)
                                        val a = trainer.step(x, y)
                                        val b = resumed.step(x, y)
                                        assertEquals(a.loss(), b.loss(), 1e-6)
                                        assertArrayEquals(model.values().toArray(), model2.values().toArray(), 1e-6f)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- argument errors

    @Test
    fun `a wrongly shaped input is rejected with a message naming the shapes`() {
        Model.create(segmenter(), 1).use { model ->
            model.newPass(ops).use { pass ->
                Tensor.zeros(1, 3, SIZE, SIZE).use { rgb ->
                    val e = assertThrows<IllegalArgumentException> { pass.forward(rgb, true, 0) }
                    val message = e.message.orEmpty()
                    assertTrue("[B, 1, H, W]" in message && "[1, 3, 8, 8]" in message, message)
                }
            }
        }
        Tensor.zeros(2, 3).use { a ->
            Tensor.zeros(3, 2).use { b ->
                Tensor.zeros(2, 2).use { c ->
                    val e = assertThrows<IllegalArgumentException> { ops.matmul(a, a, c) }
                    assertTrue("[2, 3]" in e.message.orEmpty(), e.message)
                    ops.matmul(a, b, c)
                }
            }
        }
    }

    // ---------------------------------------------------------------- nullness seen by Kotlin

    @Test
    fun `nullable results of the NullMarked API are Kotlin nullable types`() {
        val plain = Conv2d.builder(1, 1, 3).bias(false).build()
        val withBias = Conv2d.same(1, 2, 3)
        // bias() is @Nullable: Kotlin types it Parameter? and insists on ?. or a null check (no !! needed).
        assertNull(plain.bias()?.shape())
        assertEquals(2L, withBias.bias()?.size() ?: 0L)
        assertEquals(0, ConfusionMatrix.of(2).classWeights()?.size ?: 0)

        // The static types the compiler inferred, recorded by typeOf: nullable where annotated, non-null elsewhere.
        assertTrue(staticType(plain.bias()).isMarkedNullable)
        assertTrue(staticType(ConfusionMatrix.of(2).classWeights()).isMarkedNullable)
        assertFalse(staticType(plain.weight()).isMarkedNullable)
        assertFalse(staticType(Tensor.zeros(1).use { it.shape() }).isMarkedNullable)
        val weight: Parameter = plain.weight()
        assertEquals(9L, weight.size())
    }

    /**
     * A batch of [n] single-channel [SIZE]x[SIZE] images: input [x], the [target] mask of its bright pixels, and
     * [grad] for dL/dlogits; all `[n, 1, SIZE, SIZE]`.
     */
    private class Batch(n: Int) : AutoCloseable {
        val x: Tensor = Tensor.zeros(n, 1, SIZE, SIZE)
        val target: Tensor = Tensor.zeros(n, 1, SIZE, SIZE)
        val grad: Tensor = Tensor.zeros(n, 1, SIZE, SIZE)

        /** New random images: about a third of the pixels bright (0.7 to 1), the rest dark (0 to 0.3). */
        fun fill(random: SplittableRandom) {
            for (i in 0 until x.size()) {
                val bright = random.nextInt(3) == 0
                x.setFlat(i, (if (bright) 0.7f else 0f) + 0.3f * random.nextDouble().toFloat())
                target.setFlat(i, if (bright) 1f else 0f)
            }
        }

        override fun close() {
            x.close()
            target.close()
            grad.close()
        }
    }

    private companion object {
        const val SIZE = 8
        const val STEPS = 50
        const val LEARNING_RATE = 1.0f

        /** Conv 3x3 to 4 channels, ReLU, conv 1x1 to one logit per pixel; keeps 8x8 images 8x8. */
        fun segmenter(): Sequential = Sequential.of(Conv2d.same(1, 4, 3), ActivationLayer.relu(), Conv2d.same(4, 1, 1))

        /** The compile-time type of [value]'s expression. */
        inline fun <reified T> staticType(@Suppress("UNUSED_PARAMETER") value: T): KType = typeOf<T>()
    }
}
