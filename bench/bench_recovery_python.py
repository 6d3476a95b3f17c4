#!/usr/bin/python3
"""Python/PyTorch twin of `ebm-lab-cli bench` for DRL and CDRL presets, for a C++/Python ratio.

What it measures, per preset (resources/presets/<name>.toml), as benchNoiseSampler in
core/eval/bench.cpp does for a method that samples from noise level by level:
  * ms_per_iteration     one training iteration (RecoveryMethod::iterate) on one fixed batch,
                         the median of max(3, --iterations) timed calls after two warm-ups
  * ms_per_sample_batch  sampling B chains from noise through every level (revise with the chain
                         "sample"), the median of 3 timed calls after two warm-ups (--sample-repeats;
                         the C++ bench always takes 3); ms_per_sample = that / B
The median is the element at index n/2 of the sorted times (medianMs). The iterations run first
and the sampling after them, on the same method, so sampling uses the EMA the timed iterations
left behind, as in C++. --repeats is accepted for compare.sh's sake and, as in the C++ bench for
these methods, not used.

How it mirrors the C++ code (read side by side with it):
  * core/methods/recovery/recovery_settings.cpp: the preset's [drl.*] / [cdrl.*] tables with the
    schema's defaults for missing keys; b_square = 0 means the method's own (DRL 2e-4, CDRL 4e-4,
    CDRL toy 2e-3); conditional CDRL has dataLabelCount(data) classes (fashion-mnist 10,
    8gaussians 8, 25gaussians 10).
  * core/sampling/noise_schedule.cpp: makeDrlSchedule / makeCdrlSchedule in double precision
    (DDPM blocks for DRL, the truncated cosine log-SNR schedule for CDRL), the derived step
    sizes, kappa, loss weights, time values, proposal std and the Tweedie step; the tables as
    float tensors (scheduleTensors) and perChain indexing.
  * core/models/time_embedding.cpp: sinusoidalEmbedding (sin then cos, w_k = 1e4^(-k/(h-1)))
    and CDRL's log-SNR time 1000 atan(exp(-lambda/2)) / (pi/2).
  * core/models/spectral_norm.cpp: SnLinear / SnConv2d written out (not torch.nn.utils.
    spectral_norm, whose hook differs): weight_orig, buffers weight_u / weight_v; in training one
    power iteration per forward under no_grad; with autograd u and v cloned (training) or
    detached (eval) and sigma = u . W v; without autograd sigma reuses W v; one-sided variant
    W / max(sigma, 1); addmm / mm for linear layers, conv2d for 3x3 convolutions.
  * core/models/temb_ebm.cpp: TembEbm layer for layer (time MLP to 4 temb_dim, optional label
    projection of a one-hot of numClasses + 1 entries with index 0 = null, a 3x3 conv or linear
    stem, residual blocks with a per-block embedding projection, learned scale, 3x3 shortcut
    where the width changes, 2x2 average pooling between levels, ReLU, and the head: an inner
    product with a projection of the embedding for images, a bias-free linear read-out for
    points). DRL: Glorot-uniform init, near-zero second layer under one-sided SN, head bias;
    CDRL: PyTorch's default init, LReLU on the block shifts. The embedding part is the
    `context`, computed once per chain without autograd (energyContext, one row when all levels
    and labels agree).
  * core/models/initializer_net.cpp: the U-Net (GroupNorm eps 1e-6, SiLU, AdaGN, dropout,
    average pooling down, nearest up, skip concatenation, the middle block-attention-block,
    zero-initialised output) and the residual MLP of the toy example, same plan of steps.
  * core/sampling/recovery_langevin.cpp + chain_driver.cpp (the unrecorded fast path):
    y <- y - (m^2/2) (-df/dy + 2 isRecovery kappa (y - x~)) + nu m s xi, in place, with the
    per-chain s folded into xi when levels differ; the gradient by autograd.grad of f.sum() on a
    detached, requires-grad copy; the schedule tensors rebuilt per chain as the kernel does.
  * core/methods/recovery/recovery_method.cpp: drawPair (Markov pair for DRL, shared noise for
    CDRL), iterateDrl (30-step chain from x_{l+1}, positives and negatives each with their own
    context, one backward, Adam, EMA of every variable), iterateCdrl (positives' backward first,
    the initializer's proposal with its graph, the chain with the EBM in eval mode, negatives,
    clip, Adam, EMA with warm-up; then the initializer's loss, backward, clip, Adam, EMA), the
    linear LR warm-up, and the scalar read-backs and divergence checks at the end.
  * core/methods/recovery/recovery_sampling.cpp: sampleFrom (eval mode, EMA weights swapped in,
    levels from the top down, each y / scale_l, CDRL's proposal stage per level and the final
    Tweedie step, the optional long run), with sampleGuidance's default labels for conditional
    models (chain i gets class i mod K, one term with coefficient 1).
  * core/methods/ema.cpp: shadow -= (1 - d)(shadow - value); CDRL's decay min(d, (1+n)/(10+n)).
  * core/methods/optim.cpp: torch.optim.Adam (single-tensor path, foreach=False, the CPU
    default) is the same per-parameter arithmetic as the C++ Adam (coupled weight decay 0, bias
    correction, eps outside the root); zero_grad(set_to_none=True) as the C++ zeroGrad.
  * core/base/runtime.cpp: torch.set_num_threads(--threads, default all cores) and a
    single-thread OpenBLAS (OPENBLAS_NUM_THREADS=1 unless already set, before torch is imported).
  * Data (benchBatch): the toy sampler (checkerboard, 8gaussians, 25gaussians as
    core/data/toy2d.cpp) with a CPU generator seeded 7; Fashion-MNIST padded to 32x32 in [-1, 1]
    from the preset's data.path, the first batch of a randperm epoch (bench_python.py's loader),
    or random images in [-1, 1] if that fails or with --synthetic. The chains and sampling use a
    second generator seeded 7, as ctx.gen. The bench passes no labels, so a conditional model
    trains on null labels (each still dropped with p_cond), as the C++ bench does.

Output: JSON on stdout shaped like the C++ bench's, plus "params": {"ebm": n, "init": n}
(parameters only, as parameterCount; init is 0 for DRL). Nothing else is printed on stdout.

Usage:  python3 bench/bench_recovery_python.py [--preset drl-toy2d] [--preset cdrl-fmnist] ...
                                              [--threads N] [--iterations 10] [--synthetic]
Default presets: drl-toy2d, cdrl-toy2d, drl-fmnist, cdrl-fmnist. Also cdrl-grid2d-cond and
cdrl-fmnist-cond (conditional). Debian's python3-torch lives in /usr/lib/python3/dist-packages:
if the python3 that runs this script cannot import torch, it re-runs itself under
/usr/bin/python3.
"""

import argparse
import json
import math
import os
import resource
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as configureThreads() in core/base/runtime.cpp

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    sys.exit("bench_recovery_python.py needs Python 3.11+ (tomllib)")

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

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PRESET_DIR = os.path.join(REPO, "resources", "presets")


# ------------------------------------------------------------------------------ settings
# recovery_settings.cpp: the schema defaults of the method's tables (used for missing keys).

def _defaults(cdrl):
    model = {"ebm_width": 64, "temb_dim": 64, "ch_mult": "1,1", "blocks": 1,
             "spectral_norm": True}
    if cdrl:
        model.update({"init_width": 64, "init_temb_dim": 128, "init_mult": "1,1,1",
                      "init_blocks": 1, "init_attention": "none", "init_groups": 32,
                      "init_dropout": 0.0, "conditional": False})
    schedule = {"levels": 6, "b_square": 0.0}
    if cdrl:
        schedule.update({"lambda_min": -5.1, "lambda_max": 9.8, "toy_constant_c": False})
    train = {"lr_ebm": 1e-4, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8 if cdrl else 1e-7,
             "warmup": 10000 if cdrl else 1000, "grad_clip": 1.0 if cdrl else 0.0,
             "ema_decay": 0.9999 if cdrl else 0.999}
    if cdrl:
        train.update({"lr_init": 1e-5, "p_cond": 0.1})
    steps = 15 if cdrl else 30
    y = {"steps": steps, "step_multiplier": 1.0, "noise_scale": 1.0, "snapshot_every": 1,
         "level": 0}
    sample = {"steps": steps, "step_multiplier": 1.0, "noise_scale": 1.0 if cdrl else 0.99,
              "snapshot_every": 1, "ema": True, "long_run": 0, "guidance": 0.0,
              "label": "each", "label_2": "none", "label_3": "none",
              "weight": 1.0, "weight_2": 1.0, "weight_3": 1.0}
    return {"model": model, "schedule": schedule, "train": train, "y": y, "sample": sample}


def _parse_list(text):
    return [int(s) for s in str(text).split(",") if s and s != "none"]


def _label_count(data):
    if data.get("kind") == "toy2d":
        return {"8gaussians": 8, "25gaussians": 10}.get(data.get("toy"), 0)
    return 10 if data.get("kind") in ("fashion-mnist", "cifar10") else 0


def load_preset(name):
    path = name if (name.endswith(".toml") or "/" in name) else \
        os.path.join(PRESET_DIR, name + ".toml")
    with open(path, "rb") as f:
        cfg = tomllib.load(f)
    method = cfg.get("train", {}).get("method")
    if method not in ("drl", "cdrl"):
        raise SystemExit(f"{name}: train.method = {method!r}; this twin handles drl and cdrl "
                         "(bench/bench_python.py handles dual-mcmc)")
    cdrl = method == "cdrl"
    tables = _defaults(cdrl)
    for table, values in cfg.get(method, {}).items():
        tables.setdefault(table, {}).update(values)
    model, data = cfg["model"], cfg["data"]
    image = model["family"] == "conv"
    m = tables["model"]
    s = {"variant": method, "cdrl": cdrl, "seed": cfg["train"].get("seed", 1234),
         "batch_size": cfg["train"]["batch_size"], "data": data, "tables": tables}
    in_channels = model["channels"] if image else model["data_dim"]
    s["shape"] = [model["channels"], model["image_size"], model["image_size"]] if image \
        else [model["data_dim"]]
    s["num_classes"] = _label_count(data) if (cdrl and m.get("conditional")) else 0
    if cdrl and m.get("conditional") and s["num_classes"] == 0:
        raise SystemExit(f"{name}: conditional = true needs labelled data")
    s["ebm"] = {"family": "conv" if image else "mlp", "variant": method,
                "in_channels": in_channels, "ch": m["ebm_width"], "temb_dim": m["temb_dim"],
                "ch_mult": _parse_list(m["ch_mult"]), "blocks": m["blocks"],
                "spectral_norm": bool(m["spectral_norm"]), "num_classes": s["num_classes"]}
    if cdrl:
        s["init"] = {"family": "unet" if image else "mlp", "in_channels": in_channels,
                     "image_size": model.get("image_size", 32), "dim": m["init_width"],
                     "temb_dim": m["init_temb_dim"], "dim_mults": _parse_list(m["init_mult"]),
                     "blocks": m["init_blocks"],
                     "attention": _parse_list(m["init_attention"]),
                     "groups": m["init_groups"], "dropout": float(m["init_dropout"]),
                     "num_classes": s["num_classes"]}
    sch = tables["schedule"]
    b2 = float(sch["b_square"])
    if cdrl:
        toy = bool(sch["toy_constant_c"])
        s["schedule"] = cdrl_schedule(int(sch["levels"]), float(sch["lambda_min"]),
                                      float(sch["lambda_max"]), toy,
                                      b2 if b2 > 0 else (2e-3 if toy else 4e-4))
    else:
        s["schedule"] = drl_schedule(int(sch["levels"]), b2 if b2 > 0 else 2e-4)
    return s


# ------------------------------------------------------------------------------ schedules
# noise_schedule.cpp, in double precision.

def _sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def _derive_levels(s):
    L = s["levels"]
    s["stepSize"], s["kappa"], s["lossWeight"] = [], [], []
    s["isRecovery"] = [1.0] * L
    s["isRecovery"][L - 1] = 0.0
    for lv in range(L):
        s2 = s["bSquare"] * s["c"][lv] * s["sigma"][lv] * s["sigma"][lv]
        s["stepSize"].append(math.sqrt(s2))
        s["kappa"].append(s2 / (2.0 * s["sigma"][lv] * s["sigma"][lv]))
        s["lossWeight"].append(s["sigma"][0] / s["sigma"][lv])


def drl_schedule(T, b_square):
    if not 1 <= T <= 501:
        raise SystemExit(f"drl.schedule.levels = {T}: must be between 1 and 501")
    r = [math.sqrt(1.0 - (1e-4 + (0.02 - 1e-4) * i / 999.0)) for i in range(1000)] + [0.0]
    delta = 1000 // (2 * (T - 1)) if T > 1 else 0
    bounds = [k * delta for k in range(T)] + [999]
    a = [r[0]]
    for k in range(1, T + 1):
        p = 1.0
        for i in range(bounds[k - 1] + 1, bounds[k] + 1):
            p *= r[i]
        a.append(p)
    sigma, a_bar, sigma_bar = [], [], []
    cum = 1.0
    for ak in a:
        sigma.append(math.sqrt(1.0 - ak * ak))
        cum *= ak
        a_bar.append(cum)
        sigma_bar.append(math.sqrt(1.0 - cum * cum))
    a_prev = list(a)
    a_prev[-1] = 1.0
    s = {"family": "drl", "levels": T, "bSquare": b_square, "signal": a_bar,
         "noise": sigma_bar, "transition": [], "sigma": [], "scale": [], "c": [],
         "energyTime": [], "proposalStd": [], "initializerTime": [], "tweedie": None}
    for t in range(T):
        s["transition"].append(a[t + 1])
        s["sigma"].append(sigma[t + 1])
        s["scale"].append(a_prev[t + 1])
        s["c"].append(sigma_bar[t] / sigma_bar[0])
        s["energyTime"].append(float(t))
    _derive_levels(s)
    return s


def log_snr_time(lam):
    lam = min(20.0, max(-20.0, lam))
    return 1000.0 * math.atan(math.exp(-0.5 * lam)) / (0.5 * math.pi)


def cdrl_schedule(n, lambda_min, lambda_max, toy, b_square):
    if not 1 <= n <= 1000:
        raise SystemExit(f"cdrl.schedule.levels = {n}: must be between 1 and 1000")
    if not lambda_min < lambda_max:
        raise SystemExit("cdrl.schedule.lambda_min must be below lambda_max")
    b = math.atan(math.exp(-0.5 * lambda_max))
    a = math.atan(math.exp(-0.5 * lambda_min)) - b
    lam, alpha_bar, noise_var = [], [], []
    for i in range(n + 1):
        lv = -2.0 * math.log(math.tan(a * i / n + b))
        lam.append(lv)
        alpha_bar.append(_sigmoid(lv))
        noise_var.append(_sigmoid(-lv))
    nan = float("nan")
    alpha, sigma, beta_tilde, alpha_mul, prop_std = [nan], [nan], [nan], [nan], [nan]
    for i in range(1, n + 1):
        al = alpha_bar[i] / alpha_bar[i - 1]
        one_minus = (alpha_bar[i - 1] - alpha_bar[i]) / alpha_bar[i - 1]
        alpha.append(al)
        sigma.append(math.sqrt(one_minus))
        beta_tilde.append(noise_var[i - 1] / noise_var[i] * one_minus)
        alpha_mul.append(1.0 if i == n else al)
        prop_std.append(math.sqrt(beta_tilde[i] * alpha_mul[i]))
    s = {"family": "cdrl-toy2d" if toy else "cdrl", "levels": n, "bSquare": b_square,
         "signal": [math.sqrt(v) for v in alpha_bar],
         "noise": [math.sqrt(_sigmoid(-v)) for v in lam],
         "transition": [], "sigma": [], "scale": [], "c": [], "energyTime": [],
         "initializerTime": [], "proposalStd": []}
    toy_c = 1.0 / s["noise"][0]
    for i in range(1, n + 1):
        s["transition"].append(math.sqrt(alpha[i]))
        s["sigma"].append(sigma[i])
        s["scale"].append(math.sqrt(alpha_mul[i]))
        s["c"].append(toy_c if toy else s["noise"][i - 1] / s["noise"][0])
        s["energyTime"].append(log_snr_time(lam[i - 1]))
        s["initializerTime"].append(log_snr_time(lam[i]))
        s["proposalStd"].append(prop_std[i])
    _derive_levels(s)
    for key in ("stepSize", "c", "lossWeight", "noise"):
        if not all(math.isfinite(v) and v > 0 for v in s[key]):
            raise SystemExit("cdrl schedule: the noise levels under- or overflow")
    divisor = 0.5 * s["stepSize"][0] * s["stepSize"][0]
    noise_variance = _sigmoid(-lam[0])
    s["tweedie"] = {"inputScale": s["transition"][0], "divisor": divisor,
                    "noiseVariance": noise_variance, "signalScale": s["signal"][0],
                    "gradientCoef": noise_variance / divisor}
    return s


_TABLE_KEYS = ("signal", "noise", "transition", "sigma", "scale", "isRecovery", "stepSize",
               "kappa", "lossWeight", "energyTime", "proposalStd", "initializerTime")


def schedule_tensors(s, dtype=torch.float32):
    # scheduleTensors: each table as a double tensor converted to `dtype`; None when empty.
    return {k: (torch.tensor(s[k], dtype=torch.float64).to(dtype) if s[k] else None)
            for k in _TABLE_KEYS}


def per_chain(table, levels, dims):
    shape = [1] * max(dims, 1)
    shape[0] = levels.size(0)
    return table.index_select(0, levels.to(torch.long)).view(shape)


def sinusoidal_embedding(times, dim):
    dtype = times.dtype if times.is_floating_point() else torch.float32
    half = dim // 2
    k = torch.arange(half, dtype=dtype)
    freqs = torch.exp(k * (-math.log(10000.0) / float(half - 1)))
    arg = times.to(dtype).unsqueeze(1) * freqs.unsqueeze(0)
    emb = torch.cat([torch.sin(arg), torch.cos(arg)], 1)
    if dim % 2 == 1:
        emb = F.pad(emb, (0, 1))
    return emb


# ------------------------------------------------------------------------------ spectral norm

def _normalized(v):
    return v / v.norm().clamp_min(1e-12)


def _default_init(weight, bias, fan_in):
    with torch.no_grad():
        bound = 1.0 / math.sqrt(fan_in)
        weight.uniform_(-bound, bound)
        if bias is not None:
            bias.uniform_(-bound, bound)


class _SnBase(nn.Module):
    """Shared SpectralNormState::init / normalise (spectral_norm.cpp)."""

    def _setup(self, shape, fan_in, bias, sn, one_sided):
        self.sn, self.one_sided = sn, one_sided
        self.wname = "weight_orig" if sn else "weight"
        self.register_parameter(self.wname, nn.Parameter(torch.empty(shape)))
        self.bias = nn.Parameter(torch.empty(shape[0])) if bias else None
        _default_init(self.w, self.bias, fan_in)
        if sn:
            with torch.no_grad():
                rows = shape[0]
                cols = self.w.numel() // rows
                self.register_buffer("weight_u", _normalized(torch.randn(rows)))
                self.register_buffer("weight_v", _normalized(torch.randn(cols)))

    @property
    def w(self):
        return getattr(self, self.wname)

    def current_weight(self):
        weight = self.w
        if not self.sn:
            return weight
        u, v = self.weight_u, self.weight_v
        mat = weight.reshape(weight.size(0), -1)
        need_grad = torch.is_grad_enabled() and weight.requires_grad
        wv = None
        if self.training:
            with torch.no_grad():
                v.copy_(_normalized(torch.mv(mat.t(), u)))
                wv = torch.mv(mat, v)
                u.copy_(_normalized(wv))
        if not need_grad:
            with torch.no_grad():
                sigma = torch.dot(u, wv if wv is not None else torch.mv(mat, v))
                return weight / (sigma.clamp_min(1.0) if self.one_sided else sigma)
        uc = u.clone() if self.training else u.detach()
        vc = v.clone() if self.training else v.detach()
        sigma = torch.dot(uc, torch.mv(mat, vc))
        return weight / (sigma.clamp_min(1.0) if self.one_sided else sigma)


class SnLinear(_SnBase):
    def __init__(self, i, o, bias=True, sn=True, one_sided=False):
        super().__init__()
        self._setup((o, i), i, bias, sn, one_sided)

    def forward(self, x):
        w = self.current_weight()
        return torch.addmm(self.bias, x, w.t()) if self.bias is not None else torch.mm(x, w.t())


class SnConv2d(_SnBase):
    def __init__(self, i, o, k, padding=0, bias=True, sn=True, one_sided=False):
        super().__init__()
        self.padding = padding
        self._setup((o, i, k, k), i * k * k, bias, sn, one_sided)

    def forward(self, x):
        return F.conv2d(x, self.current_weight(), self.bias, 1, self.padding)


# ------------------------------------------------------------------------------ TembEbm

def lrelu(x):
    return F.leaky_relu(x, 0.2)


def glorot_uniform(weight, bias, scale):
    with torch.no_grad():
        receptive = weight[0][0].numel() if weight.dim() > 2 else 1
        fan_in = weight.size(1) * receptive
        fan_out = weight.size(0) * receptive
        limit = math.sqrt(3.0 * scale / ((fan_in + fan_out) / 2.0))
        weight.uniform_(-limit, limit)
        if bias is not None:
            bias.zero_()


class EbmBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.first = self.project = self.second = self.shortcut = None
        self.downsample_after = False


class TembEbm(nn.Module):
    def __init__(self, o):
        super().__init__()
        self.o = o
        self.drl = o["variant"] == "drl"
        self.conv = o["family"] == "conv"
        t, sn = o["temb_dim"], o["spectral_norm"]
        wide = 4 * t
        self.temb1 = SnLinear(t, wide, sn=sn)
        self.temb2 = SnLinear(wide, wide, sn=sn)
        self.label = SnLinear(o["num_classes"] + 1, wide, sn=sn) if o["num_classes"] > 0 else None
        if self.drl:
            for lin in (self.temb1, self.temb2, self.label):
                if lin is not None:
                    glorot_uniform(lin.w, lin.bias, 1.0)
        c = o["ch"]
        self.conv_in = self._layer(o["in_channels"], c, False)
        blocks = []
        levels = len(o["ch_mult"])
        for i, mult in enumerate(o["ch_mult"]):
            out = o["ch"] * mult
            for b in range(o["blocks"]):
                blk = EbmBlock()
                blk.first = self._layer(c, out, False)
                blk.project = SnLinear(wide, out, sn=sn)
                if self.drl:
                    glorot_uniform(blk.project.w, blk.project.bias, 1.0)
                blk.second = self._layer(out, out, True)
                if c != out:
                    blk.shortcut = self._layer(c, out, False)
                blk.scale = nn.Parameter(torch.ones(out))
                blk.downsample_after = self.conv and b == o["blocks"] - 1 and i + 1 < levels
                blocks.append(blk)
                c = out
        self.body = nn.ModuleList(blocks)
        if self.conv:
            self.head = nn.Linear(wide, c, bias=self.drl)
            if self.drl:
                glorot_uniform(self.head.weight, self.head.bias, 1.0)
        else:
            self.head = nn.Linear(c, 1, bias=False)

    def _layer(self, i, o, zero_init):
        sn = self.o["spectral_norm"]
        one_sided = self.drl and zero_init
        if self.conv:
            layer = SnConv2d(i, o, 3, padding=1, sn=sn, one_sided=one_sided)
        else:
            layer = SnLinear(i, o, sn=sn, one_sided=one_sided)
        if self.drl:
            glorot_uniform(layer.w, layer.bias, 1e-10 if zero_init else 1.0)
        return layer

    def temb(self, sinusoid, labels):
        t = self.temb2(lrelu(self.temb1(sinusoid)))
        if self.label is not None:
            one_hot = F.one_hot(labels.to(torch.long) + 1, self.o["num_classes"] + 1)
            t = t + self.label(one_hot.to(sinusoid.dtype))
        return t

    def context(self, sinusoid, labels=None):
        a = lrelu(self.temb(sinusoid, labels))
        shifts = []
        for b in self.body:
            shift = b.project(a)
            shifts.append(shift if self.drl else lrelu(shift))
        head = self.head(a) if self.conv else None
        return shifts, head

    def block(self, b, x, shift):
        h = b.first(lrelu(x))
        h = h + (shift.unsqueeze(-1).unsqueeze(-1) if self.conv else shift)
        h = b.second(lrelu(h))
        h = h * (b.scale.view(1, -1, 1, 1) if self.conv else b.scale)
        return (b.shortcut(x) if b.shortcut is not None else x) + h

    def forward(self, y, ctx):
        shifts, head = ctx
        h = self.conv_in(y)
        for k, b in enumerate(self.body):
            h = self.block(b, h, shifts[k])
            if b.downsample_after:
                h = F.avg_pool2d(h, 2)
        h = torch.relu(h)
        if not self.conv:
            return self.head(h).squeeze(1)
        return (h.sum((2, 3)) * head).sum(1)

    def energy(self, y, sinusoid, labels=None):
        return self.forward(y, self.context(sinusoid, labels))


# ------------------------------------------------------------------------------ initializer

def _conv(i, o, k):
    return nn.Conv2d(i, o, k, padding=k // 2)


def _zero_init(weight, bias):
    with torch.no_grad():
        weight.zero_()
        if bias is not None:
            bias.zero_()


class ResBlock(nn.Module):
    def __init__(self, i, o, emb, groups, dropout, image, resample):
        super().__init__()
        self.image, self.resample, self.dropout = image, resample, dropout
        self.norm1 = nn.GroupNorm(groups, i, eps=1e-6)
        self.norm2 = nn.GroupNorm(groups, o, eps=1e-6)
        self.emb = nn.Linear(emb, 2 * o)
        self.skip = None
        if image:
            self.conv1 = _conv(i, o, 3)
            self.conv2 = _conv(o, o, 3)
            _zero_init(self.conv2.weight, self.conv2.bias)
            if i != o:
                self.skip = _conv(i, o, 1)
        else:
            self.lin1 = nn.Linear(i, o)
            self.lin2 = nn.Linear(o, o)
            _zero_init(self.lin2.weight, self.lin2.bias)
            assert i == o, "initializer MLP blocks keep their width"

    def resampled(self, x):
        if self.resample == "down":
            return F.avg_pool2d(x, 2)
        if self.resample == "up":
            return F.interpolate(x, scale_factor=(2.0, 2.0), mode="nearest")
        return x

    def forward(self, x, emb):
        h = self.resampled(F.silu(self.norm1(x)))
        xs = self.resampled(x)
        h = self.conv1(h) if self.image else self.lin1(h)
        scale, shift = self.emb(F.silu(emb)).chunk(2, 1)
        if self.image:
            scale = scale.unsqueeze(-1).unsqueeze(-1)
            shift = shift.unsqueeze(-1).unsqueeze(-1)
        h = self.norm2(h) * (1 + scale) + shift
        h = F.dropout(F.silu(h), p=self.dropout, training=self.training)
        h = self.conv2(h) if self.image else self.lin2(h)
        return (self.skip(xs) if self.skip is not None else xs) + h


class Attention(nn.Module):
    def __init__(self, c, groups):
        super().__init__()
        self.norm = nn.GroupNorm(groups, c, eps=1e-6)
        self.qkv = _conv(c, 3 * c, 1)
        self.proj = _conv(c, c, 1)
        _zero_init(self.proj.weight, self.proj.bias)

    def forward(self, x):
        b, c, h, w = x.shape
        q, k, v = self.qkv(self.norm(x)).reshape(b, 3, c, h * w).unbind(1)
        weights = torch.softmax(torch.bmm(q.transpose(1, 2), k) / math.sqrt(c), -1)
        out = torch.bmm(v, weights.transpose(1, 2)).reshape(b, c, h, w)
        return x + self.proj(out)


class Step:
    def __init__(self, module, attention=False):
        self.module, self.attention = module, attention
        self.push = self.pop = False


class InitializerNet(nn.Module):
    def __init__(self, o):
        super().__init__()
        self.o = o
        self.unet = o["family"] == "unet"
        emb = 4 * o["dim"] if self.unet else o["temb_dim"]
        self.time1 = nn.Linear(o["temb_dim"], emb)
        self.time2 = nn.Linear(emb, emb)
        self.label = nn.Linear(o["num_classes"] + 1, emb) if o["num_classes"] > 0 else None
        self.steps = []
        modules = []

        def add(module, attention=False):
            modules.append(module)
            self.steps.append(Step(module, attention))
            return self.steps[-1]

        if self.unet:
            dim, groups, drop = o["dim"], o["groups"], o["dropout"]

            def block(i, out, r):
                return add(ResBlock(i, out, emb, groups, drop, True, r))

            def attention_at(res, c):
                if res in o["attention"]:
                    add(Attention(c, groups), True)

            self.conv_in = _conv(o["in_channels"], dim, 3)
            skips = [dim]
            c, res = dim, o["image_size"]
            levels = len(o["dim_mults"])
            for lv in range(levels):
                for _ in range(o["blocks"]):
                    block(c, dim * o["dim_mults"][lv], None)
                    c = dim * o["dim_mults"][lv]
                    attention_at(res, c)
                    self.steps[-1].push = True
                    skips.append(c)
                if lv + 1 < levels:
                    block(c, c, "down").push = True
                    skips.append(c)
                    res //= 2
            block(c, c, None)  # the middle: block, attention, block
            add(Attention(c, groups), True)
            block(c, c, None)
            for lv in reversed(range(levels)):
                for _ in range(o["blocks"] + 1):
                    s = block(c + skips[-1], dim * o["dim_mults"][lv], None)
                    s.pop = True
                    skips.pop()
                    c = dim * o["dim_mults"][lv]
                    attention_at(res, c)
                if lv > 0:
                    block(c, c, "up")
                    res *= 2
            self.norm_out = nn.GroupNorm(groups, c, eps=1e-6)
            self.conv_out = _conv(c, o["in_channels"], 3)
            _zero_init(self.conv_out.weight, self.conv_out.bias)
        else:
            self.lin_in = nn.Linear(o["in_channels"], o["dim"])
            for _ in range(o["blocks"]):
                add(ResBlock(o["dim"], o["dim"], o["temb_dim"], o["groups"], o["dropout"], False,
                             None))
            self.lin_out = nn.Linear(o["dim"], o["in_channels"], bias=False)
            _zero_init(self.lin_out.weight, None)
        self.plan = nn.ModuleList(modules)

    def embedding(self, sinusoid, labels=None):
        e = self.time2(F.silu(self.time1(sinusoid)))
        if self.label is not None:
            one_hot = F.one_hot(labels.to(torch.long) + 1, self.o["num_classes"] + 1)
            e = e + self.label(one_hot.to(sinusoid.dtype))
        return e

    def forward(self, x, emb):
        if self.unet:
            h = self.conv_in(x)
            skips = [h]
            for s in self.steps:
                if s.pop:
                    h = torch.cat([h, skips.pop()], 1)
                h = s.module(h) if s.attention else s.module(h, emb)
                if s.push:
                    skips.append(h)
            return x + self.conv_out(F.silu(self.norm_out(h)))
        h = self.lin_in(x)
        for s in self.steps:
            h = s.module(h, emb)
        return x + self.lin_out(F.silu(h))


def parameter_count(module):
    return sum(p.numel() for p in module.parameters()) if module is not None else 0


# ------------------------------------------------------------------------------ EMA

class Ema:
    """core/methods/ema.cpp: parameters (and, with buffers, floating-point buffers)."""

    def __init__(self, module, decay, warmup, buffers):
        self.decay, self.warmup, self.buffers = decay, warmup, buffers
        self.updates = 0
        self.updates_tensor = torch.zeros(1, dtype=torch.long)
        with torch.no_grad():
            self.shadow = [v.detach().clone() for v in self._values(module)]
        self.stash = []

    def _values(self, module):
        values = list(module.parameters())
        if self.buffers:
            values += [b for b in module.buffers() if b.is_floating_point()]
        return values

    def next_decay(self):
        if not self.warmup:
            return self.decay
        n = self.updates + 1
        return min(self.decay, (1.0 + n) / (10.0 + n))

    def update(self, module):
        values = self._values(module)
        with torch.no_grad():
            decay = self.next_decay()
            self.updates += 1
            self.updates_tensor.fill_(self.updates)
            for s, v in zip(self.shadow, values):
                s.sub_((s - v.detach()).mul_(1.0 - decay))

    def swap_in(self, module):
        values = self._values(module)
        with torch.no_grad():
            for s, v in zip(self.shadow, values):
                self.stash.append(v.detach().clone())
                v.detach().copy_(s)

    def swap_out(self, module):
        values = self._values(module)
        with torch.no_grad():
            for st, v in zip(self.stash, values):
                v.detach().copy_(st)
        self.stash = []


# ------------------------------------------------------------------------------ Langevin

def recovery_langevin(energy, sched, y0, conditioning, levels, chain, gen, marginal=False):
    """recoveryLangevin + runChain's unrecorded fast path (no trace, no mask)."""
    # RecoveryKernel's constructor.
    levels = levels.to(torch.long)
    lo, hi = int(levels.min().item()), int(levels.max().item())
    if lo < 0 or hi >= sched["levels"]:
        raise RuntimeError(f"recoveryLangevin: levels {lo}..{hi} outside the schedule")
    target = (conditioning if conditioning is not None else y0).detach()
    t = schedule_tensors(sched, y0.dtype)
    pull = torch.zeros((), dtype=y0.dtype) if marginal else \
        per_chain(t["isRecovery"] * t["kappa"], levels, y0.dim())
    if lo == hi:
        level, uniform_step, step_per_chain = lo, sched["stepSize"][lo], None
    else:
        level, uniform_step = -1, 1.0
        step_per_chain = per_chain(t["stepSize"], levels, y0.dim())
    m = float(chain.get("step_multiplier", 1.0))
    drift_coef = 0.5 * m * m
    noise_std = float(chain.get("noise_scale", 1.0)) * m * (uniform_step if level >= 0 else 1.0)
    state = y0.detach().clone()
    for _ in range(int(chain["steps"])):
        # evaluate: the gradient of V(y) = -f(y, l) + pull |y - x~|^2
        grad_f = None
        with torch.enable_grad():
            v = state.detach().requires_grad_(True)
            f = energy(v, levels)
            if f.requires_grad:
                grad_f = torch.autograd.grad(f.sum(), [v], allow_unused=True)[0]
        with torch.no_grad():
            offset = state - target
            grad = offset * (2.0 * pull)
            if grad_f is not None:
                grad.sub_(grad_f)
            state.add_(grad, alpha=-drift_coef)
            xi = torch.randn(state.shape, generator=gen, dtype=state.dtype)
            if step_per_chain is not None:
                xi.mul_(step_per_chain)
            state.add_(xi, alpha=noise_std)
    return state.detach()


# ------------------------------------------------------------------------------ method

def _all_equal(t):
    return t is None or t.numel() == 0 or bool((t == t.reshape(-1)[0]).all().item())


def guided_combination(unconditional, terms, coefficients):
    if len(terms) == 1 and coefficients[0] == 1.0:
        return terms[0]
    out = unconditional
    for term, a in zip(terms, coefficients):
        out = out + a * (term - unconditional)
    return out


def _needs_unconditional(guidance):
    labels, coefficients = guidance
    return len(labels) > 1 or (len(labels) == 1 and coefficients[0] != 1.0)


class RecoveryMethod:
    def __init__(self, s):
        self.s = s
        self.cdrl = s["cdrl"]
        self.sched = s["schedule"]
        self.tables = schedule_tensors(self.sched)
        self.num_classes = s["num_classes"]
        tr = s["tables"]["train"]
        self.train = tr
        torch.manual_seed(s["seed"])  # initial weights are a function of the seed
        self.ebm = TembEbm(s["ebm"])

        def adam(module, lr):
            return torch.optim.Adam(module.parameters(), lr=lr, betas=(tr["beta1"], tr["beta2"]),
                                    eps=tr["eps"], weight_decay=0.0, foreach=False)

        self.opt_ebm = adam(self.ebm, tr["lr_ebm"])
        self.steps_ebm = 0
        # DRL averages every variable, spectral-norm vectors included; CDRL the parameters with
        # torch_ema's warm-up.
        self.ema_ebm = Ema(self.ebm, tr["ema_decay"], self.cdrl, not self.cdrl)
        self.init = self.opt_init = self.ema_init = None
        self.steps_init = 0
        if self.cdrl:
            self.init = InitializerNet(s["init"])
            self.opt_init = adam(self.init, tr["lr_init"])
            self.ema_init = Ema(self.init, tr["ema_decay"], True, False)

    # -- helpers
    def null_labels(self, n):
        return None if self.num_classes <= 0 else torch.full((n,), -1, dtype=torch.long)

    def level_energy(self, y, levels, labels=None):
        time = sinusoidal_embedding(self.tables["energyTime"].index_select(0, levels),
                                    self.s["ebm"]["temb_dim"])
        return self.ebm.energy(y, time, labels if labels is not None
                               else self.null_labels(levels.size(0)))

    def energy_context(self, levels, labels):
        lab = labels if labels is not None else self.null_labels(levels.size(0))
        lev = levels
        if _all_equal(levels) and _all_equal(lab):  # one row broadcasts over the chains
            lev = levels.narrow(0, 0, 1)
            if lab is not None:
                lab = lab.narrow(0, 0, 1)
        with torch.no_grad():
            return self.ebm.context(
                sinusoidal_embedding(self.tables["energyTime"].index_select(0, lev),
                                     self.s["ebm"]["temb_dim"]), lab)

    def chain_energy(self, levels, guidance=None):
        if guidance is None:
            context = self.energy_context(levels, None)
            return lambda y, _levels: self.ebm(y, context)
        labels, coefficients = guidance
        terms = [self.energy_context(levels, lab) for lab in labels]
        unconditional = self.energy_context(levels, None) if _needs_unconditional(guidance) \
            else None

        def f(y, _levels):
            values = [self.ebm(y, c) for c in terms]
            return guided_combination(self.ebm(y, unconditional) if unconditional is not None
                                      else None,
                                      values, coefficients)
        return f

    def proposal_mean(self, x_next, levels, guidance=None):
        time = sinusoidal_embedding(self.tables["initializerTime"].index_select(0, levels),
                                    self.s["init"]["temb_dim"])
        n = levels.size(0)
        if guidance is None:
            return self.init(x_next, self.init.embedding(time, self.null_labels(n)))
        labels, coefficients = guidance
        terms = [self.init(x_next, self.init.embedding(time, lab)) for lab in labels]
        unconditional = self.init(x_next, self.init.embedding(time, self.null_labels(n))) \
            if _needs_unconditional(guidance) else None
        return guided_combination(unconditional, terms, coefficients)

    def draw_pair(self, x, gen):
        t, dims = self.tables, x.dim()
        levels = torch.randint(self.sched["levels"], (x.size(0),), generator=gen,
                               dtype=torch.long)
        nxt = levels + 1
        eps = torch.randn(x.shape, generator=gen, dtype=x.dtype)
        xl = per_chain(t["signal"], levels, dims) * x + per_chain(t["noise"], levels, dims) * eps
        if not self.cdrl:  # a Markov pair with independent noises
            x_next = per_chain(t["transition"], levels, dims) * xl + \
                per_chain(t["sigma"], levels, dims) * torch.randn(x.shape, generator=gen,
                                                                  dtype=x.dtype)
        else:  # shared noise
            x_next = per_chain(t["signal"], nxt, dims) * x + per_chain(t["noise"], nxt, dims) * eps
        weight = t["lossWeight"].index_select(0, levels)
        return levels, xl, x_next, weight

    def warmup_factor(self, step, offset):
        w = int(self.train["warmup"])
        return 1.0 if w <= 0 else min(1.0, float(step + offset) / w)

    def step_ebm(self, loss):
        loss.backward()
        if self.train["grad_clip"] > 0:
            nn.utils.clip_grad_norm_(self.ebm.parameters(), self.train["grad_clip"])
        lr = self.train["lr_ebm"] * self.warmup_factor(self.steps_ebm, 0)
        self.opt_ebm.param_groups[0]["lr"] = lr
        self.opt_ebm.step()
        self.steps_ebm += 1
        self.ema_ebm.update(self.ebm)

    @staticmethod
    def _check(losses):
        return (not all(math.isfinite(v) for v in losses)) or losses[0] < -1e6

    # -- training
    def iterate(self, batch, gen, chains):
        x = batch.to(torch.float32)
        return self.iterate_cdrl(x, gen, chains) if self.cdrl else self.iterate_drl(x, gen, chains)

    def iterate_drl(self, x, gen, chains):
        levels, xl, x_next, weight = self.draw_pair(x, gen)
        dims = x.dim()
        # Negatives: K steps from x~ = x_{l+1} itself.
        yk = recovery_langevin(self.chain_energy(levels), self.sched, x_next, x_next, levels,
                               chains["y"], gen)
        self.opt_ebm.zero_grad(set_to_none=True)
        f_pos = self.level_energy(per_chain(self.tables["scale"], levels, dims) * xl, levels)
        f_neg = self.level_energy(yk, levels)
        loss = (-(f_pos - f_neg) * weight).mean()
        self.step_ebm(loss)
        losses = [loss.item(), f_pos.mean().item(), f_neg.mean().item(),
                  (yk - x_next).flatten(1).norm(2, 1).mean().item(),
                  self.opt_ebm.param_groups[0]["lr"]]
        return losses, self._check(losses)

    def iterate_cdrl(self, x, gen, chains):
        levels, xl, x_next, weight = self.draw_pair(x, gen)
        dims = x.dim()
        guidance, labels = None, None
        if self.num_classes > 0:
            # The bench gives no labels: the null label for every example, dropped with p_cond.
            labels = self.null_labels(x.size(0))
            drop = torch.rand(x.size(0), generator=gen) < self.train["p_cond"]
            labels = torch.where(drop, torch.full_like(labels, -1), labels)
            guidance = ([labels], [1.0])
        self.ebm.train()
        self.opt_ebm.zero_grad(set_to_none=True)
        # 3. Positives in training mode, backward at once.
        f_pos = self.level_energy(per_chain(self.tables["scale"], levels, dims) * xl, levels,
                                  labels)
        loss_pos = -(weight * f_pos).mean()
        loss_pos.backward()
        # 4. The initializer's proposal (with its graph), the chain with the EBM in eval mode.
        self.init.train()
        y0 = self.proposal_mean(x_next, levels, guidance) + \
            per_chain(self.tables["proposalStd"], levels, dims) * \
            torch.randn(x.shape, generator=gen, dtype=x.dtype)
        self.ebm.eval()
        yk = recovery_langevin(self.chain_energy(levels, guidance), self.sched, y0.detach(),
                               x_next, levels, chains["y"], gen)
        # 5. Negatives (still eval mode), clip, step, EMA.
        f_neg = self.level_energy(yk, levels, labels)
        loss_neg = (weight * f_neg).mean()
        self.ebm.train()
        self.step_ebm(loss_neg)
        # 6. The initializer absorbs the revision.
        self.opt_init.zero_grad(set_to_none=True)
        loss_init = (yk - y0).pow(2).flatten(1).sum(1).mean()
        loss_init.backward()
        if self.train["grad_clip"] > 0:
            nn.utils.clip_grad_norm_(self.init.parameters(), self.train["grad_clip"])
        self.opt_init.param_groups[0]["lr"] = self.train["lr_init"] * self.warmup_factor(
            self.steps_init, 500)  # initializerWarmupOffset
        self.opt_init.step()
        self.steps_init += 1
        self.ema_init.update(self.init)
        losses = [(loss_pos + loss_neg).item(), f_pos.mean().item(), f_neg.mean().item(),
                  loss_init.item(), (yk - y0).flatten(1).norm(2, 1).mean().item(),
                  self.opt_ebm.param_groups[0]["lr"]]
        return losses, self._check(losses)

    # -- sampling (recovery_sampling.cpp)
    def sample_guidance(self, chain, n):
        if self.num_classes <= 0:
            return None
        labels, weights = [], []
        for j in range(1, 4):
            suffix = "" if j == 1 else f"_{j}"
            label = str(chain.get("label" + suffix, "each" if j == 1 else "none"))
            if j > 1 and label == "none":
                continue
            if label == "each":
                t = torch.remainder(torch.arange(n, dtype=torch.long), self.num_classes)
            elif label == "none":
                t = torch.full((n,), -1, dtype=torch.long)
            else:
                t = torch.full((n,), int(label), dtype=torch.long)
            labels.append(t)
            weights.append(float(chain.get("weight" + suffix, 1.0)))
        w = float(chain.get("guidance", 0.0))
        return labels, [(1.0 + w) * wj for wj in weights]

    def sample_level(self, x, level, chain, gen):
        levels = torch.full((x.size(0),), level, dtype=torch.long)
        guidance = self.sample_guidance(chain, x.size(0))
        conditioning = x
        y0 = conditioning  # DRL: the chain starts at x~ itself
        if self.init is not None:
            with torch.no_grad():
                y0 = self.proposal_mean(conditioning, levels, guidance) + \
                    self.sched["proposalStd"][level] * torch.randn(x.shape, generator=gen,
                                                                   dtype=x.dtype)
        y = recovery_langevin(self.chain_energy(levels, guidance), self.sched, y0, conditioning,
                              levels, chain, gen)
        return y / self.sched["scale"][level]

    def long_run(self, x, steps, chain, gen):
        levels = torch.zeros(x.size(0), dtype=torch.long)
        guidance = self.sample_guidance(chain, x.size(0))
        fixed = dict(chain, steps=steps)
        y = recovery_langevin(self.chain_energy(levels, guidance), self.sched,
                              x * self.sched["scale"][0], None, levels, fixed, gen, marginal=True)
        return y / self.sched["scale"][0]

    def tweedie(self, x, guidance):
        t = self.sched["tweedie"]
        levels = torch.zeros(x.size(0), dtype=torch.long)
        xg = x.detach().requires_grad_(True)
        f = self.chain_energy(levels, guidance)(xg * t["inputScale"], levels).sum()
        grad = torch.autograd.grad(f, [xg])[0]
        return ((x + t["gradientCoef"] * grad) / t["signalScale"]).detach()

    def sample_from_noise(self, n, gen, chain):
        start = torch.randn([n] + self.s["shape"], generator=gen)  # sampleStarts
        ema = bool(chain.get("ema", True))
        self.ebm.eval()
        if self.init is not None:
            self.init.eval()
        if ema:
            self.ema_ebm.swap_in(self.ebm)
            if self.init is not None:
                self.ema_init.swap_in(self.init)
        x = start.to(torch.float32)
        for level in range(self.sched["levels"] - 1, -1, -1):
            x = self.sample_level(x, level, chain, gen)
        steps = int(chain.get("long_run", 0))
        if steps > 0:
            x = self.long_run(x, steps, chain, gen)
        if self.init is not None:
            x = self.tweedie(x, self.sample_guidance(chain, n))
        self.ebm.train()
        if self.init is not None:
            self.init.train()
        if ema:
            if self.init is not None:
                self.ema_init.swap_out(self.init)
            self.ema_ebm.swap_out(self.ebm)
        return x


# ------------------------------------------------------------------------------ data

def sample_toy(name, n, gen):
    if name == "checkerboard":
        j = torch.randint(4, (n,), generator=gen)
        i = torch.remainder(j, 2) + 2 * torch.randint(2, (n,), generator=gen)
        u = torch.rand((n, 2), generator=gen)
        x = -1 + 0.5 * (i.to(torch.float32) + u.select(1, 0))
        y = -1 + 0.5 * (j.to(torch.float32) + u.select(1, 1))
        return torch.stack([x, y], 1).contiguous()
    if name == "8gaussians":
        angle = torch.arange(8, dtype=torch.float32) * (math.pi / 4)
        centres, std = torch.stack([torch.cos(angle), torch.sin(angle)], 1) * 0.8, 0.05
    elif name == "25gaussians":
        axis = (torch.arange(5, dtype=torch.float32) - 2) * 0.4
        centres = torch.stack([axis.repeat_interleave(5), axis.repeat(5)], 1)
        std = 0.04
    else:
        raise RuntimeError(f"toy {name} not implemented here")
    k = torch.randint(centres.size(0), (n,), generator=gen)
    return (centres.index_select(0, k) + std * torch.randn((n, 2), generator=gen)).contiguous()


def make_batch(s, cpu_gen, synthetic):
    data, B = s["data"], s["batch_size"]
    batch, note = None, ""
    if data["kind"] == "toy2d" or not synthetic:
        try:
            if data["kind"] == "toy2d":
                batch = sample_toy(data["toy"], B, cpu_gen)
            elif data["kind"] == "fashion-mnist":
                sys.path.insert(0, HERE)
                from bench_python import load_fashion_mnist_train  # the Dual-MCMC twin's loader
                images = load_fashion_mnist_train(data["path"], data.get("pad32", False))
                if data.get("limit", 0) > 0:
                    images = images[: data["limit"]]
                if list(images.shape[1:]) != s["shape"]:
                    raise RuntimeError(f"images are {list(images.shape[1:])}, "
                                       f"model expects {s['shape']}")
                if B > images.size(0):
                    raise RuntimeError(f"batch size {B} exceeds the {images.size(0)} images")
                order = torch.randperm(images.size(0), generator=cpu_gen)
                batch = images.index_select(0, order[:B])
                if data.get("flip", False):
                    flipped = torch.rand(B, generator=cpu_gen) < 0.5
                    batch = torch.where(flipped.view(-1, 1, 1, 1), batch.flip(3), batch)
            else:
                raise RuntimeError(f"data.kind {data['kind']} not implemented here")
            note = data["kind"]
        except Exception as e:  # noqa: BLE001 - any failure falls back to random images
            note = f"synthetic ({e})"
    if batch is None:
        batch = torch.rand([B] + s["shape"], generator=cpu_gen) * 2.0 - 1.0
        if not note:
            note = "synthetic"
    return batch, note


# ------------------------------------------------------------------------------ timing

def median_ms(repeats, fn):
    for _ in range(2):
        fn()
    ms = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t0) * 1000.0)
    ms.sort()
    return ms[len(ms) // 2]


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def bench_preset(preset, args):
    s = load_preset(preset)
    method = RecoveryMethod(s)
    gen = torch.Generator().manual_seed(7)
    cpu_gen = torch.Generator().manual_seed(7)
    B = s["batch_size"]
    batch, note = make_batch(s, cpu_gen, args.synthetic)
    chains = {"y": dict(s["tables"]["y"]), "sample": dict(s["tables"]["sample"])}
    it = median_ms(max(3, args.iterations), lambda: method.iterate(batch, gen, chains))
    sample = median_ms(args.sample_repeats,
                       lambda: method.sample_from_noise(B, gen, chains["sample"]))
    return {
        "preset": preset,
        "method": s["variant"],
        "data": note,
        "batch_size": B,
        "levels": s["schedule"]["levels"],
        "steps": {name: int(c["steps"]) for name, c in chains.items()},
        "params": {"ebm": parameter_count(method.ebm), "init": parameter_count(method.init)},
        "ms_per_iteration": it,
        "iterations_per_second": 1000.0 / it,
        "ms_per_sample_batch": sample,
        "ms_per_sample": sample / B,
        "peak_rss_mib_so_far": peak_rss_mib(),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", action="append", default=None,
                    help="preset name or .toml path (repeatable; default drl-toy2d, cdrl-toy2d, "
                         "drl-fmnist, cdrl-fmnist)")
    ap.add_argument("--threads", type=int, default=0, help="intra-op threads (0 = all cores)")
    ap.add_argument("--iterations", type=int, default=10, help="timed training iterations")
    ap.add_argument("--repeats", type=int, default=20,
                    help="accepted for compare.sh; unused, as in the C++ bench for these methods")
    ap.add_argument("--sample-repeats", type=int, default=3,
                    help="timed sampling calls (the C++ bench: 3)")
    ap.add_argument("--synthetic", action="store_true",
                    help="random images instead of Fashion-MNIST")
    args = ap.parse_args()
    if args.iterations < 1 or args.sample_repeats < 1 or args.threads < 0:
        ap.error("--iterations and --sample-repeats must be >= 1, --threads >= 0")
    presets = args.preset or ["drl-toy2d", "cdrl-toy2d", "drl-fmnist", "cdrl-fmnist"]

    cores = max(1, os.cpu_count() or 1)
    torch.set_num_threads(args.threads if args.threads > 0 else cores)
    out = {
        "device": f"cpu ({torch.get_num_threads()} threads)",
        "threads": torch.get_num_threads(),
        "torch_version": torch.__version__,
        "implementation": "python",
        "results": [bench_preset(p, args) for p in presets],
        "peak_rss_mib": peak_rss_mib(),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
