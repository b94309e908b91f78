"""Goldens for dev.pixelflow.simd.norm (numpy: np.std ddof 0, np.quantile default linear method).

Run: /usr/bin/python3 core-simd/src/test/python/norm_golden.py (from the repository root).
"""
import os
import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "norm")
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(20261130)
x = (rng.standard_normal((2, 3, 4, 5)) * 3.0 + 1.5).astype(np.float32)
x[1, 2] = 7.25  # a constant plane: zero std / range / spread per channel
d = x.astype(np.float64)


def save(name, a):
    np.save(os.path.join(OUT, name + ".npy"), np.asarray(a, dtype=np.float32))


def zscore(v, axes, eps=0.0):
    m = v.mean(axis=axes, keepdims=True)
    s = v.std(axis=axes, keepdims=True) + eps
    s = np.where(s == 0, 1.0, s)
    return (v - m) / s


def minmax(v, axes, a=0.0, b=1.0):
    lo = v.min(axis=axes, keepdims=True)
    r = v.max(axis=axes, keepdims=True) - lo
    r = np.where(r == 0, 1.0, r)
    return a + (b - a) * (v - lo) / r


def quantile(v, axes, ql=0.05, qh=0.95, clip=False):
    lo = np.quantile(v, ql, axis=axes, keepdims=True)
    r = np.quantile(v, qh, axis=axes, keepdims=True) - lo
    r = np.where(r == 0, 1.0, r)
    y = (v - lo) / r
    return np.clip(y, 0, 1) if clip else y


save("input", x)
save("zscore_image", zscore(d, (1, 2, 3)))
save("zscore_channel", zscore(d, (2, 3)))
save("zscore_channel_eps", zscore(d, (2, 3), eps=0.5))
save("zscore_dataset", zscore(d, (0, 2, 3)))
save("minmax_image", minmax(d, (1, 2, 3)))
save("minmax_channel_range", minmax(d, (2, 3), -1.0, 1.0))
save("minmax_dataset", minmax(d, (0, 2, 3)))
save("quantile_image", quantile(d, (1, 2, 3)))
save("quantile_channel_clip", quantile(d, (2, 3), clip=True))
save("quantile_channel_25_75", quantile(d, (2, 3), 0.25, 0.75))
save("quantile_dataset", quantile(d, (0, 2, 3)))
