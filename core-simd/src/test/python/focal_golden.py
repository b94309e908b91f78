"""Golden values for dev.pixelflow.simd.loss.FocalLoss: torchvision.ops.sigmoid_focal_loss's formula reimplemented
(torchvision is not required) and differentiated with torch float64 autograd.

Run: /usr/bin/python3 core-simd/src/test/python/focal_golden.py   (from the repository root)
Writes core-simd/src/test/resources/focal/<case>_<name>.npy (float32):
  x, y, params ([alpha, gamma]), map (reduction none), loss ([sum, mean]), grad_sum, grad_mean.
"""
import os
import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "focal")


def sigmoid_focal_loss(inputs, targets, alpha, gamma, reduction):
    p = torch.sigmoid(inputs)
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    if reduction == "mean":
        loss = loss.mean()
    elif reduction == "sum":
        loss = loss.sum()
    return loss


def save(case, name, arr):
    np.save(os.path.join(OUT, f"{case}_{name}.npy"), np.asarray(arr, dtype=np.float32))


def case(name, shape, seed, alpha=0.25, gamma=2.0, extreme=False, soft=False):
    rng = np.random.RandomState(seed)
    x = (rng.randn(*shape) * 3).astype(np.float32)
    if extreme:
        flat = x.reshape(-1)
        vals = np.array([30, -30, 80, -80], dtype=np.float32)
        flat[: flat.size // 2] = vals[rng.randint(0, 4, flat.size // 2)]
    y = rng.rand(*shape).astype(np.float32) if soft else (rng.rand(*shape) > 0.5).astype(np.float32)
    save(name, "x", x)
    save(name, "y", y)
    save(name, "params", [alpha, gamma])
    yt = torch.tensor(y, dtype=torch.float64)
    save(name, "map", sigmoid_focal_loss(torch.tensor(x, dtype=torch.float64), yt, alpha, gamma, "none").numpy())
    losses = []
    for red in ("sum", "mean"):
        xg = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        loss = sigmoid_focal_loss(xg, yt, alpha, gamma, red)
        loss.backward()
        losses.append(loss.item())
        save(name, f"grad_{red}", xg.grad.numpy())
    save(name, "loss", losses)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    case("default", (2, 3, 4, 4), 1)
    case("extreme", (2, 2, 4, 4), 2, extreme=True)
    case("noalpha", (1, 2, 3, 5), 3, alpha=-1.0, gamma=1.5)
    case("soft", (2, 1, 5, 5), 4, alpha=0.5, gamma=2.0, soft=True)
    case("gamma0", (2, 2, 3, 3), 5, alpha=0.25, gamma=0.0)
