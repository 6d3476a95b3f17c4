#!/usr/bin/python3
"""Python/PyTorch twin of `ebm-lab-cli bench` (core/bench.cpp), for a C++/Python speed ratio.

What it measures, per preset (resources/presets/<name>.toml), on the CPU (or --device cuda):
  * ms_per_x_step     one x-Langevin step: a chain of 1 step on the EBM from x0 = G(z), no trace
  * ms_per_z_step     one z-Langevin step: a chain of 1 step on the generator posterior, no trace
  * ms_per_iteration  one Dual-MCMC training iteration (DualMcmc::iterate) on one fixed batch
Each figure is the median of repeated timed calls after two untimed warm-ups, taken the way
core/bench.cpp takes it (the element at index n/2 of the sorted times; the iteration is timed
max(3, --iterations) times, the steps --repeats times).

How it mirrors the C++ code (read side by side with it):
  * core/models.cpp: the same MLP and conv nets, layer for layer and in the same operation
    order (LeakyReLU 0.2, ReLU, avg-pool 2, bilinear x2 upsampling with align_corners, BatchNorm
    in G, tanh output where gen_tanh); the reference init (Xavier-normal conv weights, BatchNorm
    weight ~ N(0, 1) and bias 0, PyTorch's default Linear init). Parameter counts match the
    C++ ones and are printed so that this can be checked.
  * core/spectral_norm.cpp: torch.nn.utils.spectral_norm on every Linear/Conv2d of the EBM,
    one power iteration per forward in train mode, u and v cloned, W / (u . W v); the
    parameter is `weight_orig`, u and v are buffers - exactly the C++ semantics.
  * core/langevin.cpp: x <- x - (s^2/2) dE/dx + n*xi and z <- z - (s^2/2) dU/dz + n*xi with
    U(z) = SSE(G(z), x) * (half_sse ? 1/2 : 1) / sigma^2 + |z|^2 / (2 sigma_p^2); gradients by
    torch.autograd.grad on a detached, requires-grad copy of the state; no trace recording, no
    per-step finiteness check (the C++ code checks only when it records a trace).
  * core/dual_mcmc.cpp (DualMcmc::iterate): the same sequence of forwards, losses, backwards
    and optimiser steps (G, then I, then E with an optional second x-chain from the updated G),
    all three nets in train mode throughout, and the same scalar read-backs at the end.
  * core/optim.cpp: torch.optim.Adam with betas and (coupled) weight_decay is the same math;
    zero_grad(set_to_none=True) as in the C++ optimiser.
  * core/runtime.cpp: torch.set_num_threads(--threads, default all cores) and a single-thread
    OpenBLAS (OPENBLAS_NUM_THREADS=1 unless already set, before torch is imported).
  * Data: toy2d = 8 Gaussians (radius 0.8, angles k*pi/4, std 0.05), as core/toy2d.cpp;
    fmnist-small = Fashion-MNIST padded to 32x32 in [-1, 1] read from the preset's data.path
    (gzip + numpy), or random images in [-1, 1] if that is unavailable or with --synthetic.
    The timings do not depend on the pixel values.

Output: JSON on stdout shaped like the C++ bench's.

Usage:  python3 bench/bench_python.py [--preset toy2d] [--preset fmnist-small]
                                     [--threads N] [--repeats 20] [--iterations 10]
Debian's python3-torch lives in /usr/lib/python3/dist-packages: if the python3 that runs this
script cannot import torch (a pyenv or venv python3 first on PATH), it re-runs itself under
/usr/bin/python3.
"""

import argparse
import gzip
import json
import math
import os
import resource
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as configureThreads() in core/runtime.cpp

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    sys.exit("bench_python.py needs Python 3.11+ (tomllib)")

try:
    import torch
except ModuleNotFoundError:
    # Debian's python3-torch is installed for the system interpreter; another python3 (pyenv,
    # a venv) may come first on PATH. Re-run under the system one rather than fail.
    if os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3") and \
            os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3", os.path.abspath(__file__)] + sys.argv[1:])
    raise
import torch.nn as nn
import torch.nn.functional as F

try:
    import numpy as np
except ImportError:  # only needed to read Fashion-MNIST
    np = None

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PRESET_DIR = os.path.join(REPO, "resources", "presets")


# ------------------------------------------------------------------------------ config

def load_preset(name):
    if name.endswith(".toml") or "/" in name:
        path = name
    else:
        path = os.path.join(PRESET_DIR, name + ".toml")
    with open(path, "rb") as f:
        cfg = tomllib.load(f)
    # Dual-MCMC's own settings live in [dual_mcmc.model], [dual_mcmc.x], [dual_mcmc.z] and
    # [dual_mcmc.train]; this script reads them where older presets kept them, beside the
    # shared keys of [model] and [train].
    for table, values in cfg.pop("dual_mcmc", {}).items():
        cfg.setdefault(table, {}).update(values)
    return cfg


def x_temperature(xcfg):
    return (xcfg["noise"] / xcfg["step_size"]) ** 2


# ------------------------------------------------------------------------------ models

def lrelu(x):
    return F.leaky_relu(x, 0.2)


def avg_pool2(x):
    return F.avg_pool2d(x, 2)


def upsample2(x):
    return F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=True)


def sn(module, enabled):
    # One power iteration per forward in train mode; weight_orig is the parameter.
    return nn.utils.spectral_norm(module) if enabled else module


def sn_linear(i, o, bias, enabled):
    return sn(nn.Linear(i, o, bias=bias), enabled)


def sn_conv(i, o, k, pad, enabled):
    return sn(nn.Conv2d(i, o, k, padding=pad, bias=False), enabled)


class MlpEnergy(nn.Module):
    def __init__(self, m):
        super().__init__()
        w, s = m["ebm_width"], m["spectral_norm"]
        self.l1 = sn_linear(m["data_dim"], w, True, s)
        self.l2 = sn_linear(w, w, True, s)
        self.l3 = sn_linear(w, w, True, s)
        self.out = sn_linear(w, 1, False, s)

    def forward(self, x):
        h = lrelu(self.l1(x))
        h = lrelu(self.l2(h))
        h = lrelu(self.l3(h))
        return self.out(h).squeeze(1)


class MlpGenerator(nn.Module):
    def __init__(self, m):
        super().__init__()
        w = m["gen_width"]
        self.tanh = m["gen_tanh"]
        self.l1 = nn.Linear(m["nz"], w)
        self.bn1 = nn.BatchNorm1d(w)
        self.l2 = nn.Linear(w, w)
        self.bn2 = nn.BatchNorm1d(w)
        self.out = nn.Linear(w, m["data_dim"])

    def forward(self, z):
        h = torch.relu(self.bn1(self.l1(z.flatten(1))))
        h = torch.relu(self.bn2(self.l2(h)))
        h = self.out(h)
        return torch.tanh(h) if self.tanh else h


class MlpInference(nn.Module):
    def __init__(self, m):
        super().__init__()
        w = m["inf_width"]
        self.l1 = nn.Linear(m["data_dim"], w)
        self.l2 = nn.Linear(w, w)
        self.mu = nn.Linear(w, m["nz"])
        self.logvar = nn.Linear(w, m["nz"])

    def forward(self, x):
        h = lrelu(self.l1(x))
        h = lrelu(self.l2(h))
        return (self.mu(h).unsqueeze(2).unsqueeze(3), self.logvar(h).unsqueeze(2).unsqueeze(3))


class EbmStartBlock(nn.Module):
    def __init__(self, i, o, s):
        super().__init__()
        self.c1 = sn_conv(i, o, 3, 1, s)
        self.c2 = sn_conv(o, o, 3, 1, s)
        self.sc = sn_conv(i, o, 1, 0, s)

    def forward(self, x):
        h = avg_pool2(self.c2(torch.relu(self.c1(x))))
        return h + self.sc(avg_pool2(x))


class EbmBlock(nn.Module):
    def __init__(self, i, o, down, s):
        super().__init__()
        self.down = down
        self.c1 = sn_conv(i, o, 3, 1, s)
        self.c2 = sn_conv(o, o, 3, 1, s)
        self.sc = sn_conv(i, o, 1, 0, s) if (i != o or down) else None

    def forward(self, x):
        h = self.c2(torch.relu(self.c1(torch.relu(x))))
        sc = self.sc(x) if self.sc is not None else x
        if self.down:
            h = avg_pool2(h)
            sc = avg_pool2(sc)
        return h + sc


class ConvEnergy(nn.Module):
    def __init__(self, m):
        super().__init__()
        w, s = m["ebm_width"], m["spectral_norm"]
        self.start = EbmStartBlock(m["channels"], w, s)
        self.b1 = EbmBlock(w, w, True, s)
        self.b2 = EbmBlock(w, w, False, s)
        self.b3 = EbmBlock(w, w, False, s)
        self.fc = sn_linear(w, 1, False, s)

    def forward(self, x):
        h = self.b3(self.b2(self.b1(self.start(x))))
        h = torch.relu(h).mean((2, 3))
        return self.fc(h).squeeze(1)


class GenBlock(nn.Module):
    def __init__(self, i, o):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(i)
        self.c1 = nn.Conv2d(i, o, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(o)
        self.c2 = nn.Conv2d(o, o, 3, padding=1)
        self.sc = nn.Conv2d(i, o, 1)

    def forward(self, x):
        h = self.c1(upsample2(torch.relu(self.bn1(x))))
        h = self.c2(torch.relu(self.bn2(h)))
        return h + self.sc(upsample2(x))


class ConvGenerator(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.width = m["gen_width"]
        self.bottom = 7 if m["image_size"] == 28 else 4
        self.tanh = m["gen_tanh"]
        self.fc = nn.Linear(m["nz"], self.bottom * self.bottom * self.width)
        blocks = 2 if m["image_size"] == 28 else 3
        self.blocks = nn.ModuleList([GenBlock(self.width, self.width) for _ in range(blocks)])
        self.bn = nn.BatchNorm2d(self.width)
        self.out = nn.Conv2d(self.width, m["channels"], 3, padding=1)

    def forward(self, z):
        h = self.fc(z.flatten(1)).view(z.size(0), self.width, self.bottom, self.bottom)
        for b in self.blocks:
            h = b(h)
        h = self.out(torch.relu(self.bn(h)))
        return torch.tanh(h) if self.tanh else h


class ConvInference(nn.Module):
    def __init__(self, m):
        super().__init__()
        w, c, nz = m["inf_width"], m["channels"], m["nz"]

        def conv(i, o, k, stride, pad, bias):
            return nn.Conv2d(i, o, k, stride=stride, padding=pad, bias=bias)

        if m["image_size"] == 32:  # 32 -> 32 -> 16 -> 8 -> 4, heads 4x4 valid
            convs = [conv(c, w, 3, 1, 1, False), conv(w, 2 * w, 4, 2, 1, False),
                     conv(2 * w, 4 * w, 4, 2, 1, False), conv(4 * w, 8 * w, 4, 2, 1, False)]
            self.convs = nn.ModuleList(convs)
            self.mu = conv(8 * w, nz, 4, 1, 0, True)
            self.logvar = conv(8 * w, nz, 4, 1, 0, True)
        else:  # 28 -> 14 -> 7 -> 7, heads 7x7 valid
            convs = [conv(c, w, 4, 2, 1, False), conv(w, 2 * w, 4, 2, 1, False),
                     conv(2 * w, 4 * w, 3, 1, 1, False)]
            self.convs = nn.ModuleList(convs)
            self.mu = conv(4 * w, nz, 7, 1, 0, True)
            self.logvar = conv(4 * w, nz, 7, 1, 0, True)

    def forward(self, x):
        h = x
        for c in self.convs:
            h = lrelu(c(h))
        return (self.mu(h), self.logvar(h))


def make_nets(m):
    if m["family"] == "mlp":
        return MlpEnergy(m), MlpGenerator(m), MlpInference(m)
    return ConvEnergy(m), ConvGenerator(m), ConvInference(m)


def data_shape(m):
    if m["family"] == "mlp":
        return [m["data_dim"]]
    return [m["channels"], m["image_size"], m["image_size"]]


@torch.no_grad()
def apply_reference_init(module):
    for mod in module.modules():
        if isinstance(mod, nn.Conv2d):
            w = mod.weight_orig if hasattr(mod, "weight_orig") else mod.weight
            nn.init.xavier_normal_(w)
        elif isinstance(mod, (nn.BatchNorm1d, nn.BatchNorm2d)):
            mod.weight.normal_(0.0, 1.0)
            mod.bias.zero_()


def parameter_count(module):
    return sum(p.numel() for p in module.parameters())


# ------------------------------------------------------------------------------ Langevin

def langevin_x(E, x0, xcfg, gen, steps=None):
    steps = xcfg["steps"] if steps is None else steps
    coef = 0.5 * xcfg["step_size"] * xcfg["step_size"]
    x = x0.detach().clone()
    for _ in range(steps):
        xv = x.detach().requires_grad_(True)
        e = E(xv)
        grad = torch.autograd.grad(e.sum(), [xv])[0]
        with torch.no_grad():
            drift = grad * (-coef)
            noise = torch.randn(x.shape, generator=gen, dtype=x.dtype) * xcfg["noise"]
            x = x + drift + noise
    return x.detach()


def z_potential_from_decoded(decoded, x, z, zcfg):
    residual = decoded - x
    sse = residual.pow(2).flatten(1).sum(1)
    like_scale = (0.5 if zcfg["half_sse"] else 1.0) / (zcfg["sigma"] * zcfg["sigma"])
    prior = z.pow(2).flatten(1).sum(1) / (2.0 * zcfg["prior_sigma"] * zcfg["prior_sigma"])
    return sse * like_scale + prior


def langevin_z(G, x, z0, zcfg, gen, steps=None):
    steps = zcfg["steps"] if steps is None else steps
    coef = 0.5 * zcfg["step_size"] * zcfg["step_size"]
    z = z0.detach().clone()
    for _ in range(steps):
        zv = z.detach().requires_grad_(True)
        decoded = G(zv)
        u = z_potential_from_decoded(decoded, x, zv, zcfg)
        grad = torch.autograd.grad(u.sum(), [zv])[0]
        with torch.no_grad():
            drift = grad * (-coef)
            noise = torch.randn(z.shape, generator=gen, dtype=z.dtype) * zcfg["noise"]
            z = z + drift + noise
    return z.detach()


# ------------------------------------------------------------------------------ Dual-MCMC

def gaussian_nll(z, q):
    mu, logvar = q
    d = (z - mu).pow(2) / (logvar.exp() + 1e-6)
    return 0.5 * (logvar + d).flatten(1).sum(1)


class DualMcmc:
    def __init__(self, cfg):
        self.cfg = cfg
        m, t = cfg["model"], cfg["train"]
        self.nz = m["nz"]
        torch.manual_seed(t["seed"])  # initial weights are a function of the seed
        self.E, self.G, self.I = make_nets(m)
        for net in (self.E, self.G, self.I):
            apply_reference_init(net)
            net.train()  # all three in training mode throughout, sampling included

        def adam(net, lr, wd):
            return torch.optim.Adam(net.parameters(), lr=lr, betas=(t["beta1"], t["beta2"]),
                                    eps=1e-8, weight_decay=wd)

        self.optE = adam(self.E, t["lr_e"], t["wd_e"])
        self.optG = adam(self.G, t["lr_g"], t["wd_g"])
        self.optI = adam(self.I, t["lr_i"], t["wd_i"])

    def sample_latent(self, n, gen):
        return torch.randn((n, self.nz, 1, 1), generator=gen)

    def initial_x_generator(self, n, gen):
        with torch.no_grad():
            return self.G(self.sample_latent(n, gen))

    def iterate(self, batch, gen):
        t, xcfg, zcfg = self.cfg["train"], self.cfg["x"], self.cfg["z"]
        x = batch
        B = x.size(0)
        temperature = x_temperature(xcfg) if t["use_temperature"] else 1.0

        # 1. Sample and revise x: x0 = G(z) keeps its graph; x~ = x-Langevin from x0.
        z = self.sample_latent(B, gen)
        x0 = self.G(z)
        x_tilde = langevin_x(self.E, x0.detach(), xcfg, gen)

        # 2. Infer and revise z: z^ ~ q(z|x), z~ = z-Langevin on the posterior.
        q = self.I(x)
        eps = torch.randn(q[0].shape, generator=gen, dtype=q[0].dtype)
        z_hat = q[0] + (0.5 * q[1]).exp() * eps
        z_tilde = langevin_z(self.G, x, z_hat.detach(), zcfg, gen)

        # 3. Generator.
        self.optG.zero_grad(set_to_none=True)
        g_data = (self.G(z_tilde) - x).pow(2).sum() / float(B)
        g_sample = (x0 - x_tilde).pow(2).sum() / float(B)
        loss_g = t["g_factor"] * g_data + t["s_factor"] * g_sample
        loss_g.backward()
        self.optG.step()

        # 4. Inference model.
        self.optI.zero_grad(set_to_none=True)
        i_real = gaussian_nll(z_tilde, q).mean()
        i_gen = gaussian_nll(z, self.I(x_tilde)).mean()
        loss_i = t["g_factor"] * i_real + t["i_factor"] * i_gen
        loss_i.backward()
        self.optI.step()

        # 5. EBM: negatives from the updated generator revised again, or x~.
        negatives = x_tilde
        if t["two_chains"]:
            with torch.no_grad():
                start = self.G(z)
            negatives = langevin_x(self.E, start, xcfg, gen)
        self.optE.zero_grad(set_to_none=True)
        e_data = self.E(x).mean()
        e_neg = self.E(negatives).mean()
        loss_e = (e_data - e_neg) / temperature
        loss_e.backward()
        self.optE.step()

        with torch.no_grad():
            z_mse = (self.G(z_tilde) - x).pow(2).mean().item()
        losses = [loss_e.item(), e_data.item(), e_neg.item(), loss_g.item(), g_data.item(),
                  g_sample.item(), loss_i.item(), i_real.item(), i_gen.item(),
                  (x_tilde - x0.detach()).pow(2).flatten(1).sum(1).sqrt().mean().item(),
                  z_mse, self.optE.param_groups[0]["lr"]]
        # 6. The reference aborts on a NaN loss or an energy gap beyond 1e4 (checks only).
        diverged = (not all(math.isfinite(v) for v in losses)) or abs(losses[1] - losses[2]) > 1e4
        return losses, diverged


# ------------------------------------------------------------------------------ data

def sample_eight_gaussians(n, gen):
    cpu = torch.device("cpu")
    angle = torch.arange(8, dtype=torch.float32, device=cpu) * (math.pi / 4)
    centres = torch.stack([torch.cos(angle), torch.sin(angle)], 1) * 0.8
    k = torch.randint(8, (n,), generator=gen, device=cpu)
    noise = torch.randn((n, 2), generator=gen, device=cpu)
    return (centres.index_select(0, k) + 0.05 * noise).contiguous()


def load_fashion_mnist_train(folder, pad32):
    if np is None:
        raise RuntimeError("numpy is not installed")
    path = os.path.join(folder, "train-images-idx3-ubyte.gz")
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic, n, h, w = (int.from_bytes(raw[i:i + 4], "big") for i in range(0, 16, 4))
    if magic != 2051:
        raise RuntimeError(f"{path}: bad idx magic {magic}")
    arr = np.frombuffer(raw, dtype=np.uint8, count=n * h * w, offset=16).reshape(n, 1, h, w)
    images = torch.from_numpy(arr.copy()).to(torch.float32).div_(127.5).sub_(1)
    if pad32 and h == 28 and w == 28:
        images = F.pad(images, (2, 2, 2, 2), value=-1.0)
    return images


def make_batch(cfg, B, cpu_gen, synthetic):
    data, m = cfg["data"], cfg["model"]
    batch, note = None, ""
    if data["kind"] == "toy2d" or not synthetic:
        try:
            if data["kind"] == "toy2d":
                if data["toy"] != "8gaussians":
                    raise RuntimeError(f"toy {data['toy']} not implemented here")
                batch = sample_eight_gaussians(B, cpu_gen)
                note = "toy2d"
            else:
                images = load_fashion_mnist_train(data["path"], data["pad32"])
                if data.get("limit", 0) > 0:
                    images = images[: data["limit"]]
                if list(images.shape[1:]) != data_shape(m):
                    raise RuntimeError(f"images are {list(images.shape[1:])}, "
                                       f"model expects {data_shape(m)}")
                order = torch.randperm(images.size(0), generator=cpu_gen, device="cpu")
                batch = images.index_select(0, order[:B])
                note = data["kind"]
        except Exception as e:  # noqa: BLE001 - any failure falls back to random images
            note = f"synthetic ({e})"
    if batch is None:
        batch = torch.rand([B] + data_shape(m), generator=cpu_gen, device="cpu") * 2.0 - 1.0
        if not note:
            note = "synthetic"
    return batch, note


# ------------------------------------------------------------------------------ timing

def sync():
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.synchronize()


def median_ms(repeats, fn):
    for _ in range(2):
        fn()
    sync()
    ms = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        sync()
        ms.append((time.perf_counter() - t0) * 1000.0)
    ms.sort()
    return ms[len(ms) // 2]


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def bench_preset(preset, args):
    cfg = load_preset(preset)
    method = DualMcmc(cfg)
    gen = torch.Generator(device=args.device).manual_seed(7)
    cpu_gen = torch.Generator(device="cpu").manual_seed(7)
    B = cfg["train"]["batch_size"]
    batch, note = make_batch(cfg, B, cpu_gen, args.synthetic)
    batch = batch.to(args.device)

    x0 = method.initial_x_generator(B, gen)
    z0 = method.sample_latent(B, gen)
    x_step = median_ms(args.repeats, lambda: langevin_x(method.E, x0, cfg["x"], gen, steps=1))
    z_step = median_ms(args.repeats,
                       lambda: langevin_z(method.G, batch, z0, cfg["z"], gen, steps=1))
    it = median_ms(max(3, args.iterations), lambda: method.iterate(batch, gen))

    result = {
        "preset": preset,
        "data": note,
        "batch_size": B,
        "x_steps": cfg["x"]["steps"],
        "z_steps": cfg["z"]["steps"],
        "two_chains": cfg["train"]["two_chains"],
        "params": {"E": parameter_count(method.E), "G": parameter_count(method.G),
                   "I": parameter_count(method.I)},
        "ms_per_x_step": x_step,
        "ms_per_z_step": z_step,
        "ms_per_iteration": it,
        "iterations_per_second": 1000.0 / it,
        "peak_rss_mib_so_far": peak_rss_mib(),
    }
    if cfg["model"]["family"] != "mlp":
        result["data_note"] = "the timings do not depend on the pixel values (real or random)"
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", action="append", default=None,
                    help="preset name or .toml path (repeatable; default toy2d and fmnist-small)")
    ap.add_argument("--threads", type=int, default=0, help="intra-op threads (0 = all cores)")
    ap.add_argument("--repeats", type=int, default=20, help="timed repetitions per step measurement")
    ap.add_argument("--iterations", type=int, default=10, help="timed training iterations")
    ap.add_argument("--synthetic", action="store_true",
                    help="random images instead of Fashion-MNIST")
    ap.add_argument("--device", default="cpu",
                    help="cpu or cuda (cuda needs PyTorch 2.0 or later: default device)")
    ap.add_argument("--tf32", action="store_true",
                    help="CUDA: TensorFloat-32 matrix products and convolutions (default: fp32)")
    args = ap.parse_args()
    if args.repeats < 1 or args.iterations < 1 or args.threads < 0:
        ap.error("--repeats and --iterations must be >= 1, --threads >= 0")
    presets = args.preset or ["toy2d", "fmnist-small"]

    cores = max(1, os.cpu_count() or 1)
    torch.set_num_threads(args.threads if args.threads > 0 else cores)
    if args.device != "cpu":
        torch.set_default_device(args.device)  # nets, chains and noise on the GPU
        torch.backends.cuda.matmul.allow_tf32 = args.tf32
        torch.backends.cudnn.allow_tf32 = args.tf32
    out = {
        "device": args.device,
        "threads": torch.get_num_threads(),
        "torch_version": torch.__version__,
        "implementation": "python",
        "results": [bench_preset(p, args) for p in presets],
        "peak_rss_mib": peak_rss_mib(),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
