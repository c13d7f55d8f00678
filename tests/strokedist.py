#!/usr/bin/python3
"""strokedist.py: strokedist(1)'s distance written again from its man
page, for tests/test-strokedist.sh.

usage: strokedist.py [-T] [-m] -k K first.txt second.txt got.csv

first.txt and second.txt are `stroke2txt -a` of the two streams; got.csv
is what `strokedist -a -k K` (or -a -m) wrote.  Exits 1 if a number
differs by more than 1e-6 relative."""
import argparse
import csv
import math
import sys


def drawings(path):
    """[[(x, y, pen), ...], ...] from stroke2txt -a output."""
    out = []
    for line in open(path):
        if line.startswith("stroke"):
            continue
        if line.startswith("drawing"):
            out.append([])
            continue
        x, y, pen = line.split()
        out[-1].append((float(x), float(y), int(pen)))
    return out


def resample(d, k):
    segs = [(d[i - 1], d[i]) for i in range(1, len(d)) if d[i - 1][2] == 0]
    total = sum(math.dist(a[:2], b[:2]) for a, b in segs)
    if total == 0:
        return [d[j % len(d)][:2] for j in range(k)]
    pts, at, j = [], 0.0, 0
    for a, b in segs:
        seg = math.dist(a[:2], b[:2])
        while j < k and (j + 0.5) * total / k <= at + seg:
            t = ((j + 0.5) * total / k - at) / seg if seg > 0 else 0
            pts.append((a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])))
            j += 1
        at += seg
    while len(pts) < k:
        pts.append(pts[-1])
    return pts


def centred(p):
    mx = sum(x for x, _ in p) / len(p)
    my = sum(y for _, y in p) / len(p)
    return [(x - mx, y - my) for x, y in p]


def chamfer(a, b):
    def one(a, b):
        return sum(min(math.dist(p, q) for q in b) for p in a) / len(a)
    return 0.5 * (one(a, b) + one(b, a))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-T", action="store_true")
    ap.add_argument("-m", action="store_true")
    ap.add_argument("-k", type=int, required=True)
    ap.add_argument("first")
    ap.add_argument("second")
    ap.add_argument("got")
    o = ap.parse_args()
    shapes = []
    for path in (o.first, o.second):
        s = [resample(d, o.k) for d in drawings(path)]
        shapes.append(s if o.T else [centred(p) for p in s])
    a, b = shapes
    rows = []
    for i in range(len(a)):
        own = chamfer(a[i], b[i])
        others = [chamfer(a[i], b[j]) for j in range(len(b)) if j != i]
        farther = sum(1 if d > own else 0.5 if d == own else 0
                      for d in others) / len(others)
        rows.append([i, own, sum(others) / len(others), farther])
    if o.m:
        n = len(rows)
        rows = [[n] + [sum(r[c] for r in rows) / n for c in (1, 2, 3)]]
    got = list(csv.reader(open(o.got)))[1:]
    if len(got) != len(rows):
        sys.exit("%d rows, want %d" % (len(got), len(rows)))
    for want, row in zip(rows, got):
        nums = [float(row[0])] + [float(v) for v in row[-3:]]
        for w, g in zip(want, nums):
            if abs(w - g) > 1e-6 * (1 + abs(w)) + 5e-6 * abs(w):
                sys.exit("got %s, want %s" % (row, want))


if __name__ == "__main__":
    main()
