"""Golden values for dev.pixelflow.simd.loss.DiceLoss: a numpy float64 implementation of the per-image, per-class
soft Dice formula (MONAI DiceLoss defaults, smooth 1e-5; MONAI itself is not installed).

Run: /usr/bin/python3 core-simd/src/test/python/dice_golden.py   (from the repository root)
Writes core-simd/src/test/resources/dice/<case>_<name>.npy (float32): x (logits), y (target), loss ([1]).
Gradients are checked by finite differences in the Java test.
"""
import os
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "dice")
S = 1e-5


def dice(x, y, act, include_background):
    x = x.astype(np.float64)
    y = y.astype(np.float64)
    if act == "sigmoid":
        p = 1.0 / (1.0 + np.exp(-x))
    else:
        e = np.exp(x - x.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
    axes = tuple(range(2, x.ndim))
    tp = (p * y).sum(axis=axes)
    fp = (p * (1 - y)).sum(axis=axes)
    fn = ((1 - p) * y).sum(axis=axes)
    l = 1 - (2 * tp + S) / (2 * tp + fp + fn + S)
    if not include_background:
        l = l[:, 1:]
    return l.mean()


def case(name, shape, seed, act, include_background=True, soft=False):
    rng = np.random.RandomState(seed)
    x = (rng.randn(*shape) * 2).astype(np.float32)
    if soft or act == "sigmoid":
        y = (rng.rand(*shape) > 0.6).astype(np.float32) if not soft else rng.rand(*shape).astype(np.float32)
    else:
        lab = rng.randint(0, shape[1], (shape[0],) + shape[2:])
        y = np.moveaxis(np.eye(shape[1], dtype=np.float32)[lab], -1, 1).copy()
    np.save(os.path.join(OUT, f"{name}_x.npy"), x)
    np.save(os.path.join(OUT, f"{name}_y.npy"), y)
    np.save(os.path.join(OUT, f"{name}_loss.npy"), np.array([dice(x, y, act, include_background)], dtype=np.float32))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    case("softmax", (2, 3, 4, 5), 1, "softmax")
    case("softmax_nobg", (2, 3, 4, 5), 2, "softmax", include_background=False)
    case("sigmoid", (2, 2, 5, 3), 3, "sigmoid")
    case("sigmoid_soft", (3, 1, 4, 4), 4, "sigmoid", soft=True)
    case("sigmoid_nobg", (2, 3, 3, 3), 5, "sigmoid", include_background=False)
