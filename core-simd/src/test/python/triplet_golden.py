"""Golden values for dev.pixelflow.simd.mining (triplet losses), torch float64 autograd.

Run: /usr/bin/python3 core-simd/src/test/python/triplet_golden.py   (from the repository root)
Writes core-simd/src/test/resources/triplet/<case>_<name>.npy (float32).
Batch-hard, batch-all and semi-hard are written here in torch following SEMANTICS.md (Hermans et al.;
TF-Addons triplet_semihard_loss); TripletMarginLoss is torch.nn.TripletMarginLoss itself.
Batch cases: x [N, D], labels [N], loss [1], grad [N, D]; batch-hard also pos, neg [N] (-1 = skipped).
Explicit cases: a, p, n [B, D], loss [mean, sum], none [B], ga, gp, gn (gradients of the mean).
"""
import os
import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "triplet")
torch.set_default_dtype(torch.float64)


def save(case, name, arr):
    np.save(os.path.join(OUT, f"{case}_{name}.npy"), np.asarray(arr, dtype=np.float32))


def pdist(x, kind):
    if kind == "cosine":
        u = x / x.norm(dim=1, keepdim=True).clamp_min(1e-12)
        diff = u[:, None, :] - u[None, :, :]
        return 0.5 * (diff * diff).sum(-1)
    diff = x[:, None, :] - x[None, :, :]
    s = (diff * diff).sum(-1)
    return s if kind == "squared" else torch.sqrt(s + 1e-12)


def prepare(x, normalize):
    return F.normalize(x, dim=1, eps=1e-12) if normalize else x


def batch_hard(x, y, margin, soft, kind, normalize):
    d = pdist(prepare(x, normalize), kind)
    n = len(y)
    terms, pos, neg = [], [-1] * n, [-1] * n
    for a in range(n):
        ps = [j for j in range(n) if j != a and y[j] == y[a]]
        ns = [j for j in range(n) if y[j] != y[a]]
        if not ps or not ns:
            continue
        p = max(ps, key=lambda j: (d[a, j].item(), -j))
        q = min(ns, key=lambda j: (d[a, j].item(), j))
        pos[a], neg[a] = p, q
        z = d[a, p] - d[a, q]
        terms.append(F.softplus(z) if soft else torch.clamp(z + margin, min=0))
    loss = torch.stack(terms).mean() if terms else x.sum() * 0
    return loss, pos, neg


def hinge(z, margin, soft):
    return F.softplus(z) if soft else torch.clamp(z + margin, min=0)


def batch_all(x, y, margin, kind, normalize, positive_mean, soft=False):
    d = pdist(prepare(x, normalize), kind)
    n = len(y)
    terms = []
    for a in range(n):
        for p in range(n):
            if p == a or y[p] != y[a]:
                continue
            for q in range(n):
                if y[q] != y[a]:
                    terms.append(hinge(d[a, p] - d[a, q], margin, soft))
    t = torch.stack(terms)
    if positive_mean:
        cnt = int((t > 0).sum().item())
        return t.sum() / cnt
    return t.mean()


def semi_hard(x, y, margin, kind, normalize, soft=False):
    d = pdist(prepare(x, normalize), kind)
    n = len(y)
    terms = []
    for a in range(n):
        ns = [j for j in range(n) if y[j] != y[a]]
        if not ns:
            continue
        far = max(ns, key=lambda j: d[a, j].item())
        for p in range(n):
            if p == a or y[p] != y[a]:
                continue
            semi = [j for j in ns if d[a, j].item() > d[a, p].item()]
            q = min(semi, key=lambda j: d[a, j].item()) if semi else far
            terms.append(hinge(d[a, p] - d[a, q], margin, soft))
    return torch.stack(terms).sum() / len(terms)


def labels_pk(p, k, rng):
    y = np.repeat(np.arange(p), k)
    rng.shuffle(y)
    return y


def batch_case(name, fn, y, d, seed, scale):
    rng = np.random.RandomState(seed)
    x = torch.tensor((rng.randn(len(y), d) * scale).astype(np.float32).astype(np.float64), requires_grad=True)
    out = fn(x, list(y))
    if isinstance(out, tuple):
        loss, pos, neg = out
        save(name, "pos", pos)
        save(name, "neg", neg)
    else:
        loss = out
    loss.backward()
    save(name, "x", x.detach().numpy())
    save(name, "labels", y)
    save(name, "loss", [loss.item()])
    save(name, "grad", x.grad.numpy())


def explicit_case(name, b, d, seed, swap, p, margin, scale):
    rng = np.random.RandomState(seed)
    t = [torch.tensor((rng.randn(b, d) * scale).astype(np.float32).astype(np.float64), requires_grad=True)
         for _ in range(3)]
    crit = torch.nn.TripletMarginLoss(margin=margin, p=p, swap=swap, reduction="mean")
    loss = crit(*t)
    loss.backward()
    s = torch.nn.TripletMarginLoss(margin=margin, p=p, swap=swap, reduction="sum")(*t)
    none = torch.nn.TripletMarginLoss(margin=margin, p=p, swap=swap, reduction="none")(*t)
    for nm, v in zip(["a", "p", "n"], t):
        save(name, nm, v.detach().numpy())
        save(name, "g" + nm, v.grad.numpy())
    save(name, "loss", [loss.item(), s.item()])
    save(name, "none", none.detach().numpy())


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.RandomState(7)
    y12 = labels_pk(4, 3, rng)
    y_single = np.array([0, 0, 1, 1, 1, 2, 3, 3, 4])  # labels 2 and 4 have no positive
    batch_case("bh_euclid", lambda x, y: batch_hard(x, y, 0.5, False, "euclidean", False), y12, 5, 1, 0.6)
    batch_case("bh_soft_sq", lambda x, y: batch_hard(x, y, 0.0, True, "squared", False), y12, 5, 2, 0.6)
    batch_case("bh_cos_norm", lambda x, y: batch_hard(x, y, 0.2, False, "cosine", True), y12, 6, 3, 1.0)
    batch_case("bh_euclid_norm", lambda x, y: batch_hard(x, y, 0.2, False, "euclidean", True), y12, 4, 4, 1.0)
    batch_case("bh_single", lambda x, y: batch_hard(x, y, 0.5, False, "euclidean", False), y_single, 3, 5, 0.6)
    batch_case("ba_pos", lambda x, y: batch_all(x, y, 0.5, "euclidean", False, True), y12, 5, 6, 0.6)
    batch_case("ba_mean", lambda x, y: batch_all(x, y, 0.5, "euclidean", False, False), y12, 5, 6, 0.6)
    batch_case("ba_sq_norm", lambda x, y: batch_all(x, y, 0.2, "squared", True, True), y_single, 4, 7, 1.0)
    batch_case("sh_euclid", lambda x, y: semi_hard(x, y, 1.0, "euclidean", False), y12, 5, 8, 0.6)
    batch_case("sh_sq", lambda x, y: semi_hard(x, y, 0.5, "squared", False), y12, 5, 9, 0.4)
    batch_case("sh_cos", lambda x, y: semi_hard(x, y, 0.2, "cosine", False), y_single, 4, 10, 1.0)
    batch_case("ba_soft", lambda x, y: batch_all(x, y, 0.0, "euclidean", False, True, soft=True), y12, 5, 11, 0.6)
    batch_case("sh_soft_sq", lambda x, y: semi_hard(x, y, 0.0, "squared", False, soft=True), y_single, 4, 12, 0.6)
    explicit_case("tml_plain", 7, 5, 11, False, 2, 1.0, 0.6)
    explicit_case("tml_swap", 7, 5, 12, True, 2, 1.0, 0.6)
    explicit_case("tml_p1", 7, 5, 13, False, 1, 1.0, 0.4)
    explicit_case("tml_p3_swap", 7, 5, 14, True, 3, 0.5, 0.6)


if __name__ == "__main__":
    main()
