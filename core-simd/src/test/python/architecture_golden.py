"""Golden forward outputs and gradients of pixelflow's ready-made architectures, built layer for layer in PyTorch
(float64), so the Java networks are checked end to end -- wiring, skip order, layouts -- against PyTorch, and the
PyTorch peer in bench/peers/torch_train_peer.py is known to train the same networks.

Run: /usr/bin/python3 core-simd/src/test/python/architecture_golden.py   (from the repository root)
Writes core-simd/src/test/resources/architectures/<case>_<name>.npy (float32):
  x (input), r (upstream gradient: the loss is sum(y * r)), y (output), dx (input gradient),
  param_<pixelflow name> and grad_<pixelflow name> for every parameter.
"""
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "architectures")


def save(case, name, arr):
    np.save(os.path.join(OUT, f"{case}_{name}.npy"), np.asarray(arr, dtype=np.float32))


def conv(cin, cout, k=3):
    return nn.Conv2d(cin, cout, k, padding=k // 2)


class Block(nn.Module):
    """Two 3x3 conv [+ GroupNorm] + ReLU, named like pixelflow's Sequential (index of each layer)."""

    def __init__(self, cin, cout, groups):
        super().__init__()
        self.layers = []
        for k in range(2):
            self.layers.append(conv(cin if k == 0 else cout, cout))
            if groups:
                self.layers.append(nn.GroupNorm(groups, cout))
            self.layers.append(nn.ReLU())
        for i, m in enumerate(self.layers):
            self.add_module(str(i), m)

    def forward(self, x):
        for m in self.layers:
            x = m(x)
        return x


class Segmenter(nn.Module):
    def __init__(self, cin, classes, width, depth, groups):
        super().__init__()
        ch = [width * 2 ** i for i in range(depth + 1)]
        self.depth = depth
        for i in range(depth):
            self.add_module(f"down{i}", Block(cin if i == 0 else ch[i - 1], ch[i], groups))
        self.bottom = Block(ch[depth - 1], ch[depth], groups)
        for i in reversed(range(depth)):
            self.add_module(f"up{i}", Block(ch[i + 1] + ch[i], ch[i], groups))
        self.head = conv(ch[0], classes, 1)

    def forward(self, x):
        skips = []
        for i in range(self.depth):
            x = getattr(self, f"down{i}")(x)
            skips.append(x)
            x = F.max_pool2d(x, 2)
        x = self.bottom(x)
        for i in reversed(range(self.depth)):
            x = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
            x = getattr(self, f"up{i}")(torch.cat([x, skips[i]], dim=1))
        return self.head(x)


def embedder(cin, widths, dim):
    layers, c = [], cin
    for w in widths:
        layers += [conv(c, w), nn.ReLU(), nn.MaxPool2d(2)]
        c = w
    layers += [conv(c, c), nn.ReLU()]
    seq = nn.Sequential(*layers)
    fc = nn.Linear(c, dim)

    class Emb(nn.Module):
        def __init__(self):
            super().__init__()
            for i, m in enumerate(layers):
                self.add_module(str(i), m)
            self.add_module(str(len(layers) + 1), fc)  # GlobalAvgPool sits at index len(layers)

        def forward(self, x):
            return F.normalize(fc(seq(x).mean(dim=(2, 3))), dim=1, eps=1e-12)
    return Emb()


def autoencoder(channels, w):
    layers = [conv(channels, w), nn.ReLU(), nn.MaxPool2d(2), conv(w, 2 * w), nn.ReLU(), nn.MaxPool2d(2),
              conv(2 * w, 2 * w), nn.ReLU(), nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False),
              conv(2 * w, w), nn.ReLU(), nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False),
              conv(w, w), nn.ReLU(), conv(w, channels, 1)]
    return nn.Sequential(*layers)


def case(name, module, shape, seed):
    torch.manual_seed(seed)
    rng = np.random.RandomState(seed)
    module = module.double()
    with torch.no_grad():
        for _, p in module.named_parameters():
            p.copy_(torch.tensor((rng.randn(*p.shape) * 0.5).astype(np.float32).astype(np.float64)))
    x = torch.tensor(rng.randn(*shape).astype(np.float32).astype(np.float64), requires_grad=True)
    y = module(x)
    r = torch.tensor(rng.randn(*y.shape).astype(np.float32).astype(np.float64))
    (y * r).sum().backward()
    save(name, "x", x.detach().numpy())
    save(name, "r", r.numpy())
    save(name, "y", y.detach().numpy())
    save(name, "dx", x.grad.numpy())
    for n, p in module.named_parameters():
        save(name, "param_net." + n, p.detach().numpy())
        save(name, "grad_net." + n, p.grad.numpy())


def main():
    os.makedirs(OUT, exist_ok=True)
    case("seg", Segmenter(1, 2, 2, 2, 0), (2, 1, 8, 8), 1)
    case("seg_gn", Segmenter(2, 1, 2, 1, 1), (1, 2, 6, 4), 2)
    case("emb", embedder(1, (3, 4), 5), (3, 1, 8, 12), 3)
    case("dae", autoencoder(1, 2), (2, 1, 8, 4), 4)


if __name__ == "__main__":
    main()
