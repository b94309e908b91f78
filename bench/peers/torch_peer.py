#!/usr/bin/python3
"""Peer numbers for pixelflow's benchmarks: the same GEMM and convolution shapes timed with numpy and PyTorch
on this CPU, so pixelflow's results can be read next to what native libraries reach here.

Measured (float32, CPU):
  sgemm   512x512x512 and M=64,K=576,N=4096      numpy.matmul (the BLAS numpy links) and torch.mm
  conv2d  batch 16, 3x3, pad 1, stride 1, bias:   3->32 @128x128 and 32->32 @64x64
          forward (no autograd) and backward (autograd: grad input + grad weight + grad bias)
  loss    (--only loss; torch only)  forward + backward of BCEWithLogitsLoss on [16,1,512,512] and
          [16,3,128,128]; cross_entropy on [16,2,256,256] and [16,5,128,128]; per-channel z-score
          (x - mean) / std and torch.quantile 5%/95% normalization on [16,1,512,512] and [16,3,128,128];
          torch.cdist (difference form) and a batch-hard triplet loss (forward + backward) for N = 128 and
          1024 embeddings of dimension 128, 4 per identity
each with 1 and 2 threads (torch.set_num_threads; BLAS threads through threadpoolctl).

FLOPs: GEMM 2*M*N*K; conv forward 2*MACs; conv backward 2 * 2*MACs (data + weight; the bias sum is
ignored), where MACs = N * Cout * OH * OW * Cin/groups * KH * KW. GFLOP/s are quoted at the median time
and at the quartiles. Loss group: GB/s for the bandwidth-bound rows (BCE, cross-entropy, z-score), with
bytes = every input and output tensor read or written once; cdist gets GFLOP/s at 3*N*N*D (subtract,
multiply, add); quantile normalization and batch-hard get times only.

Run it alone on an idle machine, with Debian's Python (python3-torch, python3-numpy, python3-threadpoolctl,
and libopenblas0-pthread so that numpy and torch.mm use OpenBLAS rather than the reference BLAS):

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/peers/torch_peer.py

The environment of this project may set OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, which make OpenBLAS pick a
slower kernel set or blocking for numpy (and torch.mm, which calls the same library). The script does not
change the environment itself (OpenBLAS reads these variables once, when it is loaded); it prints their
values and records them in the JSON so that a run with them set can be recognised. Use the `env -u` line.

BLAS threads: with threadpoolctl installed (python3-threadpoolctl) the script limits the BLAS to 1 or 2
threads for each row. Without it the BLAS uses what it read at load time, so measure one thread count per
run and say it on the command line:
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/peers/torch_peer.py --threads 1
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=2 /usr/bin/python3 bench/peers/torch_peer.py --threads 2
(the JSON then marks the BLAS rows "blas_threads_controlled": false).

Options: --threads 1,2   --reps N (timed repetitions, default 30)   --max-seconds S (time box per row,
default 15; at least 5 reps are always taken)   --quick (3 reps, a smoke test of a few seconds)
--out FILE (default bench/results/peers-<date>.json)   --only gemm|conv|loss
"""

import argparse
import datetime
import json
import os
import pathlib
import platform
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

try:
    import threadpoolctl
except ImportError:  # the BLAS then keeps the thread count it read from the environment at load time
    threadpoolctl = None

ENV_VARS = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
            "MKL_NUM_THREADS", "GOTO_NUM_THREADS"]

GEMMS = [("sgemm 512x512x512", 512, 512, 512), ("sgemm M64 K576 N4096", 64, 576, 4096)]
# name, batch, cin, cout, h, w, kernel, padding
CONVS = [("conv 3->32 @128 b16", 16, 3, 32, 128, 128, 3, 1), ("conv 32->32 @64 b16", 16, 32, 32, 64, 64, 3, 1)]


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", default="1,2", help="comma-separated thread counts (default 1,2)")
    ap.add_argument("--reps", type=int, default=30, help="timed repetitions per row (default 30)")
    ap.add_argument("--warmup", type=int, default=3, help="untimed repetitions first (default 3)")
    ap.add_argument("--max-seconds", type=float, default=15.0,
                    help="stop a row after this long once 5 reps are done (default 15)")
    ap.add_argument("--quick", action="store_true", help="3 reps, 1 warm-up: checks that everything runs")
    ap.add_argument("--only", choices=["gemm", "conv", "loss"], help="run only one group")
    ap.add_argument("--out", help="JSON output (default bench/results/peers-<date>.json)")
    a = ap.parse_args()
    a.threads = [int(t) for t in a.threads.split(",") if t.strip()]
    if not a.threads or min(a.threads) < 1:
        ap.error("--threads needs positive integers")
    if a.quick:
        a.reps, a.warmup, a.max_seconds = 3, 1, 2.0
    if a.reps < 1:
        ap.error("--reps must be >= 1")
    return a


class BlasThreads:
    """Limits the BLAS thread pool (numpy and torch.mm both call it) when threadpoolctl is available."""

    def __init__(self, n):
        self.n = n
        self.ctx = None

    def __enter__(self):
        if threadpoolctl is not None:
            self.ctx = threadpoolctl.threadpool_limits(limits=self.n, user_api="blas")
        return self

    def __exit__(self, *exc):
        if self.ctx is not None:
            self.ctx.unregister()

    @staticmethod
    def current():
        if threadpoolctl is None:
            return None
        return [i.get("num_threads") for i in threadpoolctl.threadpool_info() if i.get("user_api") == "blas"]


def measure(fn, reps, warmup, max_seconds, before=None):
    """Times fn() reps times after warm-up; `before` (untimed) runs ahead of each call."""
    for _ in range(warmup):
        if before:
            before()
        fn()
    times = []
    start = time.perf_counter()
    for _ in range(reps):
        if before:
            before()
        t0 = time.perf_counter_ns()
        fn()
        times.append((time.perf_counter_ns() - t0) / 1e6)
        if len(times) >= min(5, reps) and time.perf_counter() - start > max_seconds:
            break
    return times


def summarize(times_ms, flops, nbytes=None):
    """ms quartiles, GFLOP/s when flops is given (else None) and GB/s when nbytes is given."""
    q1, med, q3 = np.percentile(times_ms, [25, 50, 75])
    rate = lambda amount, ms: None if amount is None else amount / (ms * 1e-3) / 1e9
    r = {
        "reps": len(times_ms), "ms_median": med, "ms_q1": q1, "ms_q3": q3, "ms_min": min(times_ms),
        "gflops_median": rate(flops, med), "gflops_q1": rate(flops, q3), "gflops_q3": rate(flops, q1),
        "gflops_best": rate(flops, min(times_ms)),
        "flops": flops, "times_ms": [round(t, 4) for t in times_ms],
    }
    if nbytes is not None:
        r.update(bytes=nbytes, gbps_median=rate(nbytes, med), gbps_q1=rate(nbytes, q3), gbps_q3=rate(nbytes, q1))
    return r


def gemm_rows(args, threads):
    rows = []
    for name, m, k, n in GEMMS:
        rng = np.random.default_rng(0)
        a = rng.standard_normal((m, k), dtype=np.float32)
        b = rng.standard_normal((k, n), dtype=np.float32)
        c = np.empty((m, n), dtype=np.float32)
        ta, tb, tc = torch.from_numpy(a.copy()), torch.from_numpy(b.copy()), torch.empty(m, n)
        flops = 2.0 * m * n * k
        np_t = measure(lambda: np.matmul(a, b, out=c), args.reps, args.warmup, args.max_seconds)
        rows.append(dict(lib="numpy", op=name, kind="gemm", threads=threads, shape=[m, k, n],
                         blas_threads=BlasThreads.current(), **summarize(np_t, flops)))
        th_t = measure(lambda: torch.mm(ta, tb, out=tc), args.reps, args.warmup, args.max_seconds)
        rows.append(dict(lib="torch", op=name, kind="gemm", threads=threads, shape=[m, k, n],
                         blas_threads=BlasThreads.current(), **summarize(th_t, flops)))
        np.testing.assert_allclose(c, tc.numpy(), rtol=1e-3, atol=1e-3 * np.sqrt(k))
    return rows


def conv_backend(x, w, b, pad):
    try:
        backend = torch._C._select_conv_backend(x, w, b, [1, 1], [pad, pad], [1, 1], False, [0, 0], 1)
        return str(backend).rsplit(".", 1)[-1]
    except Exception as e:  # private API: only informative
        return "unknown (" + type(e).__name__ + ")"


def conv_rows(args, threads):
    rows = []
    for name, bsz, cin, cout, h, w, k, pad in CONVS:
        g = torch.Generator().manual_seed(0)
        x = torch.randn(bsz, cin, h, w, generator=g)
        wt = torch.randn(cout, cin, k, k, generator=g) * (1.0 / (cin * k * k)) ** 0.5
        bias = torch.randn(cout, generator=g)
        oh, ow = h + 2 * pad - k + 1, w + 2 * pad - k + 1
        macs = bsz * cout * oh * ow * cin * k * k
        shape = dict(batch=bsz, cin=cin, cout=cout, h=h, w=w, kernel=k, padding=pad, stride=1)

        def fwd():
            with torch.no_grad():
                F.conv2d(x, wt, bias, padding=pad)

        t = measure(fwd, args.reps, args.warmup, args.max_seconds)
        rows.append(dict(lib="torch", op=name + " fwd", kind="conv_forward", threads=threads, shape=shape,
                         backend=conv_backend(x, wt, bias, pad), **summarize(t, 2.0 * macs)))

        # Backward only: the graph is built once and replayed (retain_graph); clearing .grad before each
        # rep makes autograd write fresh gradients instead of adding to old ones.
        xr, wr, br = x.clone().requires_grad_(), wt.clone().requires_grad_(), bias.clone().requires_grad_()
        y = F.conv2d(xr, wr, br, padding=pad)
        gy = torch.randn(y.shape, generator=g)

        def clear():
            xr.grad = wr.grad = br.grad = None

        t = measure(lambda: y.backward(gy, retain_graph=True), args.reps, args.warmup, args.max_seconds,
                    before=clear)
        assert xr.grad is not None and wr.grad is not None and br.grad is not None
        rows.append(dict(lib="torch", op=name + " bwd", kind="conv_backward", threads=threads, shape=shape,
                         backend=conv_backend(xr, wr, br, pad), **summarize(t, 4.0 * macs)))
        del y
    return rows


BCE_SHAPES = [(16, 1, 512, 512), (16, 3, 128, 128)]
CE_SHAPES = [(16, 2, 256, 256), (16, 5, 128, 128)]
NORM_SHAPES = [(16, 1, 512, 512), (16, 3, 128, 128)]
MINING_N = [128, 1024]
MINING_DIM = 128
MINING_PER_ID = 4


def nbytes(*tensors):
    return sum(t.numel() * t.element_size() for t in tensors)


def shape_name(shape):
    return "x".join(str(d) for d in shape)


def fwd_bwd(make_loss, leaf):
    """One training-style step: build the loss (forward) and backpropagate into leaf.grad."""
    def step():
        leaf.grad = None
        make_loss().backward()
    return step


def batch_hard(x, labels, margin=0.2):
    """Batch-hard triplet loss (Hermans et al. 2017) with Euclidean distances, mean over anchors."""
    d = torch.cdist(x, x, compute_mode="donot_use_mm_for_euclid_dist")
    same = labels[:, None] == labels[None, :]
    eye = torch.eye(x.shape[0], dtype=torch.bool)
    hardest_pos = d.masked_fill(~same | eye, float("-inf")).amax(dim=1)
    hardest_neg = d.masked_fill(same, float("inf")).amin(dim=1)
    return F.relu(hardest_pos - hardest_neg + margin).mean()


def loss_rows(args, threads):
    rows = []
    g = torch.Generator().manual_seed(0)
    m = lambda fn: measure(fn, args.reps, args.warmup, args.max_seconds)

    for shape in BCE_SHAPES:
        x = (torch.rand(shape, generator=g) * 2 - 1).requires_grad_()
        t = (torch.rand(shape, generator=g) < 0.5).float()
        times = m(fwd_bwd(lambda: F.binary_cross_entropy_with_logits(x, t), x))
        rows.append(dict(lib="torch", op="bce logits " + shape_name(shape), kind="loss", threads=threads,
                         shape=list(shape), **summarize(times, None, nbytes(x, t, x.grad))))

    for shape in CE_SHAPES:
        b, c, h, w = shape
        x = (torch.rand(shape, generator=g) * 2 - 1).requires_grad_()
        y = torch.randint(0, c, (b, h, w), generator=g)
        times = m(fwd_bwd(lambda: F.cross_entropy(x, y), x))
        rows.append(dict(lib="torch", op="cross_entropy " + shape_name(shape), kind="loss", threads=threads,
                         shape=list(shape), **summarize(times, None, nbytes(x, y, x.grad))))

    for shape in NORM_SHAPES:
        b, c, h, w = shape
        x = torch.rand(shape, generator=g) * 2 - 1
        out = torch.empty_like(x)
        planes, outp = x.view(b * c, h * w), out.view(b * c, h * w)

        def zscore():
            std, mean = torch.std_mean(planes, dim=1, unbiased=False, keepdim=True)
            torch.div(planes - mean, std, out=outp)

        qs = torch.tensor([0.05, 0.95])

        def quantile():
            lo, hi = torch.quantile(planes, qs, dim=1, keepdim=True)
            torch.div(planes - lo, hi - lo, out=outp)

        with torch.no_grad():
            times = m(zscore)
            rows.append(dict(lib="torch", op="zscore/ch " + shape_name(shape), kind="norm", threads=threads,
                             shape=list(shape), **summarize(times, None, nbytes(x, out))))
            times = m(quantile)
            rows.append(dict(lib="torch", op="quantile/ch " + shape_name(shape), kind="norm", threads=threads,
                             shape=list(shape), **summarize(times, None)))

    for n in MINING_N:
        x = torch.rand((n, MINING_DIM), generator=g) * 2 - 1
        labels = torch.arange(n) // MINING_PER_ID
        with torch.no_grad():
            times = m(lambda: torch.cdist(x, x, compute_mode="donot_use_mm_for_euclid_dist"))
        rows.append(dict(lib="torch", op=f"cdist N{n} D{MINING_DIM}", kind="mining", threads=threads,
                         shape=[n, MINING_DIM], **summarize(times, 3.0 * n * n * MINING_DIM)))
        xr = x.clone().requires_grad_()
        times = m(fwd_bwd(lambda: batch_hard(xr, labels), xr))
        assert xr.grad is not None and torch.isfinite(xr.grad).all()
        rows.append(dict(lib="torch", op=f"batch-hard N{n} D{MINING_DIM}", kind="mining", threads=threads,
                         shape=[n, MINING_DIM], **summarize(times, None)))
    return rows


def environment():
    info = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "python_executable": sys.executable,
        "torch": torch.__version__,
        "numpy": np.__version__,
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cpus_available": len(os.sched_getaffinity(0)),
        "loadavg_at_start": os.getloadavg(),
        "env": {v: os.environ.get(v) for v in ENV_VARS},
        "torch_mkldnn_available": torch.backends.mkldnn.is_available(),
        "torch_mkldnn_enabled": torch.backends.mkldnn.enabled,
        "torch_mkl_available": torch.backends.mkl.is_available(),
        "torch_openmp_available": torch.backends.openmp.is_available(),
        "torch_default_threads": torch.get_num_threads(),
        "torch_config": torch.__config__.show(),
        "threadpoolctl": None if threadpoolctl is None else threadpoolctl.__version__,
        "threadpools": threadpoolctl.threadpool_info() if threadpoolctl is not None else None,
        "blas_libraries_loaded": loaded_blas(),
        "numpy_blas_config": numpy_blas_config(),
    }
    return info


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def loaded_blas():
    """The BLAS shared objects actually mapped into this process (whatever numpy's build config says)."""
    found = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1] if "/" in line else ""
                base = os.path.basename(path).lower()
                if any(s in base for s in ("blas", "lapack", "mkl", "dnnl", "gomp", "omp")):
                    found.add(os.path.realpath(path))
    except OSError:
        pass
    return sorted(found)


def numpy_blas_config():
    try:
        cfg = np.__config__
        return {k: getattr(cfg, k) for k in ("blas_opt_info", "blas_ilp64_opt_info") if hasattr(cfg, k)}
    except Exception as e:
        return repr(e)


def print_table(rows):
    """GFLOP/s columns for compute-bound rows, GB/s for bandwidth-bound ones, blank where neither applies."""
    print(f"{'lib':6} {'op':28} {'thr':>3} {'reps':>4} {'median ms':>10} {'q1-q3 ms':>17} "
          f"{'GFLOP/s':>8} {'q1-q3 GFLOP/s':>15} {'GB/s':>7} {'q1-q3 GB/s':>13}")
    rate = lambda r, k: (f"{r[k + '_median']:>8.2f} {r[k + '_q1']:>7.2f}-{r[k + '_q3']:<7.2f}"
                         if r.get(k + "_median") is not None else f"{'':>8} {'':>15}")
    for r in rows:
        gb = (f" {r['gbps_median']:>7.2f} {r['gbps_q1']:>6.2f}-{r['gbps_q3']:<6.2f}"
              if r.get("gbps_median") is not None else "")
        print((f"{r['lib']:6} {r['op']:28} {r['threads']:>3} {r['reps']:>4} {r['ms_median']:>10.3f} "
               f"{r['ms_q1']:>8.3f}-{r['ms_q3']:<8.3f} " + rate(r, "gflops") + gb).rstrip())


def main():
    args = parse_args()
    env = environment()
    print(f"torch {env['torch']}, numpy {env['numpy']}, python {env['python']} ({env['python_executable']})")
    print(f"cpu: {env['cpu']}, {env['cpus_available']} cpus, load average at start {env['loadavg_at_start']}")
    for v in ENV_VARS:
        print(f"  {v}={env['env'][v] if env['env'][v] is not None else '(unset)'}")
    if env["env"]["OPENBLAS_CORETYPE"] or env["env"]["OPENBLAS_L2_SIZE"]:
        print("  note: OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE are set and change OpenBLAS's kernels; for peer numbers"
              " run with: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 " + sys.argv[0])
    print(f"mkldnn available: {env['torch_mkldnn_available']} (enabled {env['torch_mkldnn_enabled']}), "
          f"mkl: {env['torch_mkl_available']}, openmp: {env['torch_openmp_available']}")
    if threadpoolctl is not None:
        for p in env["threadpools"]:
            print(f"  threadpool {p.get('user_api')}: {p.get('internal_api')} {p.get('version') or ''} "
                  f"{p.get('architecture') or ''} {p.get('filepath')}")
    else:
        print("  threadpoolctl not installed: BLAS threads follow OPENBLAS_NUM_THREADS (see the header)")
    print("  BLAS/OpenMP libraries loaded: " + ", ".join(env["blas_libraries_loaded"]))
    if not any("openblas" in p or "mkl" in p or "blis" in p for p in env["blas_libraries_loaded"]):
        print("  WARNING: no optimised BLAS is loaded (reference BLAS?): numpy and torch.mm numbers are not "
              "representative; install libopenblas0-pthread")
    print(f"reps {args.reps} (warm-up {args.warmup}, time box {args.max_seconds} s per row), threads {args.threads}")
    print()

    rows = []
    for t in args.threads:
        torch.set_num_threads(t)
        with BlasThreads(t):
            if args.only in (None, "gemm"):
                rows += gemm_rows(args, t)
            if args.only in (None, "conv"):
                rows += conv_rows(args, t)
            if args.only == "loss":
                rows += loss_rows(args, t)
        if threadpoolctl is None:
            for r in rows:
                if r["threads"] == t and r["kind"] == "gemm":
                    r["blas_threads_controlled"] = False
        for r in rows:
            r.setdefault("torch_threads", torch.get_num_threads())
    print_table(rows)

    out = pathlib.Path(args.out) if args.out else (
        pathlib.Path(__file__).resolve().parents[1] / "results" / f"peers-{datetime.date.today().isoformat()}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    result = {"script": "bench/peers/torch_peer.py", "argv": sys.argv[1:], "quick": args.quick,
              "environment": env, "loadavg_at_end": os.getloadavg(), "results": rows}
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
