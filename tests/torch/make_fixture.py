#!/usr/bin/python3
"""make_fixture.py: write the PyTorch reference fixtures that
tests/nn_torch_test.c compares the C neural core against.

The sketch-rnn model is written here from the reference specification,
independently of the C code: an explicit LSTM cell with gates i, j, f, o and
the forget bias 1.0 added inside, the layer-normalised cell (per gate block,
eps 1e-3, normalised c for the output only), a bidirectional encoder that
respects each drawing's length, a decoder fed [S_{t-1}; z] at every step,
the mixture-density loss with its 1e-6 floor, the KL floor, TF-style Adam
(eps 1e-8 added to sqrt(v)) with element-wise clipping to [-1, 1] and the
learning-rate and KL-weight schedules.  The "hyper" fixture's decoder is a
transcription of Magenta's HyperLSTMCell (layer norm on): a layer-norm
hyper cell on [x, h] whose output scales each gate block of x W_xh and
h W_hh through its own hyper_norm (zw, alpha; zb, beta for the h blocks),
then the bias, layer_norm_all, recurrent dropout and the LN_c output.  Everything runs in float64 on
inputs and weights rounded to float32, so the fixture holds the exact
answer for the float32 values the C side loads.  Dropout is off, except in
the "dropout" fixture, which fixes the recurrent-dropout masks (keep 0.75)
and stores them for the C side to use.

Usage: /usr/bin/python3 tests/torch/make_fixture.py [outdir]
(default: the directory of this script).  Needs python3-torch; the suite
does not, it reads the committed fixture files.

Fixture format (all little-endian):
  4 bytes  magic "SKTF"
  u32      version (1)
  u32      number of tensors
  then per tensor, back to back:
    u32    name length n, then n bytes of name (ASCII, no NUL)
    u32    ndim, then ndim u32 dimensions
    f32    data, prod(dims) values, row-major
Names: config (conditional, enc_cell, dec_cell, enc_size, dec_size, z_size,
num_mixture, B, N_max, and for a hyper decoder hyper_num_units and
hyper_embedding_size; cell 0 = lstm, 1 = layer_norm, 2 = hyper), input.strokes
[B, N_max+1, 5], input.lengths [B], input.eps [B, N_z], param.NAME,
out.mu, out.sigma_hat [B, N_z], out.y [N_max, B, 6M+3] (time-major),
out.loss [5] (L_s, L_p, KL, max(KL, 0.2), cost at KL weight 0.01),
grad.NAME, adam.losses [5] (the cost before each of 5 Adam steps),
adam.param.NAME (the parameters after the 5 steps), and in the dropout
fixture mask.enc_fw, mask.enc_bw [N_max, B, He] and mask.dec
[N_max, B, Hd] (0 or 1/keep; mask[t] multiplies tanh(j) at step t of that
cell, the backward encoder's step t reading point L-t); the hyper fixture
also has out.state_h and out.state_c [N_max, B, Hd+Nh], the decoder's state
[h, h^] and [c, c^] after each step.
"""
import os
import struct
import sys

import torch

torch.set_default_dtype(torch.float64)

LSTM, LAYER_NORM, HYPER = 0, 1, 2
FORGET_BIAS = 1.0
LN_EPS = 1e-3
KL_TOL = 0.2


def f32(t):
    return t.float().double()


def hyper_sizes(cfg):
    """(Nh, E) of a hyper decoder's config, else (0, 0)."""
    return tuple(cfg[7:9]) if len(cfg) > 7 else (0, 0)


def param_table(cfg):
    """(name, shape) in the order of the C parameter table."""
    cond, ec, dc, He, Hd, Nz, M = cfg[:7]
    Nh, E = hyper_sizes(cfg)
    S = Hd + Nh
    out = []

    def lstm(pre, cell, n_in, H):
        out.append((pre + "_wx", (n_in, 4 * H)))
        out.append((pre + "_wh", (H, 4 * H)))
        if cell != LAYER_NORM:
            out.append((pre + "_b", (4 * H,)))
        if cell != LSTM:
            out.append((pre + "_ln_g", (4 * H,)))
            out.append((pre + "_ln_b", (4 * H,)))
            out.append((pre + "_lnc_g", (H,)))
            out.append((pre + "_lnc_b", (H,)))
        if cell == HYPER:
            # Magenta's hyper W_xh [n_in + H, 4Nh] is hyp_wx over the
            # first H rows of hyp_wh; its W_hh the last Nh rows.
            out.append((pre + "_hyp_wx", (n_in, 4 * Nh)))
            out.append((pre + "_hyp_wh", (H + Nh, 4 * Nh)))
            out.append((pre + "_hyp_ln_g", (4 * Nh,)))
            out.append((pre + "_hyp_ln_b", (4 * Nh,)))
            out.append((pre + "_hyp_lnc_g", (Nh,)))
            out.append((pre + "_hyp_lnc_b", (Nh,)))
            out.append((pre + "_zw_w", (Nh, 8 * E)))
            out.append((pre + "_zw_b", (8 * E,)))
            out.append((pre + "_alpha_w", (8 * E, H)))
            out.append((pre + "_zb_w", (Nh, 4 * E)))
            out.append((pre + "_beta_w", (4 * E, H)))

    if cond:
        lstm("enc_fw", ec, 5, He)
        lstm("enc_bw", ec, 5, He)
        out += [("mu_w", (2 * He, Nz)), ("mu_b", (Nz,)),
                ("sigma_w", (2 * He, Nz)), ("sigma_b", (Nz,)),
                ("init_w", (Nz, 2 * S)), ("init_b", (2 * S,))]
    lstm("dec", dc, 5 + (Nz if cond else 0), Hd)
    out += [("out_w", (Hd, 6 * M + 3)), ("out_b", (6 * M + 3,))]
    return out


def layer_norm(v, g, b):
    mean = v.mean(dim=-1, keepdim=True)
    var = ((v - mean) ** 2).mean(dim=-1, keepdim=True)
    return g * (v - mean) / torch.sqrt(var + LN_EPS) + b


def cell_step(p, pre, cell, x, h, c, mask=None):
    """One step of the (layer-norm) LSTM cell; x [B, in], h, c [B, H];
    mask [B, H] recurrent dropout on the candidate, or None."""
    H = h.shape[1]
    a = x @ p[pre + "_wx"] + h @ p[pre + "_wh"]
    if cell == LSTM:
        a = a + p[pre + "_b"]
    else:
        blocks = []
        for k in range(4):
            sl = slice(k * H, (k + 1) * H)
            blocks.append(layer_norm(a[:, sl], p[pre + "_ln_g"][sl],
                                     p[pre + "_ln_b"][sl]))
        a = torch.cat(blocks, dim=1)
    i, j, f, o = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
    g = torch.tanh(j)
    if mask is not None:
        g = g * mask
    c2 = c * torch.sigmoid(f + FORGET_BIAS) + torch.sigmoid(i) * g
    if cell == LSTM:
        h2 = torch.tanh(c2) * torch.sigmoid(o)
    else:
        h2 = torch.tanh(layer_norm(c2, p[pre + "_lnc_g"],
                                   p[pre + "_lnc_b"])) * torch.sigmoid(o)
    return h2, c2


def hyper_norm(p, layer, hyper_out, k, E, use_bias):
    """Magenta's HyperLSTMCell.hyper_norm for scaler k (0-3: the x blocks
    i, j, f, o; 4-7: the h blocks): layer [B, H] times alpha, plus beta
    for the h blocks."""
    e = slice(k * E, (k + 1) * E)
    zw = hyper_out @ p["dec_zw_w"][:, e] + p["dec_zw_b"][e]
    result = (zw @ p["dec_alpha_w"][e]) * layer
    if use_bias:
        eb = slice((k - 4) * E, (k - 3) * E)
        zb = hyper_out @ p["dec_zb_w"][:, eb]
        result = result + zb @ p["dec_beta_w"][eb]
    return result


def hyper_step(p, x, th, tc, H, E, mask=None):
    """One step of Magenta's HyperLSTMCell (use_layer_norm): x [B, in],
    total_h = [h, h^], total_c = [c, c^] [B, H + Nh]."""
    h, c = th[:, :H], tc[:, :H]
    hyp = {"hyp_wx": torch.cat([p["dec_hyp_wx"], p["dec_hyp_wh"][:H]]),
           "hyp_wh": p["dec_hyp_wh"][H:]}
    for n in ("ln_g", "ln_b", "lnc_g", "lnc_b"):
        hyp["hyp_" + n] = p["dec_hyp_" + n]
    hh2, hc2 = cell_step(hyp, "hyp", LAYER_NORM, torch.cat([x, h], 1),
                         th[:, H:], tc[:, H:])
    xh = x @ p["dec_wx"]
    hh = h @ p["dec_wh"]
    gates = []
    for k in range(4):
        sl = slice(k * H, (k + 1) * H)
        a = hyper_norm(p, xh[:, sl], hh2, k, E, False) + \
            hyper_norm(p, hh[:, sl], hh2, 4 + k, E, True) + p["dec_b"][sl]
        gates.append(layer_norm(a, p["dec_ln_g"][sl], p["dec_ln_b"][sl]))
    i, j, f, o = gates
    g = torch.tanh(j)
    if mask is not None:
        g = g * mask
    c2 = c * torch.sigmoid(f + FORGET_BIAS) + torch.sigmoid(i) * g
    h2 = torch.tanh(layer_norm(c2, p["dec_lnc_g"], p["dec_lnc_b"])) * \
        torch.sigmoid(o)
    return torch.cat([h2, hh2], 1), torch.cat([c2, hc2], 1)


def encoder_dir(p, pre, cell, xs, lengths, H, masks):
    """Run over xs [B, T, 5]; sample b stops after lengths[b] steps."""
    B, T, _ = xs.shape
    h = torch.zeros(B, H)
    c = torch.zeros(B, H)
    for t in range(T):
        h2, c2 = cell_step(p, pre, cell, xs[:, t], h, c,
                           masks[pre][t] if masks else None)
        live = (t < lengths).unsqueeze(1)
        h = torch.where(live, h2, h)
        c = torch.where(live, c2, c)
    return h


def forward(cfg, p, strokes, lengths, eps, kl_weight, masks=None):
    cond, ec, dc, He, Hd, Nz, M = cfg[:7]
    Nh, E = hyper_sizes(cfg)
    S = Hd + Nh
    B, T1, _ = strokes.shape
    T = T1 - 1
    res = {}
    if cond:
        xs = strokes[:, 1:]
        rev = torch.zeros_like(xs)
        for b in range(B):
            L = int(lengths[b])
            rev[b, :L] = torch.flip(xs[b, :L], dims=[0])
        hf = encoder_dir(p, "enc_fw", ec, xs, lengths, He, masks)
        hb = encoder_dir(p, "enc_bw", ec, rev, lengths, He, masks)
        hcat = torch.cat([hf, hb], dim=1)
        mu = hcat @ p["mu_w"] + p["mu_b"]
        sh = hcat @ p["sigma_w"] + p["sigma_b"]
        z = mu + torch.exp(sh / 2) * eps
        st = torch.tanh(z @ p["init_w"] + p["init_b"])
        if dc == LSTM:
            c, h = st[:, :S], st[:, S:]
        else:  # layer norm [h, c]; hyper [h, h^, c, c^]
            h, c = st[:, :S], st[:, S:]
        res["mu"], res["sigma_hat"] = mu, sh
    else:
        h = torch.zeros(B, S)
        c = torch.zeros(B, S)
    ys, hs, cs = [], [], []
    for t in range(T):
        x = strokes[:, t]
        if cond:
            x = torch.cat([x, z], dim=1)
        mask = masks["dec"][t] if masks else None
        if dc == HYPER:
            h, c = hyper_step(p, x, h, c, Hd, E, mask)
        else:
            h, c = cell_step(p, "dec", dc, x, h, c, mask)
        hs.append(h)
        cs.append(c)
        ys.append(h[:, :Hd] @ p["out_w"] + p["out_b"])
    y = torch.stack(ys)  # [T, B, 6M+3]
    res["y"] = y
    res["state_h"], res["state_c"] = torch.stack(hs), torch.stack(cs)
    tgt = strokes[:, 1:].transpose(0, 1)  # [T, B, 5]
    pen_logits = y[..., :3]
    pi = torch.softmax(y[..., 3:3 + M], dim=-1)
    mx, my = y[..., 3 + M:3 + 2 * M], y[..., 3 + 2 * M:3 + 3 * M]
    sx = torch.exp(y[..., 3 + 3 * M:3 + 4 * M])
    sy = torch.exp(y[..., 3 + 4 * M:3 + 5 * M])
    rho = torch.tanh(y[..., 3 + 5 * M:3 + 6 * M])
    dx, dy = tgt[..., 0:1], tgt[..., 1:2]
    zx, zy = (dx - mx) / sx, (dy - my) / sy
    Z = zx ** 2 + zy ** 2 - 2 * rho * zx * zy
    om = 1 - rho ** 2
    N = torch.exp(-Z / (2 * om)) / (2 * torch.pi * sx * sy * torch.sqrt(om))
    ls = -torch.log((pi * N).sum(-1) + 1e-6) * (1 - tgt[..., 4])
    lp = -(tgt[..., 2:] * torch.log_softmax(pen_logits, dim=-1)).sum(-1)
    res["ls"] = ls.sum() / (B * T)
    res["lp"] = lp.sum() / (B * T)
    cost = res["ls"] + res["lp"]
    if cond:
        kl = -0.5 * torch.mean(1 + sh - mu ** 2 - torch.exp(sh))
        kl_c = torch.maximum(kl, torch.tensor(KL_TOL))
        res["kl"], res["kl_c"] = kl, kl_c
        cost = cost + kl_weight * kl_c
    else:
        res["kl"] = res["kl_c"] = torch.tensor(0.0)
    res["cost"] = cost
    return res


def lr_at(step):
    return (1e-3 - 1e-5) * 0.9999 ** step + 1e-5


def kl_weight_at(step):
    return 0.5 - (0.5 - 0.01) * 0.99995 ** step


def make_batch(gen, B, T, lengths):
    s = torch.zeros(B, T + 1, 5)
    for b in range(B):
        s[b, 0, 2] = 1
        for t in range(1, T + 1):
            if t > lengths[b]:
                s[b, t, 4] = 1
                continue
            s[b, t, 0:2] = torch.randn(2, generator=gen) * 0.8
            up = bool(torch.rand(1, generator=gen) < 0.25)
            s[b, t, 3 if up else 2] = 1
    return s


def build(cfg, seed, keep=1.0):
    cond, ec, dc, He, Hd, Nz, M = cfg[:7]
    B, T = 3, 12
    gen = torch.Generator().manual_seed(seed)
    lengths = torch.tensor([12, 7, 3])
    strokes = f32(make_batch(gen, B, T, lengths.tolist()))
    eps = f32(torch.randn(B, Nz, generator=gen))
    params = {}
    for name, shape in param_table(cfg):
        v = torch.randn(*shape, generator=gen) * 0.3
        if name.endswith("_g") or name == "dec_zw_b":
            v = v + 1
        params[name] = f32(v)
    tensors = [("config", torch.tensor(list(cfg[:7]) + [B, T] +
                                      list(cfg[7:]), dtype=torch.float64)),
               ("input.strokes", strokes),
               ("input.lengths", lengths.double()),
               ("input.eps", eps)]
    tensors += [("param." + n, params[n]) for n, _ in param_table(cfg)]
    masks = None
    if keep < 1:
        masks = {}
        for pre, H in (("enc_fw", He), ("enc_bw", He), ("dec", Hd)):
            keepers = torch.rand(T, B, H, generator=gen) < keep
            masks[pre] = f32(keepers.double() / keep)
            tensors.append(("mask." + pre, masks[pre]))

    p = {n: v.clone().requires_grad_(True) for n, v in params.items()}
    res = forward(cfg, p, strokes, lengths, eps, kl_weight_at(0), masks)
    res["cost"].backward()
    if cond:
        tensors += [("out.mu", res["mu"].detach()),
                    ("out.sigma_hat", res["sigma_hat"].detach())]
    tensors.append(("out.y", res["y"].detach()))
    if dc == HYPER:
        tensors += [("out.state_h", res["state_h"].detach()),
                    ("out.state_c", res["state_c"].detach())]
    tensors.append(("out.loss", torch.stack(
        [res["ls"], res["lp"], res["kl"], res["kl_c"],
         res["cost"]]).detach()))
    tensors += [("grad." + n, p[n].grad.detach())
                for n, _ in param_table(cfg)]

    # Five TF-style Adam steps with element-wise clipping.
    q = {n: v.clone() for n, v in params.items()}
    m = {n: torch.zeros_like(v) for n, v in params.items()}
    v2 = {n: torch.zeros_like(v) for n, v in params.items()}
    losses = []
    for step in range(5):
        pp = {n: v.clone().requires_grad_(True) for n, v in q.items()}
        r = forward(cfg, pp, strokes, lengths, eps, kl_weight_at(step),
                    masks)
        r["cost"].backward()
        losses.append(float(r["cost"]))
        t = step + 1
        lrt = lr_at(step) * (1 - 0.999 ** t) ** 0.5 / (1 - 0.9 ** t)
        with torch.no_grad():
            for n in q:
                g = torch.clamp(pp[n].grad, -1.0, 1.0)
                m[n] = 0.9 * m[n] + 0.1 * g
                v2[n] = 0.999 * v2[n] + 0.001 * g * g
                q[n] = q[n] - lrt * m[n] / (torch.sqrt(v2[n]) + 1e-8)
    tensors.append(("adam.losses", torch.tensor(losses)))
    tensors += [("adam.param." + n, q[n]) for n, _ in param_table(cfg)]
    print("config %s: cost %.6f KL %.4f, adam losses %s" %
          (cfg, float(res["cost"]), float(res["kl"]),
           " ".join("%.6f" % x for x in losses)))
    return tensors


def write(path, tensors):
    with open(path, "wb") as f:
        f.write(b"SKTF")
        f.write(struct.pack("<II", 1, len(tensors)))
        for name, t in tensors:
            nb = name.encode("ascii")
            f.write(struct.pack("<I", len(nb)))
            f.write(nb)
            f.write(struct.pack("<I", t.dim()))
            f.write(struct.pack("<%dI" % t.dim(), *t.shape))
            data = t.detach().reshape(-1).float().tolist()
            f.write(struct.pack("<%df" % len(data), *data))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.abspath(__file__))
    configs = {
        "lstm": ((1, LSTM, LSTM, 8, 16, 4, 3), 1, 1.0),
        "layer_norm": ((1, LAYER_NORM, LAYER_NORM, 8, 16, 4, 3), 2, 1.0),
        "decoder_only": ((0, LSTM, LSTM, 8, 16, 4, 3), 3, 1.0),
        "dropout": ((1, LSTM, LAYER_NORM, 8, 16, 4, 3), 4, 0.75),
        "hyper": ((1, LSTM, HYPER, 8, 16, 4, 3, 8, 4), 5, 0.75),
    }
    for name, (cfg, seed, keep) in configs.items():
        write(os.path.join(out, "fixture_%s.bin" % name),
              build(cfg, seed, keep))


if __name__ == "__main__":
    main()
