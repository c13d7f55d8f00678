#!/usr/bin/python3
"""rdp-variants.py: the double-precision model behind bench/rdp-notes.md.

Runs Google's simplification recipe, and variants of it that change one
step, on the raw Quick, Draw! drawings straight from the JSON coordinates,
and measures each against Google's simplified drawings (line i of
raw/C.raw.ndjson and simplified/C.simplified.ndjson is the same drawing).
By default it reads the bundled pairs, data/quickdraw and
data/quickdraw/extra (334 pairs, the 5 drawings the recipe misses among
them); bench/rdp-notes.md reports it on 7788 pairs of 341 categories.
Not a test: tests/test-rdp.sh checks rdp-simplify -g itself.  Needs numpy
(Debian's /usr/bin/python3).  About 3 minutes per variant over 7788 pairs.

usage: rdp-variants.py [-e N] [QUICKDRAW_DIR ...]   (-e N: every Nth pair only)
"""
import json
import os
import sys

import numpy as np

RECIPE = dict(scale="mul_div", size=255, resample="lerp", seglen="sqrt",
              dist="line", rounding="even", round_first=False)
VARIANTS = [
    ("the recipe", {}),
    ("segment length with hypot()", dict(seglen="hypot")),
    ("rounding halves up", dict(rounding="up")),
    ("interpolation a + t(b-a)", dict(resample="interp")),
    ("scale as (x - min) * (255 / extent)", dict(scale="factor")),
    ("no resampling", dict(resample="none")),
    ("round before resampling", dict(round_first=True)),
    ("scale to 256", dict(size=256)),
    ("RDP distance to the segment", dict(dist="segment")),
    ("keep the vertices among the samples", dict(resample="vertices")),
    ("split each segment evenly", dict(resample="even")),
]


def pairs(qd, every):
    sdir = os.path.join(qd, "simplified")
    out = []
    for name in sorted(os.listdir(sdir)):
        cat = name[: -len(".simplified.ndjson")]
        raw = os.path.join(qd, "raw", cat + ".raw.ndjson")
        if not os.path.exists(raw):
            continue
        rl = open(raw).read().split("\n")
        sl = open(os.path.join(sdir, name)).read().rstrip("\n").split("\n")
        for r, s in zip(rl, sl):
            r, s = json.loads(r), json.loads(s)
            assert r["key_id"] == s["key_id"]
            out.append(([np.array(t[:2], float).T for t in r["drawing"]],
                        [np.array(t, float).T for t in s["drawing"]]))
    return out[::every]


def resample(p, v):
    d = np.diff(p, axis=0)
    if v["seglen"] == "hypot":
        seg = np.hypot(d[:, 0], d[:, 1])
    else:
        seg = np.sqrt(d[:, 0] * d[:, 0] + d[:, 1] * d[:, 1])
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    if len(p) == 1 or cum[-1] == 0:
        return p[[0, -1]]
    if v["resample"] in ("interp", "vertices"):
        ts = np.arange(0, cum[-1], 1.0)
        ts = np.append(ts, cum[-1])
        if v["resample"] == "vertices":
            ts = np.unique(np.concatenate([ts, cum]))
        return np.stack([np.interp(ts, cum, p[:, 0]),
                         np.interp(ts, cum, p[:, 1])], 1)
    out = [p[0]]
    if v["resample"] == "even":
        for a, b, n in zip(p[:-1], p[1:], seg):
            k = max(1, int(np.ceil(n)))
            out += [a + (b - a) * j / k for j in range(1, k + 1)]
        return np.array(out)
    pos = 1.0
    for j in range(len(p) - 1):
        while seg[j] > 0 and pos <= cum[j + 1]:
            t = (pos - cum[j]) / seg[j]
            out.append(p[j] * (1 - t) + p[j + 1] * t)
            pos += 1.0
    if not np.array_equal(out[-1], p[-1]):
        out.append(p[-1])
    return np.array(out)


def rdp(p, eps, v):
    keep = np.zeros(len(p), bool)
    keep[[0, -1]] = True
    stack = [(0, len(p) - 1)]
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        q, d = p[a + 1: b] - p[a], p[b] - p[a]
        l2 = d @ d
        if l2 == 0:
            dd = np.hypot(q[:, 0], q[:, 1])
        elif v["dist"] == "segment":
            t = np.clip((q @ d) / l2, 0, 1)
            r = q - np.outer(t, d)
            dd = np.hypot(r[:, 0], r[:, 1])
        else:
            dd = np.abs(d[0] * q[:, 1] - d[1] * q[:, 0]) / np.sqrt(l2)
        k = int(np.argmax(dd))
        if dd[k] > eps:
            keep[a + 1 + k] = True
            stack += [(a, a + 1 + k), (a + 1 + k, b)]
    return p[keep]


def recipe(strokes, v):
    allp = np.concatenate(strokes)
    lo = allp.min(0)
    ext = (allp.max(0) - lo).max()
    rnd = np.round if v["rounding"] == "even" else lambda x: np.floor(x + 0.5)
    out = []
    for p in strokes:
        if ext > 0 and v["scale"] == "factor":
            p = (p - lo) * (v["size"] / ext)
        elif ext > 0:
            p = (p - lo) * v["size"] / ext
        else:
            p = p - lo
        if v["round_first"]:
            p = rnd(p)
        if v["resample"] != "none":
            p = resample(p, v)
        p = rnd(rdp(p, 2.0, v))
        out.append(np.vstack([p, p]) if len(p) == 1 else p)
    return out


def to_line(p, q):
    """distance from each point of p to the polyline q"""
    if len(q) == 1:
        return np.hypot(*(p - q[0]).T)
    a, d = q[:-1], q[1:] - q[:-1]
    l2 = (d * d).sum(1)
    w = p[:, None, :] - a[None]
    t = np.clip((w * d).sum(2) / np.where(l2 > 0, l2, 1), 0, 1)
    t = np.where(l2 > 0, t, 0)
    r = w - t[:, :, None] * d[None]
    return np.hypot(r[..., 0], r[..., 1]).min(1)


def measure(ps, v):
    same = exact = 0
    hs = []
    for raw, goog in ps:
        ours = recipe(raw, v)
        same += sum(map(len, ours)) == sum(map(len, goog))
        exact += all(len(a) == len(b) and np.array_equal(a, b)
                     for a, b in zip(ours, goog))
        hs.append(max(max(to_line(a, b).max(), to_line(b, a).max())
                      for a, b in zip(ours, goog)))
    n, hs = len(ps), np.array(hs)
    return "%.4f %.4f %.3f %.2f" % (same / n, exact / n, hs.mean(), hs.max())


def main():
    args = sys.argv[1:]
    every = 1
    if args[:1] == ["-e"]:
        every, args = int(args[1]), args[2:]
    here = os.path.dirname(os.path.abspath(__file__))
    top = os.path.join(here, "..", "data", "quickdraw")
    ps = [p for qd in (args or [top, os.path.join(top, "extra")])
          for p in pairs(qd, 1)][::every]
    print("%d pairs; columns: same point count, exact, Hausdorff mean, max"
          % len(ps))
    for name, change in VARIANTS:
        v = dict(RECIPE, **change)
        print("%-40s %s" % (name, measure(ps, v)), flush=True)


if __name__ == "__main__":
    main()
