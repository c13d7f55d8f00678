#!/usr/bin/python3
"""torch_step.py: the sketch-rnn training step of bench/step.c in PyTorch,
for comparison: same shapes, same synthetic lengths, recurrent dropout
(keep 0.9), the reference loss, element-wise clipping and TF-style Adam.

usage: /usr/bin/python3 bench/torch_step.py [-l] [-c default|small|hyper]
       [-m cell|nn] [-b blas-threads] [-n steps] [-t threads]

The model is written the way a straightforward PyTorch port would be: the
input projection of all steps in one matmul per layer, an explicit cell
(gates i, j, f, o, forget bias 1 inside) stepped in Python, autograd for
the backward pass.  -c hyper is bench/step.c's -c hyper: the small preset
with a layer-norm encoder and Magenta's HyperLSTMCell as the decoder (the
8 scalers' products as batched matmuls, one per step for alpha and one
for beta).  -m nn is the plain port instead: torch.nn.LSTM layers, no
recurrent dropout, torch.optim.Adam and clip_grad_value_ (plain LSTM cells
only: not with -l or -c hyper).  The encoder is two nn.LSTM, forward over
the padded batch and backward over each drawing reversed within its
length, each read at the drawing's last step, the same result as a
bidirectional nn.LSTM over a packed sequence: packing made the encoder's
backward pass 12 times slower in torch 1.13 (55 s against 4.5 s).  -t
sets torch's threads; -b the threads of the OpenBLAS that
does torch's matrix products, through openblas_set_num_threads (torch's
own setting does not reach it); OMP_WAIT_POLICY defaults to PASSIVE and
denormals are flushed.  Prints the CPU model and the OpenBLAS core, then
the seconds per step on one line starting with "torch step:".
"""
import argparse
import ctypes
import os
import subprocess
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import torch  # noqa: E402


def cell_step(a, h, c, wh, cell, p, pre, mask):
    H = h.shape[1]
    a = a + h @ wh
    if cell == "layer_norm":
        a = a.view(-1, 4, H)
        a = torch.nn.functional.layer_norm(a, (H,), eps=1e-3).view(-1, 4 * H)
        a = a * p[pre + "ln_g"] + p[pre + "ln_b"]
    i, j, f, o = a.chunk(4, dim=1)
    g = torch.tanh(j) * mask
    c = c * torch.sigmoid(f + 1.0) + torch.sigmoid(i) * g
    if cell == "layer_norm":
        cn = torch.nn.functional.layer_norm(c, (H,), eps=1e-3)
        h = torch.tanh(cn * p[pre + "lnc_g"] + p[pre + "lnc_b"]) * \
            torch.sigmoid(o)
    else:
        h = torch.tanh(c) * torch.sigmoid(o)
    return h, c


def hyper_step(xh, ah, th, tc, p, H, E, mask):
    """One step of Magenta's HyperLSTMCell (layer norm on): xh = x W_xh,
    ah = x W_xh of the hyper cell, th = [h, h^], tc = [c, c^]."""
    B, Nh = th.shape[0], th.shape[1] - H
    ln = torch.nn.functional.layer_norm
    a = (ah + th @ p["dec_hyp_wh"]).view(B, 4, Nh)
    a = ln(a, (Nh,), eps=1e-3).view(B, 4 * Nh) * p["dec_hyp_ln_g"] + \
        p["dec_hyp_ln_b"]
    i, j, f, o = a.chunk(4, dim=1)
    hc = tc[:, H:] * torch.sigmoid(f + 1.0) + torch.sigmoid(i) * torch.tanh(j)
    hh = torch.tanh(ln(hc, (Nh,), eps=1e-3) * p["dec_hyp_lnc_g"] +
                    p["dec_hyp_lnc_b"]) * torch.sigmoid(o)
    zw = (hh @ p["dec_zw_w"] + p["dec_zw_b"]).view(B, 8, E).transpose(0, 1)
    alpha = torch.bmm(zw, p["dec_alpha_w"].view(8, E, H))  # [8, B, H]
    zb = (hh @ p["dec_zb_w"]).view(B, 4, E).transpose(0, 1)
    beta = torch.bmm(zb, p["dec_beta_w"].view(4, E, H))  # [4, B, H]
    hw = (th[:, :H] @ p["dec_wh"]).view(B, 4, H).transpose(0, 1)
    a = alpha[:4] * xh.view(B, 4, H).transpose(0, 1) + alpha[4:] * hw + beta
    a = a.transpose(0, 1).reshape(B, 4 * H) + p["dec_b"]
    a = ln(a.view(B, 4, H), (H,), eps=1e-3).view(B, 4 * H) * \
        p["dec_ln_g"] + p["dec_ln_b"]
    i, j, f, o = a.chunk(4, dim=1)
    c = tc[:, :H] * torch.sigmoid(f + 1.0) + torch.sigmoid(i) * \
        torch.tanh(j) * mask
    h = torch.tanh(ln(c, (H,), eps=1e-3) * p["dec_lnc_g"] +
                   p["dec_lnc_b"]) * torch.sigmoid(o)
    return torch.cat([h, hh], dim=1), torch.cat([c, hc], dim=1)


def run_hyper(x, th, tc, p, H, E, masks):
    """x [T, B, in] -> the decoder's h sequence, from [h, h^] = th and
    [c, c^] = tc; both input projections of all steps in one matmul."""
    projx = (x @ p["dec_wx"]).unbind(0)
    projh = (x @ p["dec_hyp_wx"]).unbind(0)
    hs = []
    for t in range(x.shape[0]):
        th, tc = hyper_step(projx[t], projh[t], th, tc, p, H, E, masks[t])
        hs.append(th[:, :H])
    return torch.stack(hs)


def run_rnn(x, h, c, p, pre, cell, masks, lengths=None):
    """x [T, B, in] -> h sequence; frozen after lengths[b] steps if given."""
    proj = x @ p[pre + "wx"]
    if cell == "lstm":
        proj = proj + p[pre + "b"]
    proj = proj.unbind(0)  # one backward node, not a select per step
    hs = []
    for t in range(x.shape[0]):
        h2, c2 = cell_step(proj[t], h, c, p[pre + "wh"], cell, p, pre,
                           masks[t])
        if lengths is not None:
            live = (t < lengths).unsqueeze(1)
            h2 = torch.where(live, h2, h)
            c2 = torch.where(live, c2, c)
        h, c = h2, c2
        hs.append(h)
    return torch.stack(hs), h


def make_params(cell, He, Hd, Nz, M, dec_cell=None, Nh=0, E=0):
    p = {}
    S = Hd + Nh

    def lstm(pre, n_in, H, cell=cell):
        p[pre + "wx"] = torch.randn(n_in, 4 * H) * 0.05
        p[pre + "wh"] = torch.randn(H, 4 * H) / H ** 0.5
        if cell == "lstm":
            p[pre + "b"] = torch.zeros(4 * H)
        else:
            p[pre + "ln_g"] = torch.ones(4 * H)
            p[pre + "ln_b"] = torch.zeros(4 * H)
            p[pre + "lnc_g"] = torch.ones(H)
            p[pre + "lnc_b"] = torch.zeros(H)
    lstm("fw_", 5, He)
    lstm("bw_", 5, He)
    p["mu_w"] = torch.randn(2 * He, Nz) * 1e-3
    p["mu_b"] = torch.zeros(Nz)
    p["sigma_w"] = torch.randn(2 * He, Nz) * 1e-3
    p["sigma_b"] = torch.zeros(Nz)
    p["init_w"] = torch.randn(Nz, 2 * S) * 1e-3
    p["init_b"] = torch.zeros(2 * S)
    if dec_cell == "hyper":
        lstm("dec_", 5 + Nz, Hd, "layer_norm")
        p["dec_b"] = torch.zeros(4 * Hd)
        p["dec_hyp_wx"] = torch.randn(5 + Nz, 4 * Nh) * 0.05
        p["dec_hyp_wh"] = torch.randn(Hd + Nh, 4 * Nh) / Nh ** 0.5
        p["dec_hyp_ln_g"] = torch.ones(4 * Nh)
        p["dec_hyp_ln_b"] = torch.zeros(4 * Nh)
        p["dec_hyp_lnc_g"] = torch.ones(Nh)
        p["dec_hyp_lnc_b"] = torch.zeros(Nh)
        p["dec_zw_w"] = torch.zeros(Nh, 8 * E)
        p["dec_zw_b"] = torch.ones(8 * E)
        p["dec_alpha_w"] = torch.full((8 * E, Hd), 0.1 / E)
        p["dec_zb_w"] = torch.randn(Nh, 4 * E) * 0.01
        p["dec_beta_w"] = torch.zeros(4 * E, Hd)
    else:
        lstm("dec_", 5 + Nz, Hd, dec_cell or cell)
    p["out_w"] = torch.randn(Hd, 6 * M + 3) * 0.05
    p["out_b"] = torch.zeros(6 * M + 3)
    for v in p.values():
        v.requires_grad_(True)
    return p


def mdn_loss(y, tgt, M):
    """The reference's loss summed over all rows: the offset loss (masked
    after each drawing's end) plus the pen loss, from head outputs y
    [..., 6M+3] (pen logits, pi, mu_x, mu_y, sigma_x, sigma_y, rho) and
    stroke-5 targets."""
    pi = torch.softmax(y[..., 3:3 + M], dim=-1)
    mx, my = y[..., 3 + M:3 + 2 * M], y[..., 3 + 2 * M:3 + 3 * M]
    sx = torch.exp(y[..., 3 + 3 * M:3 + 4 * M])
    sy = torch.exp(y[..., 3 + 4 * M:3 + 5 * M])
    rho = torch.tanh(y[..., 3 + 5 * M:])
    zx, zy = (tgt[..., 0:1] - mx) / sx, (tgt[..., 1:2] - my) / sy
    Z = zx ** 2 + zy ** 2 - 2 * rho * zx * zy
    om = 1 - rho ** 2
    N = torch.exp(-Z / (2 * om)) / (2 * torch.pi * sx * sy * torch.sqrt(om))
    ls = -torch.log((pi * N).sum(-1) + 1e-6) * (1 - tgt[..., 4])
    lp = -(tgt[..., 2:] * torch.log_softmax(y[..., :3], dim=-1)).sum(-1)
    return ls.sum() + lp.sum()


def loss_fn(p, strokes, lengths, cell, He, Hd, Nz, M, keep, klw,
            dec_cell=None, Nh=0, E=0):
    B, T1, _ = strokes.shape
    T = T1 - 1
    xs = strokes[:, 1:].transpose(0, 1)  # [T, B, 5]
    rev = torch.zeros_like(xs)
    for b in range(B):
        L = int(lengths[b])
        rev[:L, b] = torch.flip(xs[:L, b], dims=[0])
    Te = int(lengths.max())

    def masks(H):
        return (torch.rand(T, B, H) < keep).float() / keep
    zeros = torch.zeros(B, He)
    _, hf = run_rnn(xs[:Te], zeros, zeros, p, "fw_", cell, masks(He),
                    lengths)
    _, hb = run_rnn(rev[:Te], zeros, zeros, p, "bw_", cell, masks(He),
                    lengths)
    hcat = torch.cat([hf, hb], dim=1)
    mu = hcat @ p["mu_w"] + p["mu_b"]
    sh = hcat @ p["sigma_w"] + p["sigma_b"]
    z = mu + torch.exp(sh / 2) * torch.randn(B, Nz)
    st = torch.tanh(z @ p["init_w"] + p["init_b"])
    dec_cell = dec_cell or cell
    S = Hd + Nh
    c0, h0 = (st[:, :S], st[:, S:]) if dec_cell == "lstm" else \
        (st[:, S:], st[:, :S])
    xin = torch.cat([strokes[:, :T].transpose(0, 1),
                     z.unsqueeze(0).expand(T, B, Nz)], dim=2)
    if dec_cell == "hyper":
        hs = run_hyper(xin, h0, c0, p, Hd, E, masks(Hd))
    else:
        hs, _ = run_rnn(xin, h0, c0, p, "dec_", dec_cell, masks(Hd))
    y = hs @ p["out_w"] + p["out_b"]
    kl = -0.5 * torch.mean(1 + sh - mu ** 2 - torch.exp(sh))
    return mdn_loss(y, xs, M) / (B * T) + klw * torch.clamp(kl, min=0.2)


class NNModel(torch.nn.Module):
    """sketch-rnn as most PyTorch ports write it: nn.LSTM layers, no
    recurrent dropout."""

    def __init__(self, He, Hd, Nz, M):
        super().__init__()
        self.fw = torch.nn.LSTM(5, He)
        self.bw = torch.nn.LSTM(5, He)
        self.mu = torch.nn.Linear(2 * He, Nz)
        self.sigma = torch.nn.Linear(2 * He, Nz)
        self.init = torch.nn.Linear(Nz, 2 * Hd)
        self.dec = torch.nn.LSTM(5 + Nz, Hd)
        self.out = torch.nn.Linear(Hd, 6 * M + 3)
        self.Hd, self.Nz, self.M = Hd, Nz, M

    def forward(self, strokes, lengths, klw):
        B, T1, _ = strokes.shape
        T = T1 - 1
        xs = strokes[:, 1:].transpose(0, 1)  # [T, B, 5]
        rev = torch.zeros_like(xs)
        for b in range(B):
            L = int(lengths[b])
            rev[:L, b] = torch.flip(xs[:L, b], dims=[0])
        last = (lengths - 1).view(1, B, 1).expand(1, B, self.fw.hidden_size)
        hf = self.fw(xs)[0].gather(0, last)[0]  # h after each one's end
        hb = self.bw(rev)[0].gather(0, last)[0]
        hcat = torch.cat([hf, hb], dim=1)
        mu, sh = self.mu(hcat), self.sigma(hcat)
        z = mu + torch.exp(sh / 2) * torch.randn(B, self.Nz)
        h0, c0 = torch.tanh(self.init(z)).chunk(2, dim=1)
        xin = torch.cat([strokes[:, :T].transpose(0, 1),
                         z.unsqueeze(0).expand(T, B, self.Nz)], dim=2)
        hs, _ = self.dec(xin, (h0.unsqueeze(0).contiguous(),
                               c0.unsqueeze(0).contiguous()))
        y = self.out(hs)
        kl = -0.5 * torch.mean(1 + sh - mu ** 2 - torch.exp(sh))
        return mdn_loss(y, xs, self.M) / (B * T) + \
            klw * torch.clamp(kl, min=0.2)


def nn_steps(strokes, lengths, He, Hd, Nz, M, n):
    """n + 1 training steps of NNModel; the seconds of the last n."""
    model = NNModel(He, Hd, Nz, M)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, 0.9999)
    total = 0.0
    for step in range(n + 1):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = model(strokes, lengths, 0.5 - 0.49 * 0.99995 ** step)
        loss.backward()
        torch.nn.utils.clip_grad_value_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if step > 0:
            total += time.perf_counter() - t0
    count = sum(v.numel() for v in model.parameters())
    return total, count, float(loss)


def cell_steps(strokes, lengths, cfg, n):
    """n + 1 training steps of the explicit-cell model; the seconds of
    the last n."""
    cell, He, Hd, Nz, M, dec_cell, Nh, E = cfg
    p = make_params(cell, He, Hd, Nz, M, dec_cell, Nh, E)
    m = {k: torch.zeros_like(v) for k, v in p.items()}
    v2 = {k: torch.zeros_like(v) for k, v in p.items()}
    total = 0.0
    for step in range(n + 1):
        t0 = time.perf_counter()
        klw = 0.5 - 0.49 * 0.99995 ** step
        loss = loss_fn(p, strokes, lengths, cell, He, Hd, Nz, M, 0.9, klw,
                       dec_cell, Nh, E)
        for v in p.values():
            v.grad = None
        loss.backward()
        lr = (1e-3 - 1e-5) * 0.9999 ** step + 1e-5
        t = step + 1
        lrt = lr * (1 - 0.999 ** t) ** 0.5 / (1 - 0.9 ** t)
        with torch.no_grad():
            for k, w in p.items():
                g = w.grad.clamp(-1, 1)
                m[k].mul_(0.9).add_(g, alpha=0.1)
                v2[k].mul_(0.999).addcmul_(g, g, value=0.001)
                w.sub_(lrt * m[k] / (v2[k].sqrt() + 1e-8))
        if step > 0:
            total += time.perf_counter() - t0
    return total, sum(v.numel() for v in p.values()), float(loss)


def openblas_libs():
    """The OpenBLAS libraries this process has loaded (torch's BLAS)."""
    paths = set()
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            if "blas" in os.path.basename(path) and path.startswith("/"):
                paths.add(path)
    libs = []
    for path in sorted(paths):
        lib = ctypes.CDLL(path)
        if hasattr(lib, "openblas_set_num_threads"):
            lib.openblas_get_corename.restype = ctypes.c_char_p
            libs.append((path, lib))
    return libs


def blas_setup(threads, out):
    """Flush denormals, load torch's BLAS and give each OpenBLAS it loaded
    that many threads (0: its own); print each, its core and threads, the
    CPU model and OMP_WAIT_POLICY on out."""
    torch.set_flush_denormal(True)
    torch.zeros(2, 2) @ torch.zeros(2, 2)  # load the BLAS
    for path, lib in openblas_libs():
        if threads:
            lib.openblas_set_num_threads(threads)
        print("torch openblas: %s, core %s, threads %d" %
              (path, lib.openblas_get_corename().decode(),
               lib.openblas_get_num_threads()), file=out)
    print("cpu: %s; OMP_WAIT_POLICY=%s" %
          (cpu_model(), os.environ.get("OMP_WAIT_POLICY")), file=out)


def cpu_model():
    out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("Model name:"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-b", type=int, default=0)
    ap.add_argument("-c", default="default")
    ap.add_argument("-l", action="store_true")
    ap.add_argument("-m", default="cell", choices=["cell", "nn"])
    ap.add_argument("-n", type=int, default=0)
    ap.add_argument("-t", type=int, default=0)
    a = ap.parse_args()
    if a.m == "nn" and (a.l or a.c == "hyper"):
        ap.error("-m nn has plain LSTM cells only: not with -l or -c hyper")
    if a.t:
        torch.set_num_threads(a.t)
    blas_setup(a.b, sys.stdout)
    cell = "layer_norm" if a.l else "lstm"
    dec_cell, Nh, E = None, 0, 0
    if a.c == "default":
        He, Hd, Nz, M, B, T, n = 256, 512, 128, 20, 100, 250, a.n or 1
    elif a.c == "hyper":
        He, Hd, Nz, M, B, T, n = 128, 256, 64, 20, 50, 250, a.n or 3
        cell, dec_cell, Nh, E = "layer_norm", "hyper", 256, 32
    else:
        He, Hd, Nz, M, B, T, n = 64, 128, 32, 20, 100, 100, a.n or 10
    torch.manual_seed(1)
    lengths = torch.tensor([T // 2 + (37 * b) % (T // 2 + 1)
                            for b in range(B)])
    strokes = torch.zeros(B, T + 1, 5)
    strokes[:, 0, 2] = 1
    for b in range(B):
        L = int(lengths[b])
        strokes[b, 1:L + 1, :2] = torch.randn(L, 2)
        up = torch.rand(L) < 0.2
        strokes[b, 1:L + 1, 2] = (~up).float()
        strokes[b, 1:L + 1, 3] = up.float()
        strokes[b, L + 1:, 4] = 1
    if a.m == "nn":
        total, count, loss = nn_steps(strokes, lengths, He, Hd, Nz, M, n)
        what = "torch.nn.LSTM encoder and decoder, no recurrent dropout"
    else:
        total, count, loss = cell_steps(
            strokes, lengths, (cell, He, Hd, Nz, M, dec_cell, Nh, E), n)
        what = "%s encoder, %s decoder" % (cell, dec_cell or cell)
    print("torch step: config %s -m %s (%s, %d parameters), torch %s, "
          "threads %d: %.4f s/step over %d steps, last cost %.4f" %
          (a.c, a.m, what, count, torch.__version__,
           torch.get_num_threads(), total / n, n, loss))


if __name__ == "__main__":
    main()
