"""Golden values for dev.pixelflow.simd.loss.BinaryCrossEntropy (PyTorch BCEWithLogitsLoss, float64 autograd).

Run: /usr/bin/python3 core-simd/src/test/python/bce_golden.py   (from the repository root)
Writes core-simd/src/test/resources/bce/<case>_<name>.npy (float32):
  x, y, w (weight or absent), pw (pos_weight [C] or absent), mask (1 = ignore, or absent),
  map (reduction none), loss ([sum, mean, mean_per_image]), grad_sum, grad_mean, grad_mpi.
With a mask, pixelflow semantics: ignored elements contribute 0, MEAN divides by the counted elements,
MEAN_PER_IMAGE averages over images with at least one counted element.
"""
import os
import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "bce")


def save(case, name, arr):
    np.save(os.path.join(OUT, f"{case}_{name}.npy"), np.asarray(arr, dtype=np.float32))


def case(name, shape, seed, weight=False, pos_weight=False, mask=False, scale=3.0, extreme=False, soft=False):
    rng = np.random.RandomState(seed)
    B, C = shape[0], shape[1]
    x = (rng.randn(*shape) * scale).astype(np.float32)
    if extreme:
        flat = x.reshape(-1)
        vals = np.array([30, -30, 80, -80], dtype=np.float32)
        flat[: flat.size // 2] = vals[rng.randint(0, 4, flat.size // 2)]
    y = rng.rand(*shape).astype(np.float32) if soft else (rng.rand(*shape) > 0.5).astype(np.float32)
    w = rng.rand(*shape).astype(np.float32) * 2 if weight else None
    pw = (rng.rand(C) * 3 + 0.1).astype(np.float32) if pos_weight else None
    m = (rng.rand(*shape) > 0.7).astype(np.float32) if mask else None
    if mask:
        m[0] = 1.0  # the whole first image is ignored
    save(name, "x", x)
    save(name, "y", y)
    if w is not None:
        save(name, "w", w)
    if pw is not None:
        save(name, "pw", pw)
    if m is not None:
        save(name, "mask", m)
    pw_t = None if pw is None else torch.tensor(pw, dtype=torch.float64).reshape(C, *([1] * (len(shape) - 2)))
    w_t = None if w is None else torch.tensor(w, dtype=torch.float64)
    keep = torch.ones(shape, dtype=torch.float64) if m is None else 1.0 - torch.tensor(m, dtype=torch.float64)
    counted = keep.sum()
    per_img = keep.reshape(B, -1).sum(1)
    losses, grads = [], {}
    for red in ["sum", "mean", "mpi", "none"]:
        xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        yt = torch.tensor(y, dtype=torch.float64)
        lm = torch.nn.BCEWithLogitsLoss(weight=w_t, pos_weight=pw_t, reduction="none")(xt, yt) * keep
        if red == "none":
            save(name, "map", lm.detach().numpy())
            continue
        if red == "sum":
            loss = lm.sum()
        elif red == "mean":
            loss = lm.sum() / counted if counted > 0 else lm.sum() * 0
            if m is None:  # cross-check against PyTorch's own mean
                ref = torch.nn.BCEWithLogitsLoss(weight=w_t, pos_weight=pw_t)(xt, yt)
                assert abs(ref.item() - loss.item()) <= 1e-12 * max(1, abs(ref.item()))
        else:
            sums = lm.reshape(B, -1).sum(1)
            has = per_img > 0
            loss = (sums[has] / per_img[has]).mean()
        loss.backward()
        losses.append(loss.item())
        save(name, "grad_" + red, xt.grad.numpy())
    save(name, "loss", losses)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    case("plain", (2, 3, 4, 5), 1)
    case("weighted", (2, 3, 4, 5), 2, weight=True)
    case("posweight", (2, 3, 4, 5), 3, pos_weight=True)
    case("all", (3, 2, 5, 4), 4, weight=True, pos_weight=True, soft=True)
    case("extreme", (2, 2, 6, 5), 5, weight=True, pos_weight=True, extreme=True)
    case("batch1", (1, 1, 8, 8), 6, pos_weight=True)
    case("odd", (1, 3, 7, 13), 7, weight=True, pos_weight=True)
    case("masked", (3, 2, 4, 6), 8, weight=True, pos_weight=True, mask=True)
