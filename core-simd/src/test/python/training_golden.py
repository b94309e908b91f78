"""Golden training trajectory: a small FcnSegmenter (the architecture_golden.py network: 1 input channel, 1 logit,
width 4, depth 1) trained 20 steps by torch.optim.Adam (lr 1e-2) on BCE-with-logits (mean), float32 as pixelflow
computes, so the whole training step -- forward, loss, backward, update -- is checked against PyTorch.

Run: /usr/bin/python3 core-simd/src/test/python/training_golden.py   (from the repository root)
Writes core-simd/src/test/resources/training/: param_<name>.npy (initial weights, pixelflow names), x.npy
[20, 4, 1, 16, 16] and y.npy (the batches), losses.npy [20] and final_<name>.npy (weights after 20 steps).
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

from architecture_golden import Segmenter

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "training")
STEPS = 20


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.RandomState(5)
    m = Segmenter(1, 1, 4, 1, 0)
    with torch.no_grad():
        for n, p in m.named_parameters():
            fan_in = int(np.prod(p.shape[1:])) if p.dim() > 1 else 1
            std = np.sqrt(2.0 / fan_in) if p.dim() > 1 else 0.1
            p.copy_(torch.tensor((rng.randn(*p.shape) * std).astype(np.float32)))
            np.save(os.path.join(OUT, f"param_net.{n}.npy"), p.detach().numpy())
    x = (rng.rand(STEPS, 4, 1, 16, 16) * 0.5).astype(np.float32)
    y = np.zeros_like(x)
    for s in range(STEPS):
        for b in range(4):
            cy, cx = rng.randint(0, 12, size=2)
            x[s, b, 0, cy:cy + 4, cx:cx + 4] += 0.8
            y[s, b, 0, cy:cy + 4, cx:cx + 4] = 1
    np.save(os.path.join(OUT, "x.npy"), x)
    np.save(os.path.join(OUT, "y.npy"), y)
    opt = torch.optim.Adam(m.parameters(), lr=1e-2)
    losses = []
    for s in range(STEPS):
        opt.zero_grad()
        loss = F.binary_cross_entropy_with_logits(m(torch.tensor(x[s])), torch.tensor(y[s]))
        loss.backward()
        opt.step()
        losses.append(loss.item())
    np.save(os.path.join(OUT, "losses.npy"), np.asarray(losses, dtype=np.float32))
    for n, p in m.named_parameters():
        np.save(os.path.join(OUT, f"final_net.{n}.npy"), p.detach().numpy())


if __name__ == "__main__":
    main()
