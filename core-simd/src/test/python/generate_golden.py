#!/usr/bin/python3
"""PyTorch golden values for pixelflow's layer ops (read by TorchGoldenTest.java).

Re-run from the repository root with Debian's Python, torch and numpy (apt: python3-torch python3-numpy):

    /usr/bin/python3 core-simd/src/test/python/generate_golden.py

Files written were produced with torch 1.13.0a0 (Debian 1.13.1+dfsg) and numpy 1.24.2.

Every case draws its random tensors from a torch.Generator seeded with the CRC-32 of the case name, so the
files do not change when cases are added or removed. Inputs are drawn in float64, rounded to float32 (the
values pixelflow sees) and widened back; the op, its output and its gradients are then computed in float64
on the CPU through autograd, with a random upstream gradient `gy` (saved too) as dL/dy. Every array is saved
as a little-endian float32 C-order .npy; `cases.json` lists the cases (op, parameters, file names).

The output directory is wiped of *.npy first, so a removed case leaves no stale file behind.
"""

import json
import pathlib
import zlib

import numpy as np
import torch
import torch.nn.functional as F

OUT = pathlib.Path(__file__).resolve().parents[1] / "resources" / "golden"

cases = []


def rng(name):
    g = torch.Generator()
    g.manual_seed(zlib.crc32(name.encode("utf-8")))
    return g


def randn(g, *shape, scale=1.0):
    """Normal values times scale, rounded to float32 (what pixelflow reads), held in float64."""
    return (torch.randn(*shape, generator=g, dtype=torch.float64) * scale).float().double()


def save(name, key, t):
    fname = f"{name}__{key}.npy"
    arr = np.ascontiguousarray(t.detach().cpu().numpy().astype("<f4"))
    np.save(OUT / fname, arr, allow_pickle=False)
    return fname


def pair(v):
    return list(v) if isinstance(v, (tuple, list)) else [v, v]


def run(name, op, params, inputs, fn, grad_keys):
    """inputs: dict key -> float64 tensor; fn(**inputs) -> y; grads of sum(y * gy) w.r.t. grad_keys."""
    g = rng(name + "/gy")
    leaves = {k: v.clone().requires_grad_(k in grad_keys) for k, v in inputs.items()}
    y = fn(**leaves)
    gy = randn(g, *y.shape)
    (y * gy).sum().backward()
    entry = {
        "name": name,
        "op": op,
        "params": params,
        "inputs": {k: save(name, k, v) for k, v in inputs.items()},
        "gy": save(name, "gy", gy),
        "outputs": {"y": save(name, "y", y)},
        "grads": {k: save(name, "g" + k, leaves[k].grad) for k in grad_keys},
    }
    cases.append(entry)


def conv_case(name, n, cin, cout, hw, k, stride=1, padding=0, dilation=1, groups=1):
    g = rng(name)
    kh, kw = pair(k)
    x = randn(g, n, cin, *hw)
    w = randn(g, cout, cin // groups, kh, kw, scale=(1.0 / (cin // groups * kh * kw)) ** 0.5)
    b = randn(g, cout)
    params = {"stride": pair(stride), "padding": pair(padding), "dilation": pair(dilation), "groups": groups,
              "output_padding": [0, 0]}
    run(name, "conv2d", params, {"x": x, "w": w, "b": b},
        lambda x, w, b: F.conv2d(x, w, b, stride=pair(stride), padding=pair(padding), dilation=pair(dilation),
                                 groups=groups),
        ["x", "w", "b"])


def conv_t_case(name, n, cin, cout, hw, k, stride=1, padding=0, output_padding=0, dilation=1, groups=1):
    g = rng(name)
    kh, kw = pair(k)
    x = randn(g, n, cin, *hw)
    w = randn(g, cin, cout // groups, kh, kw, scale=(1.0 / (cin // groups * kh * kw)) ** 0.5)
    b = randn(g, cout)
    params = {"stride": pair(stride), "padding": pair(padding), "dilation": pair(dilation), "groups": groups,
              "output_padding": pair(output_padding)}
    run(name, "conv_transpose2d", params, {"x": x, "w": w, "b": b},
        lambda x, w, b: F.conv_transpose2d(x, w, b, stride=pair(stride), padding=pair(padding),
                                           output_padding=pair(output_padding), groups=groups,
                                           dilation=pair(dilation)),
        ["x", "w", "b"])


def max_pool_case(name, n, c, hw, k, stride, padding=0, dilation=1):
    g = rng(name)
    x = randn(g, n, c, *hw)
    params = {"kernel": pair(k), "stride": pair(stride), "padding": pair(padding), "dilation": pair(dilation),
              "count_include_pad": True}
    run(name, "max_pool2d", params, {"x": x},
        lambda x: F.max_pool2d(x, pair(k), pair(stride), pair(padding), pair(dilation), ceil_mode=False),
        ["x"])


def avg_pool_case(name, n, c, hw, k, stride, padding=0, count_include_pad=True):
    g = rng(name)
    x = randn(g, n, c, *hw)
    params = {"kernel": pair(k), "stride": pair(stride), "padding": pair(padding), "dilation": [1, 1],
              "count_include_pad": count_include_pad}
    run(name, "avg_pool2d", params, {"x": x},
        lambda x: F.avg_pool2d(x, pair(k), pair(stride), pair(padding), ceil_mode=False,
                               count_include_pad=count_include_pad),
        ["x"])


def upsample_case(name, n, c, hw, size):
    g = rng(name)
    x = randn(g, n, c, *hw)
    params = {"size": list(size), "align_corners": False}
    run(name, "upsample_bilinear", params, {"x": x},
        lambda x: F.interpolate(x, size=tuple(size), mode="bilinear", align_corners=False),
        ["x"])


def activation_case(name, kind, alpha=0.0):
    g = rng(name)
    x = randn(g, 2, 3, 5, 7, scale=3.0)
    flat = x.view(-1)
    # Exact zeros (ReLU's derivative there is 0, leaky ReLU's is alpha) and saturating values.
    special = [0.0, -0.0, 0.0, 80.0, -80.0, 20.0, -20.0, 1e-3, -1e-3, 9.0, -9.0]
    flat[: len(special)] = torch.tensor(special, dtype=torch.float64)
    fns = {
        "relu": lambda x: F.relu(x),
        "leaky_relu": lambda x: F.leaky_relu(x, negative_slope=alpha),
        "sigmoid": lambda x: torch.sigmoid(x),
        "tanh": lambda x: torch.tanh(x),
    }
    params = {"kind": kind, "alpha": alpha}
    run(name, "activation", params, {"x": x}, fns[kind], ["x"])


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for f in OUT.glob("*.npy"):
        f.unlink()

    # conv2d: name, batch, cin, cout, (h, w), kernel, ...
    conv_case("conv_b1_3x3_s1_p1", 1, 3, 4, (7, 13), 3, stride=1, padding=1)
    conv_case("conv_b5_3x3_s2_p0", 5, 4, 6, (7, 13), 3, stride=2, padding=0)
    conv_case("conv_b1_5x3_s1_p2", 1, 4, 6, (9, 11), (5, 3), stride=1, padding=2)
    conv_case("conv_b5_1x1", 5, 6, 4, (13, 7), 1)
    conv_case("conv_b1_1x1_s2", 1, 5, 3, (7, 13), 1, stride=2)
    conv_case("conv_b1_3x3_d2_p2", 1, 4, 6, (13, 11), 3, padding=2, dilation=2)
    conv_case("conv_b5_3x3_s2_p1_g2", 5, 4, 6, (7, 13), 3, stride=2, padding=1, groups=2)
    conv_case("conv_b1_3x3_depthwise", 1, 6, 6, (9, 9), 3, padding=1, groups=6)
    conv_case("conv_b5_5x3_depthwise_x2_s2", 5, 3, 6, (8, 7), (5, 3), stride=2, padding=(2, 1), groups=3)
    conv_case("conv_b1_5x3_mixed_g2", 1, 4, 4, (7, 13), (5, 3), stride=(2, 1), padding=(1, 2), dilation=(2, 1),
              groups=2)
    conv_case("conv_b5_3x3_valid_small", 5, 2, 3, (5, 5), 3)

    # conv_transpose2d: weight is [cin, cout/groups, kh, kw]
    conv_t_case("convt_b1_3x3_s2_p1_op1", 1, 4, 3, (5, 7), 3, stride=2, padding=1, output_padding=1)
    conv_t_case("convt_b5_3x3_s1_p1_g2", 5, 4, 6, (6, 5), 3, stride=1, padding=1, groups=2)
    conv_t_case("convt_b1_4x4_s2_p1", 1, 3, 4, (5, 6), 4, stride=2, padding=1)
    conv_t_case("convt_b5_3x3_d2", 5, 2, 2, (4, 7), 3, dilation=2)
    conv_t_case("convt_b1_5x3_mixed_g2", 1, 4, 4, (5, 5), (5, 3), stride=(2, 3), padding=(2, 1),
                output_padding=(1, 1), dilation=(1, 2), groups=2)
    conv_t_case("convt_b5_3x3_s2_op1_depthwise", 5, 4, 4, (3, 4), 3, stride=2, padding=1, output_padding=1,
                groups=4)

    # max_pool2d
    max_pool_case("maxpool_b1_k2_s2", 1, 3, (8, 8), 2, 2)
    max_pool_case("maxpool_b5_k3_s2_p1", 5, 2, (7, 13), 3, 2, padding=1)
    max_pool_case("maxpool_b1_k3_s1_p1_d2", 1, 3, (9, 11), 3, 1, padding=1, dilation=2)
    max_pool_case("maxpool_b5_k2_s2_odd", 5, 2, (7, 13), 2, 2)
    max_pool_case("maxpool_b1_k3x2_s2x1_p1x0", 1, 2, (7, 9), (3, 2), (2, 1), padding=(1, 0))

    # avg_pool2d
    avg_pool_case("avgpool_b1_k2_s2", 1, 3, (8, 8), 2, 2)
    avg_pool_case("avgpool_b5_k3_s2_p1_incl", 5, 2, (7, 13), 3, 2, padding=1, count_include_pad=True)
    avg_pool_case("avgpool_b5_k3_s2_p1_excl", 5, 2, (7, 13), 3, 2, padding=1, count_include_pad=False)
    avg_pool_case("avgpool_b1_k3_s1_p1_excl", 1, 3, (9, 11), 3, 1, padding=1, count_include_pad=False)
    avg_pool_case("avgpool_b1_k3x2_s2x1_p1_incl", 1, 2, (7, 9), (3, 2), (2, 1), padding=(1, 1),
                  count_include_pad=True)

    # bilinear interpolation, align_corners=False, explicit output size
    upsample_case("bilinear_up_5x7_to_13x11", 1, 3, (5, 7), (13, 11))
    upsample_case("bilinear_up2x_6x5_to_12x10", 5, 2, (6, 5), (12, 10))
    upsample_case("bilinear_down_8x8_to_3x5", 1, 3, (8, 8), (3, 5))
    upsample_case("bilinear_1x1_to_4x3", 2, 2, (1, 1), (4, 3))

    # activations
    activation_case("act_relu", "relu")
    activation_case("act_leaky_relu_0.1", "leaky_relu", 0.1)
    activation_case("act_sigmoid", "sigmoid")
    activation_case("act_tanh", "tanh")

    header = {
        "generator": "core-simd/src/test/python/generate_golden.py",
        "torch": torch.__version__,
        "numpy": np.__version__,
        "dtype": "<f4",
        "note": "computed in float64 on CPU, saved as float32; grads are of sum(y * gy)",
    }
    # One case per line keeps diffs readable when cases change.
    with open(OUT / "cases.json", "w", encoding="utf-8") as f:
        f.write("{\n")
        for k, v in header.items():
            f.write(f" {json.dumps(k)}: {json.dumps(v)},\n")
        f.write(' "cases": [\n')
        f.write(",\n".join("  " + json.dumps(c) for c in cases))
        f.write("\n ]\n}\n")
    json.loads((OUT / "cases.json").read_text(encoding="utf-8"))
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"{len(cases)} cases, {total / 1024:.1f} KiB in {OUT}")


if __name__ == "__main__":
    torch.use_deterministic_algorithms(True)
    main()
