#!/usr/bin/python3
"""replay.py: re-derive each sampled-sketch fixture (NAME.sample.bin) from
the model file and the draws recorded in it, following the protocol that
README.md documents, in float64 numpy written independently of both
@magenta/sketch and sketchrnn's C code.  It shows that the README says
everything a sampler needs to reproduce Magenta's strokes; it is a check of
the documentation, not part of the test suite (the C comparison belongs to
decode's tests).

Usage: /usr/bin/python3 tests/magenta/replay.py [name ...]
       (run from the repository root; default: every fixture)

Prints per model the rows, the mixture/pen choices that differ (expected 0)
and the largest offset difference in model units.  Exit status 1 if a
choice differs or a file is malformed.
"""
import base64
import glob
import json
import os
import struct
import sys

import numpy as np

FIX = "tests/magenta/fixtures"
MODELS = "data/models"


def read_sample(path):
    b = open(path, "rb").read()
    if b[:4] != b"SJSA" or struct.unpack_from("<I", b, 4)[0] != 1:
        raise ValueError(path + ": not a sample fixture")
    n, nd, seed = struct.unpack_from("<IIQ", b, 8)
    tau, taud, sf, pf = struct.unpack_from("<4d", b, 24)
    cap = struct.unpack_from("<I", b, 56)[0]
    rows = [struct.unpack_from("<Iiiddff", b, 60 + 36 * i)
            for i in range(n)]
    off = 60 + 36 * n
    draws = struct.unpack_from("<%dd" % nd, b, off)
    if off + 8 * nd != len(b):
        raise ValueError(path + ": bad length")
    return dict(seed=seed, tau=tau, taud=taud, sf=sf, pf=pf, cap=cap), \
        rows, draws


def read_model(path):
    info, shapes, blobs = json.load(open(path))
    w = []
    for s, blob in zip(shapes, blobs):
        q = np.frombuffer(base64.b64decode(blob), "<i2").astype(np.float64)
        w.append((10.0 * q / 32767.0).astype(np.float32)
                 .astype(np.float64).reshape(s))
    return info, w


def softmax(v):
    e = np.exp(v - v.max())
    return e / e.sum()


def first_reaching(p, u):
    """sampleSoftmax: the first index whose running sum reaches u."""
    acc = 0.0
    for i, v in enumerate(p):
        acc += float(np.float32(v))
        if acc >= u:
            return i
    return -1


def replay(name):
    hdr, rows, draws = read_sample(os.path.join(FIX, name + ".sample.bin"))
    info, (wo, bo, wx, wh, b) = read_model(
        os.path.join(MODELS, name + ".gen.json"))
    H, M = wh.shape[0], (wo.shape[1] - 3) // 6
    s = hdr["sf"] / hdr["pf"]
    h, c = np.zeros(H), np.zeros(H)
    x = np.array([0, 0, 1, 0, 0], dtype=np.float64)
    at, bad, worst = 0, 0, 0.0
    for used, k_ref, pen_ref, dx_ref, dy_ref, fx, fy in rows:
        a = x @ wx + h @ wh + b
        i, j, f, o = a[:H], a[H:2 * H], a[2 * H:3 * H], a[3 * H:]
        c = 1 / (1 + np.exp(-i)) * np.tanh(j) + c / (1 + np.exp(-(f + 1)))
        h = np.tanh(c) / (1 + np.exp(-o))
        y = h @ wo + bo
        pen = softmax(y[:3] / hdr["taud"])
        pi = softmax(y[3:3 + M] / hdr["taud"])
        mux, muy = y[3 + M:3 + 2 * M], y[3 + 2 * M:3 + 3 * M]
        sx = np.exp(y[3 + 3 * M:3 + 4 * M]) * np.sqrt(hdr["tau"])
        sy = np.exp(y[3 + 4 * M:3 + 5 * M]) * np.sqrt(hdr["tau"])
        rho = np.tanh(y[3 + 5 * M:])
        u = draws[at:at + used]
        at += used
        k = first_reaching(pi, u[0])
        p = first_reaching(pen, u[1])
        U, V = 2 * u[-2] - 1, 2 * u[-1] - 1
        r = U * U + V * V
        z1, z2 = U * np.sqrt(-2 * np.log(r) / r), V * np.sqrt(-2 * np.log(r) / r)
        dx = np.sqrt(1 - rho[k] ** 2) * sx[k] * z1 + rho[k] * sx[k] * z2 \
            + mux[k]
        dy = sy[k] * z2 + muy[k]
        bad += (k != k_ref) + (p != pen_ref)
        worst = max(worst, abs(dx * s - dx_ref) / s, abs(dy * s - dy_ref) / s)
        # what the library feeds back: float32((dx * s) / s)
        x = np.array([fx, fy, p == 0, p == 1, p == 2], dtype=np.float64)
    print("%s: %d rows, %d draws, %d choices differ, worst offset "
          "difference %.3g model units" % (name, len(rows), at, bad, worst))
    return bad == 0 and at == len(draws)


def main():
    names = sys.argv[1:] or sorted(
        os.path.basename(p)[:-len(".sample.bin")]
        for p in glob.glob(os.path.join(FIX, "*.sample.bin")))
    ok = all([replay(n) for n in names])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
