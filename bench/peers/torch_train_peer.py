#!/usr/bin/python3
"""PyTorch peer for pixelflow's TrainingBenchmark: the same networks trained the same way on this CPU.

Rows (float32, CPU, Adam lr 1e-3, each step = forward + loss + backward + optimizer step):
  segmenter  batch 16 of 3x128x128, binary logits, BCEWithLogits (mean). Network = pixelflow's default
             FcnSegmenter: U-Net with depth 2 and width 16 -- two 3x3 conv (pad 1) + ReLU blocks per level
             (16, 32, 64 channels), 2x2 max pooling down, bilinear x2 upsampling (align_corners=False) up,
             skip connections by channel concatenation, a 1x1 conv to 1 logit.
  embedder   batch 64 (16 identities x 4) of 3x64x64, batch-hard triplet loss (Euclidean, margin 0.2). Network =
             pixelflow's default EmbeddingNet: [3x3 conv + ReLU + 2x2 max pool] with 16, 32, 64 channels, a
             3x3 conv 64 + ReLU, global average pooling, dense 64 -> 128, L2 normalization.
each with 1 and 2 threads (torch.set_num_threads). Reports the median step time and frames/s.

    /usr/bin/python3 bench/peers/torch_train_peer.py [--threads 1,2] [--reps 10] [--quick] [--out FILE]
"""

import argparse
import datetime
import json
import os
import pathlib
import platform
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(), nn.Conv2d(cout, cout, 3, padding=1),
                         nn.ReLU())


class Segmenter(nn.Module):
    def __init__(self, cin=3, classes=1, width=16, depth=2):
        super().__init__()
        ch = [width * 2 ** i for i in range(depth + 1)]
        self.down = nn.ModuleList([block(cin if i == 0 else ch[i - 1], ch[i]) for i in range(depth)])
        self.bottom = block(ch[depth - 1], ch[depth])
        self.up = nn.ModuleList([block(ch[i + 1] + ch[i], ch[i]) for i in reversed(range(depth))])
        self.head = nn.Conv2d(ch[0], classes, 1)

    def forward(self, x):
        skips = []
        for b in self.down:
            x = b(x)
            skips.append(x)
            x = F.max_pool2d(x, 2)
        x = self.bottom(x)
        for b, s in zip(self.up, reversed(skips)):
            x = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
            x = b(torch.cat([x, s], dim=1))
        return self.head(x)


class Embedder(nn.Module):
    def __init__(self, cin=3, dim=128):
        super().__init__()
        layers, c = [], cin
        for w in (16, 32, 64):
            layers += [nn.Conv2d(c, w, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
            c = w
        layers += [nn.Conv2d(64, 64, 3, padding=1), nn.ReLU()]
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(64, dim)

    def forward(self, x):
        x = self.features(x).mean(dim=(2, 3))
        return F.normalize(self.fc(x), dim=1, eps=1e-12)


def batch_hard(e, y, margin=0.2):
    d = torch.sqrt(((e[:, None, :] - e[None, :, :]) ** 2).sum(-1) + 1e-12)
    same = y[:, None] == y[None, :]
    eye = torch.eye(len(y), dtype=torch.bool)
    dap = torch.where(same & ~eye, d, torch.zeros_like(d)).max(1).values
    dan = torch.where(~same, d, torch.full_like(d, float("inf"))).min(1).values
    return torch.clamp(dap - dan + margin, min=0).mean()


def time_steps(step, reps, max_seconds):
    for _ in range(2):
        step()
    times, start = [], time.perf_counter()
    while len(times) < reps and (len(times) < 3 or time.perf_counter() - start < max_seconds):
        t = time.perf_counter()
        step()
        times.append(time.perf_counter() - t)
    times.sort()
    return times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--max-seconds", type=float, default=60)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out")
    a = ap.parse_args()
    reps = 2 if a.quick else a.reps
    torch.manual_seed(0)
    rows = []
    for threads in [int(t) for t in a.threads.split(",")]:
        torch.set_num_threads(threads)
        seg = Segmenter()
        opt = torch.optim.Adam(seg.parameters(), lr=1e-3)
        x = torch.rand(16, 3, 128, 128)
        m = (torch.rand(16, 1, 128, 128) > 0.9).float()

        def seg_step():
            opt.zero_grad(set_to_none=False)
            F.binary_cross_entropy_with_logits(seg(x), m).backward()
            opt.step()

        emb = Embedder()
        opt2 = torch.optim.Adam(emb.parameters(), lr=1e-3)
        xe = torch.rand(64, 3, 64, 64)
        ye = torch.arange(16).repeat_interleave(4)

        def emb_step():
            opt2.zero_grad(set_to_none=False)
            batch_hard(emb(xe), ye).backward()
            opt2.step()

        for name, step, frames in (("segmenter b16 3x128x128", seg_step, 16), ("embedder b64 3x64x64", emb_step, 64)):
            t = time_steps(step, reps, a.max_seconds)
            med = t[len(t) // 2]
            row = {"row": name, "threads": threads, "median_ms": med * 1e3, "frames_per_s": frames / med,
                   "steps_per_s": 1 / med, "times_ms": [v * 1e3 for v in t]}
            rows.append(row)
            print(f"{name:26s} threads={threads}  median {med * 1e3:9.1f} ms/step  {frames / med:8.1f} frames/s",
                  flush=True)
    out = pathlib.Path(a.out or f"bench/results/peers-train-{datetime.datetime.now():%Y%m%d-%H%M%S}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"torch": torch.__version__, "machine": platform.machine(),
                               "loadavg": os.getloadavg(), "rows": rows}, indent=1))
    print("wrote", out)


if __name__ == "__main__":
    main()
