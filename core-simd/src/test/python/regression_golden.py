"""Golden values for dev.pixelflow.simd.loss.MseLoss and L1Loss (PyTorch MSELoss / L1Loss, float64 autograd).

Run: /usr/bin/python3 core-simd/src/test/python/regression_golden.py   (from the repository root)
Writes core-simd/src/test/resources/regression/<case>_<name>.npy (float32):
  x, y, then for loss in (mse, l1): <loss>_map (reduction none), <loss>_loss ([sum, mean]),
  <loss>_grad_sum, <loss>_grad_mean. Some elements have x == y exactly (L1 gradient 0 there, like torch.sign).
"""
import os
import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "regression")


def save(case, name, arr):
    np.save(os.path.join(OUT, f"{case}_{name}.npy"), np.asarray(arr, dtype=np.float32))


def case(name, shape, seed, scale=1.0):
    rng = np.random.RandomState(seed)
    x = (rng.randn(*shape) * scale).astype(np.float32)
    y = (rng.rand(*shape)).astype(np.float32)
    flat_x, flat_y = x.reshape(-1), y.reshape(-1)
    flat_x[::5] = flat_y[::5]  # exact ties
    save(name, "x", x)
    save(name, "y", y)
    for lname, fn in (("mse", torch.nn.functional.mse_loss), ("l1", torch.nn.functional.l1_loss)):
        yt = torch.tensor(y, dtype=torch.float64)
        xt = torch.tensor(x, dtype=torch.float64)
        save(name, f"{lname}_map", fn(xt, yt, reduction="none").numpy())
        losses = []
        for red in ("sum", "mean"):
            xg = torch.tensor(x, dtype=torch.float64, requires_grad=True)
            loss = fn(xg, yt, reduction=red)
            loss.backward()
            losses.append(loss.item())
            save(name, f"{lname}_grad_{red}", xg.grad.numpy())
        save(name, f"{lname}_loss", np.array(losses))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    case("plain", (2, 3, 4, 5), 1)
    case("batch1", (1, 1, 7, 3), 2, scale=3.0)
    case("flat", (5, 6), 3, scale=0.5)
