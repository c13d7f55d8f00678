#!/usr/bin/python3
"""torch_train.py: train the PyTorch transcription of sketch-rnn on the
data, batches and hyperparameters of our train(1) for a given wall time,
then evaluate the validation and test sets as train does, so that the two
can be compared at equal wall time.

usage: /usr/bin/python3 bench/torch_train.py -t SECONDS [-j THREADS]
       [-H name=value,...] [-o CSV] [-w WEIGHTS_OUT]
       train.strk valid.strk test.strk
       /usr/bin/python3 bench/torch_train.py -e MODEL.skm [-j THREADS]
       train.strk valid.strk test.strk

Hyperparameters default to the small preset of pipelines/train.sh (encoder
128 units per direction, decoder 256, N_z 64, M 20, layer_norm cells, batch
50) and the reference values for the rest; -H sets them by their
reference names, as train -H does.  Threads default to 1.

Training batch k of step k comes from our own loader, build/bin/batch,
with the options that make it the batch train uses at step k (train split,
seed, size, random scale, point dropping, N_max of all three streams).  The
model is the one of bench/torch_step.py (its run_rnn, and so its cell_step,
are imported): gates i, j, f, o with the forget bias 1 inside, recurrent
dropout on the candidate, the reference loss, element-wise clipping and
TF-style Adam, with train's learning-rate and KL-weight schedules.  The
initialisation has the distributions of sketchrnn_init (not its values).
Dropout masks and the z noise of training come from torch's generator.

Evaluation is train's evaluate(): every floor(n/B) batch of the split as
batch(1) makes it, no dropout, z = mu + sigma eps with eps drawn from the
same generator train resets before each evaluation (xoshiro256**, so the
eps are train's own), pen loss over all N_max steps, cost = recon +
kl_weight max(KL, kl_tolerance) per batch, means over the batches.

With -e it reads a model(5) file written by train and only evaluates it:
a check of this evaluator against the test row of train's log.csv.

Differences from train: no evaluation or checkpoint during training (train
evaluates the validation set every save_every steps, inside its time
limit); a step with a non-finite loss or gradient is skipped, not rolled
back with a halved learning rate; the loader runs in its own process
(under 1 ms a batch).

Logs every 20 steps to stderr and to the CSV (-o; columns step, lr,
kl_weight, recon, kl, cost, elapsed_s, means over the last 20 steps), then
prints one line starting with "torch train:" (with -e, "torch eval:").
"""
import argparse
import io
import math
import os
import struct
import subprocess
import sys
import time
import zlib

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from torch_step import blas_setup, mdn_loss, run_rnn  # noqa: E402

BATCH = os.path.join(HERE, "..", "build", "bin", "batch")
CELLS = ["lstm", "layer_norm"]
M64 = (1 << 64) - 1

# The model(5) hyperparameter block, in file order, with struct codes.
HP_FIELDS = [
    ("conditional", "I"), ("enc_model", "I"), ("dec_model", "I"),
    ("enc_rnn_size", "I"), ("dec_rnn_size", "I"), ("z_size", "I"),
    ("num_mixture", "I"), ("batch_size", "I"), ("learning_rate", "d"),
    ("decay_rate", "d"), ("min_learning_rate", "d"), ("grad_clip", "d"),
    ("kl_weight", "d"), ("kl_weight_start", "d"), ("kl_decay_rate", "d"),
    ("kl_tolerance", "d"), ("use_recurrent_dropout", "I"),
    ("recurrent_dropout_prob", "d"), ("random_scale_factor", "d"),
    ("augment_stroke_prob", "d"), ("num_steps", "Q"), ("save_every", "I"),
    ("seed", "Q")]


def default_hparams():
    """The reference defaults with the small preset of train.sh."""
    return dict(conditional=1, enc_model=1, dec_model=1, enc_rnn_size=128,
                dec_rnn_size=256, z_size=64, num_mixture=20, batch_size=50,
                learning_rate=0.001, decay_rate=0.9999,
                min_learning_rate=1e-5, grad_clip=1.0, kl_weight=0.5,
                kl_weight_start=0.01, kl_decay_rate=0.99995,
                kl_tolerance=0.2, use_recurrent_dropout=1,
                recurrent_dropout_prob=0.9, random_scale_factor=0.15,
                augment_stroke_prob=0.1, num_steps=10000000, save_every=250,
                seed=1)


def set_hparams(hp, arg):
    types = dict(HP_FIELDS)
    for item in arg.split(","):
        name, eq, value = item.partition("=")
        if not eq or name not in types:
            sys.exit("-H: bad item '%s'" % item)
        if name in ("enc_model", "dec_model"):
            if value not in CELLS:
                sys.exit("-H: %s: want lstm or layer_norm" % name)
            hp[name] = CELLS.index(value)
        elif value in ("True", "False"):
            hp[name] = int(value == "True")
        elif types[name] == "d":
            hp[name] = float(value)
        else:
            hp[name] = int(value)


# ---- data: stroke(5) lengths and batch(5) streams from build/bin/batch ----

def stroke_nmax(path):
    """The longest drawing (points) of a stroke(5) stream."""
    nmax = 0
    with open(path, "rb") as f:
        head = f.read(12)
        if head[:4] != b"STRK":
            sys.exit("%s: not a stroke stream" % path)
        while True:
            tag = f.read(1)
            if tag == b"D":
                klen = f.read(1)[0]
                f.seek(klen, 1)
                wlen = f.read(1)[0]
                f.seek(wlen + 3, 1)
                n = struct.unpack("<I", f.read(4))[0]
                f.seek(9 * n, 1)
                nmax = max(nmax, n)
            elif tag == b"E":
                f.read(8)
                if f.read(12)[:4] != b"STRK":
                    return nmax
            else:
                sys.exit("%s: bad record tag %r" % (path, tag))


def batch_cmd(hp, nmax, split, path, count=None):
    """The batch(1) call whose batch k is train's batch k of that split."""
    cmd = [BATCH, "-m", "all", "-s", split, "-l", str(nmax),
           "-b", str(hp["batch_size"]), "-S", str(hp["seed"])]
    if split == "train":
        cmd += ["-r", repr(hp["random_scale_factor"]),
                "-p", repr(hp["augment_stroke_prob"]),
                "-n", str(count if count is not None else 1 << 40)]
    return cmd + [path]


def read_batch(f):
    """One batch(5) batch from f: (k, lengths [B], strokes [B, N+1, 5]),
    or None at the end of the stream."""
    head = f.read(48)
    if not head:
        return None
    magic, _, _, _, B, N, _, _, k, _, _ = struct.unpack("<4sHHIIIfQQII",
                                                        head)
    if magic != b"SKB5":
        sys.exit("batch stream: bad magic")
    ids = np.frombuffer(f.read(8 * B), "<u4").reshape(B, 2)
    x = np.frombuffer(f.read(20 * B * (N + 1)), "<f4").reshape(B, N + 1, 5)
    return k, torch.from_numpy(ids[:, 0].astype(np.int64)), \
        torch.from_numpy(x.copy())


def eval_batches(hp, nmax, split, path):
    out = subprocess.run(batch_cmd(hp, nmax, split, path),
                         stdout=subprocess.PIPE, check=True).stdout
    f = io.BytesIO(out)
    batches = []
    while True:
        b = read_batch(f)
        if b is None:
            return batches
        batches.append(b)


# ---- train's noise generator (lib/rng.c), for the evaluation eps ----

def mix(z):
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M64
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M64
    return z ^ (z >> 31)


class Rng:
    """xoshiro256** seeded by splitmix64, Box-Muller normals."""

    def __init__(self, seed):
        self.s = []
        for _ in range(4):
            seed = (seed + 0x9e3779b97f4a7c15) & M64
            self.s.append(mix(seed))

    def u64(self):
        s = self.s
        x = (s[1] * 5) & M64
        out = ((((x << 7) | (x >> 57)) & M64) * 9) & M64
        t = (s[1] << 17) & M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = ((s[3] << 45) | (s[3] >> 19)) & M64
        return out

    def normal(self):
        u1 = 1.0 - (self.u64() >> 11) * 2.0 ** -53
        u2 = (self.u64() >> 11) * 2.0 ** -53
        return math.sqrt(-2.0 * math.log(u1)) * \
            math.cos(6.283185307179586 * u2)


def batch_seed(seed, k):
    return mix(mix((seed + 0x9e3779b97f4a7c15) & M64) ^ k)


# ---- the model ----

def param_table(hp):
    """(name, shape) in the order of model(5)'s tensor table."""
    He, Hd = hp["enc_rnn_size"], hp["dec_rnn_size"]
    Nz, M = hp["z_size"], hp["num_mixture"]
    out = []

    def lstm(pre, cell, n_in, H):
        out.extend([(pre + "wx", (n_in, 4 * H)), (pre + "wh", (H, 4 * H))])
        if cell == 0:
            out.append((pre + "b", (4 * H,)))
        else:
            out.extend([(pre + "ln_g", (4 * H,)), (pre + "ln_b", (4 * H,)),
                        (pre + "lnc_g", (H,)), (pre + "lnc_b", (H,))])
    if hp["conditional"]:
        lstm("enc_fw_", hp["enc_model"], 5, He)
        lstm("enc_bw_", hp["enc_model"], 5, He)
        out += [("mu_w", (2 * He, Nz)), ("mu_b", (Nz,)),
                ("sigma_w", (2 * He, Nz)), ("sigma_b", (Nz,)),
                ("init_w", (Nz, 2 * Hd)), ("init_b", (2 * Hd,))]
    lstm("dec_", hp["dec_model"], 5 + (Nz if hp["conditional"] else 0), Hd)
    W = 6 * M + 3
    return out + [("out_w", (Hd, W)), ("out_b", (W,))]


def init_params(hp):
    """sketchrnn_init's distributions: Glorot-uniform wx and out_w, four
    orthogonal H x H blocks per wh, N(0, 0.001^2) mu_w, sigma_w, init_w,
    out_b uniform with limit sqrt(3 / W), gains 1, the rest 0."""
    p = {}
    for name, shape in param_table(hp):
        w = torch.zeros(shape)
        if name.endswith("_wx") or name == "out_w":
            lim = math.sqrt(6.0 / (shape[0] + shape[1]))
            w.uniform_(-lim, lim)
        elif name.endswith("_wh"):
            H = shape[0]
            for k in range(4):
                torch.nn.init.orthogonal_(w[:, k * H:(k + 1) * H])
        elif name in ("mu_w", "sigma_w", "init_w"):
            w.normal_(0, 0.001)
        elif name == "out_b":
            lim = math.sqrt(3.0 / shape[0])
            w.uniform_(-lim, lim)
        elif name.endswith("_g"):
            w.fill_(1)
        p[name] = w.requires_grad_(True)
    return p


def forward(p, hp, x, lengths, eps, keep):
    """Train's loss of one batch x [B, N+1, 5]: (Ls + Lp, KL), both
    tensors; eps [B, N_z]; keep < 1 draws recurrent-dropout masks."""
    B, T1, _ = x.shape
    T = T1 - 1
    He, Hd, Nz = hp["enc_rnn_size"], hp["dec_rnn_size"], hp["z_size"]
    M = hp["num_mixture"]
    cells = CELLS[hp["enc_model"]], CELLS[hp["dec_model"]]
    xs = x[:, 1:].transpose(0, 1)  # [T, B, 5], also the targets

    def masks(H):
        if keep >= 1:
            return [1.0] * T
        return (torch.rand(T, B, H) < keep).float() / keep
    kl = torch.zeros(())
    if hp["conditional"]:
        Te = int(lengths.max())
        t = torch.arange(Te).unsqueeze(1)
        src = (lengths.unsqueeze(0) - 1 - t).clamp(min=0)
        rev = xs[src, torch.arange(B).unsqueeze(0)] * \
            (t < lengths).unsqueeze(2)
        zeros = torch.zeros(B, He)
        _, hf = run_rnn(xs[:Te], zeros, zeros, p, "enc_fw_", cells[0],
                        masks(He), lengths)
        _, hb = run_rnn(rev, zeros, zeros, p, "enc_bw_", cells[0],
                        masks(He), lengths)
        hcat = torch.cat([hf, hb], dim=1)
        mu = hcat @ p["mu_w"] + p["mu_b"]
        sh = hcat @ p["sigma_w"] + p["sigma_b"]
        z = mu + torch.exp(sh / 2) * eps
        st = torch.tanh(z @ p["init_w"] + p["init_b"])
        c0, h0 = (st[:, :Hd], st[:, Hd:]) if cells[1] == "lstm" else \
            (st[:, Hd:], st[:, :Hd])
        xin = torch.cat([x[:, :T].transpose(0, 1),
                         z.unsqueeze(0).expand(T, B, Nz)], dim=2)
        kl = -0.5 * torch.mean(1 + sh - mu ** 2 - torch.exp(sh))
    else:
        h0 = c0 = torch.zeros(B, Hd)
        xin = x[:, :T].transpose(0, 1)
    hs, _ = run_rnn(xin, h0, c0, p, "dec_", cells[1], masks(Hd))
    y = hs @ p["out_w"] + p["out_b"]
    return mdn_loss(y, xs, M) / (B * T), kl


def cost_of(recon, kl, w, hp):
    """recon + w max(KL, kl_tolerance); recon alone without an encoder."""
    if not hp["conditional"]:
        return recon
    return recon + w * torch.clamp(kl, min=hp["kl_tolerance"])


def schedules(hp, step):
    """train's learning rate and KL weight at step (0-based)."""
    lr = (hp["learning_rate"] - hp["min_learning_rate"]) * \
        hp["decay_rate"] ** step + hp["min_learning_rate"]
    w = hp["kl_weight"] - (hp["kl_weight"] - hp["kl_weight_start"]) * \
        hp["kl_decay_rate"] ** step
    return lr, w


def adam_step(p, m, v, t, lr, clip):
    """TF-style Adam (eps added to sqrt(v)) after element-wise clipping."""
    lrt = lr * math.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
    with torch.no_grad():
        for k, w in p.items():
            g = w.grad.clamp(-clip, clip) if clip > 0 else w.grad
            m[k].mul_(0.9).add_(g, alpha=0.1)
            v[k].mul_(0.999).addcmul_(g, g, value=0.001)
            w.sub_(lrt * m[k] / (v[k].sqrt() + 1e-8))


def evaluate(p, hp, batches, split):
    """train's evaluate(): means of recon, KL and cost over the batches."""
    rng = Rng(batch_seed(hp["seed"], M64 - split))
    B, Nz = hp["batch_size"], hp["z_size"]
    tot = np.zeros(3)
    with torch.no_grad():
        for _, lengths, x in batches:
            eps = torch.zeros(B, Nz)
            if hp["conditional"]:
                eps = torch.tensor([rng.normal() for _ in range(B * Nz)],
                                   dtype=torch.float32).view(B, Nz)
            recon, kl = forward(p, hp, x, lengths, eps, 1.0)
            cost = cost_of(recon, kl, hp["kl_weight"], hp)
            tot += [float(recon), float(kl), float(cost)]
    return tot / len(batches)


# ---- model(5) files ----

def read_model(path):
    """(hparams, N_max, params) from a model(5) file written by train."""
    with open(path, "rb") as f:
        data = f.read()
    magic, version, kind, nhp = struct.unpack_from("<4sIII", data, 0)
    if magic != b"SKRM" or version != 1 or kind not in (1, 2) or nhp != 23:
        sys.exit("%s: not a version 1 sketchrnn model" % path)
    if data[-8:-4] != b"SKRE" or \
            struct.unpack("<I", data[-4:])[0] != zlib.crc32(data[:-4]):
        sys.exit("%s: bad end marker or CRC" % path)
    fmt = "<" + "".join(c for _, c in HP_FIELDS)
    hp = dict(zip([n for n, _ in HP_FIELDS],
                  struct.unpack_from(fmt, data, 16)))
    _, nmax, T, P = struct.unpack_from("<fIIQ", data, 160)
    weights = np.frombuffer(data, "<f4", P, 180 + 36 * T)
    table = param_table(hp)
    if len(table) != T:
        sys.exit("%s: %d tensors, expected %d" % (path, T, len(table)))
    p = {}
    for i, (name, shape) in enumerate(table):
        raw, ndim, rows, cols, off = struct.unpack_from(
            "<16sIIIQ", data, 180 + 36 * i)
        got = (rows, cols) if ndim == 2 else (rows,)
        if raw.rstrip(b"\0").decode() != name or got != shape:
            sys.exit("%s: tensor %d is %s %s, expected %s %s" %
                     (path, i, raw.rstrip(b"\0"), got, name, shape))
        n = int(np.prod(shape))
        p[name] = torch.from_numpy(
            weights[off:off + n].copy()).view(shape).requires_grad_(True)
    return hp, nmax, p


# ---- training ----

def open_log(path):
    if not path:
        return None
    f = open(path, "w")
    f.write("step,lr,kl_weight,recon,kl,cost,elapsed_s\n")
    return f


def log_row(f, step, lr, w, sums, n, elapsed):
    r, k, c = (s / n for s in sums)
    print("torch_train: step %d lr %.3g kl_weight %.3f recon %.4f kl %.4f "
          "cost %.4f %.0fs" % (step, lr, w, r, k, c, elapsed),
          file=sys.stderr)
    if f:
        f.write("%d,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g\n" %
                (step, lr, w, r, k, c, elapsed))
        f.flush()


def train(p, hp, nmax, path, seconds, log):
    """Steps on train's batches 0, 1, ... until seconds have passed;
    returns (steps, seconds)."""
    m = {k: torch.zeros_like(v) for k, v in p.items()}
    v2 = {k: torch.zeros_like(v) for k, v in p.items()}
    keep = hp["recurrent_dropout_prob"] if hp["use_recurrent_dropout"] \
        else 1.0
    proc = subprocess.Popen(batch_cmd(hp, nmax, "train", path),
                            stdout=subprocess.PIPE)
    step, sums, n, t0 = 0, [0.0, 0.0, 0.0], 0, time.perf_counter()
    elapsed = 0.0
    while step < hp["num_steps"] and elapsed < seconds:
        k, lengths, x = read_batch(proc.stdout)
        lr, w = schedules(hp, step)
        eps = torch.randn(hp["batch_size"], hp["z_size"])
        recon, kl = forward(p, hp, x, lengths, eps, keep)
        cost = cost_of(recon, kl, w, hp)
        for t in p.values():
            t.grad = None
        cost.backward()
        if not all(torch.isfinite(t.grad).all() for t in p.values()) or \
                not math.isfinite(float(cost)):
            print("torch_train: batch %d: non-finite loss or gradient; "
                  "skipped" % k, file=sys.stderr)
            elapsed = time.perf_counter() - t0
            continue
        step += 1
        adam_step(p, m, v2, step, lr, hp["grad_clip"])
        sums = [sums[0] + float(recon), sums[1] + float(kl),
                sums[2] + float(cost)]
        n += 1
        elapsed = time.perf_counter() - t0
        if step % 20 == 0:
            log_row(log, step, lr, w, sums, n, elapsed)
            sums, n = [0.0, 0.0, 0.0], 0
    proc.stdout.close()
    proc.kill()
    proc.wait()
    return step, elapsed


def result(name, v):
    return "%s recon %.7g kl %.7g cost %.7g" % (name, v[0], v[1], v[2])


def main():
    ap = argparse.ArgumentParser(
        description="sketch-rnn in PyTorch on train(1)'s batches")
    ap.add_argument("-t", type=float, default=0, help="seconds of training")
    ap.add_argument("-j", type=int, default=1, help="threads")
    ap.add_argument("-b", type=int, default=0,
                    help="OpenBLAS threads (openblas_set_num_threads)")
    ap.add_argument("-H", action="append", default=[],
                    help="hyperparameters name=value,...")
    ap.add_argument("-o", help="CSV log")
    ap.add_argument("-w", help="save the trained parameters (torch.save)")
    ap.add_argument("-e", help="only evaluate this model(5) file")
    ap.add_argument("train")
    ap.add_argument("valid")
    ap.add_argument("test")
    a = ap.parse_args()
    torch.set_num_threads(a.j)
    blas_setup(a.b, sys.stderr)
    nmax = max(stroke_nmax(f) for f in (a.train, a.valid, a.test))
    if a.e:
        hp, model_nmax, p = read_model(a.e)
        if model_nmax != nmax:
            print("torch_train: %s has N_max %d, the data %d" %
                  (a.e, model_nmax, nmax), file=sys.stderr)
    else:
        if a.t <= 0:
            sys.exit("torch_train: give -t SECONDS (or -e MODEL)")
        hp = default_hparams()
        for arg in a.H:
            set_hparams(hp, arg)
        torch.manual_seed(hp["seed"])
        p = init_params(hp)
    valid = eval_batches(hp, nmax, "valid", a.valid)
    test = eval_batches(hp, nmax, "test", a.test)
    if a.e:
        print("torch eval: %s; %s; %s" % (
            a.e, result("valid", evaluate(p, hp, valid, 1)),
            result("test", evaluate(p, hp, test, 2))))
        return
    print("torch_train: N_max %d, %d parameters, %d threads, torch %s" %
          (nmax, sum(v.numel() for v in p.values()),
           torch.get_num_threads(), torch.__version__), file=sys.stderr)
    log = open_log(a.o)
    steps, sec = train(p, hp, nmax, a.train, a.t, log)
    if log:
        log.close()
    if a.w:
        torch.save({"hparams": hp, "nmax": nmax, "steps": steps,
                    "params": {k: v.detach() for k, v in p.items()}}, a.w)
    print("torch train: %d steps in %.1f s (%.3f s/step); %s; %s" % (
        steps, sec, sec / max(steps, 1),
        result("valid", evaluate(p, hp, valid, 1)),
        result("test", evaluate(p, hp, test, 2))))


if __name__ == "__main__":
    main()
