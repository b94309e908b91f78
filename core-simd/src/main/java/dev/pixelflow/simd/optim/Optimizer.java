package dev.pixelflow.simd.optim;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.nn.Model;
import java.util.List;
import java.util.Map;

/**
 * Updates a model's weights from its gradients, with PyTorch's formulas ({@link Sgd}, {@link Adam}).
 *
 * <p>An optimizer serves one model: the first {@link #step} (or {@link #restoreState}) binds it, and later calls
 * with another model fail. Its state tensors ({@code "momentum_buffer"}, {@code "exp_avg"}, ...) are flat float32
 * tensors laid out exactly like {@link Model#values()} (one element per scalar parameter, in parameter order),
 * allocated on the first step, owned by the optimizer and freed by {@link #close()}.
 *
 * <p>Weight decay applies only to parameters whose {@link dev.pixelflow.simd.nn.Parameter#decays()} is true. The
 * learning rate is passed per step (from a {@link LearningRateSchedule}), so it is not part of the state.
 *
 * <p>Not thread safe: the model's single writer calls it.
 */
public interface Optimizer extends AutoCloseable {

    /** Stable type name stored in checkpoints, e.g. {@code "sgd"}, {@code "adam"}, {@code "adamw"}. */
    String type();

    /**
     * Applies one update to {@code model.values()} from {@code model.gradients()} (which it only reads) and counts
     * the step.
     *
     * @param learningRate the rate for this step, finite and {@code >= 0}
     * @throws IllegalArgumentException when the model is not the one this optimizer is bound to, or the rate is
     *     invalid
     * @throws IllegalStateException after {@link #close()}
     */
    void step(Model model, double learningRate);

    /** Number of steps taken (restored steps included). */
    long steps();

    /**
     * The state tensors by name, in a fixed order: live views of the optimizer's memory (valid until the next
     * step or close; copy them to keep them). Empty before the first step and for stateless configurations
     * (SGD without momentum).
     */
    Map<String, Tensor> state();

    /** The names {@link #state()} has once a step was taken, in order. */
    List<String> stateNames();

    /**
     * Replaces the state with a saved one and binds the optimizer to {@code model}: the next step continues
     * exactly as the saved optimizer would have. With {@code steps == 0}, {@code state} must be empty (a fresh
     * optimizer); otherwise it must hold exactly {@link #stateNames()}, each with {@code model.parameterCount()}
     * elements. The arrays are copied.
     *
     * @throws IllegalArgumentException naming the missing, unexpected or wrongly sized tensor
     */
    void restoreState(Model model, long steps, Map<String, float[]> state);

    /** Frees the state tensors; the optimizer cannot be used afterwards. */
    @Override
    void close();
}
