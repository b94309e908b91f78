"""Goldens for SoftmaxCrossEntropy (PyTorch 1.13 CrossEntropyLoss, float64 autograd) and InfogainLoss
(numpy, Caffe's formulas). Run: /usr/bin/python3 core-simd/src/test/python/softmax_golden.py
Writes float32 .npy files and cases.txt to core-simd/src/test/resources/softmax/."""
import os
import numpy as np
import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "softmax")
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(20261130)
lines = []


def save(name, arr):
    np.save(os.path.join(OUT, name + ".npy"), np.ascontiguousarray(arr, dtype=np.float32))


def labels_for(shape, c, ignore, frac):
    y = rng.integers(0, c, size=shape)
    mask = rng.random(shape) < frac
    y[mask] = ignore
    return y


def ce_case(name, shape, weighted, ignore, eps, reduction, scale=3.0, frac=0.2):
    c = shape[1]
    x = (rng.standard_normal(shape) * scale).astype(np.float32)
    if scale > 50:
        x = np.where(rng.random(shape) < 0.5, -scale, scale).astype(np.float32)
        x += rng.standard_normal(shape).astype(np.float32)
    lshape = (shape[0],) + tuple(shape[2:])
    y = labels_for(lshape, c, ignore, frac)
    w = (rng.random(c) * 2 + 0.1).astype(np.float32) if weighted else None
    xt = torch.tensor(x.astype(np.float64), requires_grad=True)
    yt = torch.tensor(y, dtype=torch.long)
    wt = torch.tensor(w.astype(np.float64)) if weighted else None
    loss = torch.nn.functional.cross_entropy(xt, yt, weight=wt, ignore_index=ignore, reduction=reduction,
                                             label_smoothing=eps)
    loss.sum().backward()
    save(name + "_logits", x)
    save(name + "_labels", y.astype(np.float32))
    save(name + "_loss", loss.detach().numpy().reshape(-1) if reduction != "none" else loss.detach().numpy())
    save(name + "_grad", xt.grad.numpy())
    if weighted:
        save(name + "_weights", w)
    lines.append(f"ce {name} {int(weighted)} {ignore} {eps} {reduction}")


ce_case("basic_mean", (2, 4, 3, 5), False, -100, 0.0, "mean")
ce_case("basic_sum", (2, 4, 3, 5), False, -100, 0.0, "sum")
ce_case("w255_mean", (2, 4, 3, 5), True, 255, 0.0, "mean")
ce_case("w255_sum", (2, 4, 3, 5), True, 255, 0.0, "sum")
ce_case("w255_none", (2, 4, 3, 5), True, 255, 0.0, "none")
ce_case("ls_mean", (2, 5, 3, 3), False, 255, 0.1, "mean")
ce_case("ls_sum", (2, 5, 3, 3), False, 255, 0.1, "sum")
ce_case("ls_none", (2, 5, 3, 3), False, 255, 0.1, "none")
ce_case("lsw_mean", (2, 5, 3, 3), True, 255, 0.1, "mean")
ce_case("lsw_sum", (2, 5, 3, 3), True, 255, 0.1, "sum")
ce_case("lsw_none", (2, 5, 3, 3), True, -100, 0.1, "none")
ce_case("extreme_mean", (2, 3, 4, 4), True, 255, 0.0, "mean", scale=80.0)
ce_case("extreme_ls_sum", (2, 3, 4, 4), False, 255, 0.1, "sum", scale=80.0)
ce_case("batch1_odd", (1, 3, 7, 3), True, -100, 0.0, "mean")
ce_case("flat_mean", (9, 5), True, -100, 0.0, "mean")
ce_case("flat_ls_mean", (9, 5), True, -100, 0.1, "mean")


def infogain_case(name, shape, ignore, norm, hkind="random", scale=3.0):
    c = shape[1]
    x = (rng.standard_normal(shape) * scale).astype(np.float32)
    if scale > 50:
        x = np.where(rng.random(shape) < 0.5, -scale, scale).astype(np.float32)
    lshape = (shape[0],) + tuple(shape[2:])
    y = labels_for(lshape, c, 255, 0.2 if ignore is not None else 0.0)
    if hkind == "random":
        h = rng.random((c, c)).astype(np.float32)
    else:
        h = np.eye(c, dtype=np.float32)
    x64 = x.astype(np.float64)
    m = x64.max(axis=1, keepdims=True)
    e = np.exp(x64 - m)
    p = e / e.sum(axis=1, keepdims=True)
    p = np.moveaxis(p, 1, -1).reshape(-1, c)  # [pixels, C]
    yf = y.reshape(-1)
    valid = yf != 255 if ignore is not None else np.ones_like(yf, dtype=bool)
    h64 = h.astype(np.float64)
    total = 0.0
    grad = np.zeros_like(p)
    for i in range(len(yf)):
        if not valid[i]:
            continue
        row = h64[yf[i]]
        total -= np.sum(row * np.log(np.maximum(p[i], 1e-20)))
        grad[i] = p[i] * row.sum() - row
    b = shape[0]
    full = len(yf)
    n = {"VALID": valid.sum(), "FULL": full, "BATCH_SIZE": b, "NONE": 1}[norm]
    n = max(1.0, float(n))
    grad = grad / n
    grad = np.moveaxis(grad.reshape(lshape + (c,)), -1, 1)
    save(name + "_logits", x)
    save(name + "_labels", y.astype(np.float32))
    save(name + "_h", h)
    save(name + "_loss", np.array([total / n]))
    save(name + "_grad", grad)
    lines.append(f"infogain {name} {'none' if ignore is None else ignore} {norm}")


infogain_case("ig_valid", (2, 4, 3, 5), 255, "VALID")
infogain_case("ig_full", (2, 4, 3, 5), 255, "FULL")
infogain_case("ig_batch", (2, 4, 3, 5), 255, "BATCH_SIZE")
infogain_case("ig_none", (2, 4, 3, 5), 255, "NONE")
infogain_case("ig_noignore", (3, 3, 2, 3), None, "VALID")
infogain_case("ig_flat", (7, 5), None, "VALID")
infogain_case("ig_extreme", (2, 3, 3, 3), None, "VALID", scale=80.0)

with open(os.path.join(OUT, "cases.txt"), "w") as f:
    f.write("\n".join(lines) + "\n")
print(len(lines), "cases")
