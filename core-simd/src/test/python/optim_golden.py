"""Golden values for dev.pixelflow.simd.optim: torch.optim SGD, Adam and AdamW in float64, 5 steps on a parameter
vector split into a decaying weight w (7 values) and a non-decaying bias b (3 values, weight_decay 0 in its group),
with fixed gradients and a learning rate that changes per step (dyadic values, exact in float32).

Run: /usr/bin/python3 core-simd/src/test/python/optim_golden.py   (from the repository root)
Writes core-simd/src/test/resources/optim/*.npy (float32):
  p0 [10], grads [5, 10], lr [5]; <case>_params [5, 10] (parameters after each step, w then b);
  <case>_<state> [10] (final optimizer state, flat like the parameters);
  lr_<schedule> [n]: the learning rate of torch.optim.lr_scheduler schedules (base lr 0.1) before each of n steps.
"""
import os
import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "optim")
STEPS = 5
NW, NB = 7, 3


def save(name, a):
    np.save(os.path.join(OUT, name + ".npy"), np.asarray(a, dtype=np.float32))


def run(name, make, p0, grads, lrs, state_names):
    w = torch.tensor(p0[:NW], dtype=torch.float64, requires_grad=True)
    b = torch.tensor(p0[NW:], dtype=torch.float64, requires_grad=True)
    opt = make([{"params": [w]}, {"params": [b], "weight_decay": 0.0}])
    out = []
    for t in range(STEPS):
        for group in opt.param_groups:
            group["lr"] = float(lrs[t])
        w.grad = torch.tensor(grads[t, :NW], dtype=torch.float64)
        b.grad = torch.tensor(grads[t, NW:], dtype=torch.float64)
        opt.step()
        out.append(np.concatenate([w.detach().numpy(), b.detach().numpy()]))
    save(name + "_params", np.stack(out))
    for s in state_names:
        save(name + "_" + s, np.concatenate([opt.state[w][s].numpy(), opt.state[b][s].numpy()]))


def rates(make, n):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=0.1)
    sched = make(opt)
    out = []
    for _ in range(n):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return out


def schedules():
    S = torch.optim.lr_scheduler
    save("lr_step", rates(lambda o: S.StepLR(o, step_size=3, gamma=0.5), 10))
    save("lr_exponential", rates(lambda o: S.ExponentialLR(o, gamma=0.9), 10))
    save("lr_cosine", rates(lambda o: S.CosineAnnealingLR(o, T_max=8, eta_min=0.01), 9))
    # linear warm-up over 3 steps (factor (k+1)/3), then cosine annealing over 5 steps
    save("lr_warmup_cosine", rates(lambda o: S.SequentialLR(o, [S.LinearLR(o, 1 / 3, 1.0, 2),
                                                                 S.CosineAnnealingLR(o, T_max=5, eta_min=0.01)],
                                                            milestones=[3]), 9))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.RandomState(7)
    p0 = rng.randn(NW + NB).astype(np.float32)
    grads = (rng.randn(STEPS, NW + NB) * 0.5).astype(np.float32)
    grads[3] *= 4  # one large gradient
    lrs = np.array([0.125, 0.0625, 0.25, 0.03125, 0.1875], dtype=np.float32)
    save("p0", p0)
    save("grads", grads)
    save("lr", lrs)
    f = dict(foreach=False)
    run("sgd_nesterov", lambda g: torch.optim.SGD(g, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1, **f),
        p0, grads, lrs, ["momentum_buffer"])
    run("sgd_dampening", lambda g: torch.optim.SGD(g, lr=0.1, momentum=0.75, dampening=0.25, weight_decay=0.05,
                                                   **f), p0, grads, lrs, ["momentum_buffer"])
    run("sgd_plain", lambda g: torch.optim.SGD(g, lr=0.1, **f), p0, grads, lrs, [])
    alr = lrs / 8
    run("adam", lambda g: torch.optim.Adam(g, lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1, **f),
        p0, grads, alr, ["exp_avg", "exp_avg_sq"])
    run("adam_betas", lambda g: torch.optim.Adam(g, lr=0.01, betas=(0.5, 0.75), eps=1e-3, **f),
        p0, grads, alr, ["exp_avg", "exp_avg_sq"])
    run("adamw", lambda g: torch.optim.AdamW(g, lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1, **f),
        p0, grads, alr, ["exp_avg", "exp_avg_sq"])
    schedules()
