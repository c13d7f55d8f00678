#!/usr/bin/env python3
"""Baselines for bench/ndjson.sh: read Quick, Draw! ndjson line by line
with json.loads, the way most sketch-rnn tooling does.

  ndjson_baseline.py parse FILE     json.loads every line, nothing else
  ndjson_baseline.py convert FILE   json.loads, then the same work as
                                    ndjson2stroke: stroke-3 offsets packed
                                    as little-endian records to stdout
"""
import json
import struct
import sys


def convert(path, out):
    n = 0
    pack = struct.Struct("<ffB").pack
    for line in open(path, encoding="utf-8"):
        d = json.loads(line)
        rec = [b"D"]
        for text in (d["key_id"], d["word"]):
            b = text.encode()
            rec.append(bytes([len(b)]) + b)
        rec.append(d.get("countrycode", "").encode()[:2].ljust(2, b"\0"))
        rec.append(bytes([1 if d.get("recognized") else 0]))
        pts = []
        px = py = 0.0
        for stroke in d["drawing"]:
            xs, ys = stroke[0], stroke[1]
            last = len(xs) - 1
            for i, (x, y) in enumerate(zip(xs, ys)):
                pts.append(pack(x - px, y - py, 1 if i == last else 0))
                px, py = x, y
        rec.append(struct.pack("<I", len(pts)))
        rec.extend(pts)
        out.write(b"".join(rec))
        n += 1
    return n


def parse(path):
    n = 0
    for line in open(path, encoding="utf-8"):
        json.loads(line)
        n += 1
    return n


if __name__ == "__main__":
    if sys.argv[1] == "parse":
        print(parse(sys.argv[2]), file=sys.stderr)
    else:
        print(convert(sys.argv[2], sys.stdout.buffer), file=sys.stderr)
