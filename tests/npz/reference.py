#!/usr/bin/python3
# tests/npz/reference.py: what numpy reads from the sketch-rnn .npz files,
# printed exactly as "npz2stroke -s SPLIT FILE | stroke2txt" prints it, and
# the cksum of that text per split (tests/npz/cksums.txt).  Needs Debian's
# python3-numpy; the test suite only compares against the committed sums.
#
#   /usr/bin/python3 tests/npz/reference.py FILE.npz SPLIT   print the text
#   /usr/bin/python3 tests/npz/reference.py -w DIR            rewrite cksums.txt
#                                                            from DIR/*.npz
import os
import subprocess
import sys

import numpy as np


def dump(path, split, out):
    name = os.path.basename(path)
    if name.endswith(".npz"):
        name = name[:-4]
    data = np.load(path, encoding="latin1", allow_pickle=True)[split]
    out.write("stroke version=1 normalized=0 scale=1\n")
    for i, a in enumerate(data):
        assert a.dtype == np.int16 and a.ndim == 2 and a.shape[1] == 3
        out.write('drawing key_id=%s:%s:%d word="%s" country=- '
                  'recognized=2 points=%d\n' % (name, split, i, name, len(a)))
        for dx, dy, p in a.tolist():
            out.write("%.9g %.9g %d\n" % (float(dx), float(dy), p))
    return len(data)


def write_sums(datadir):
    here = os.path.dirname(os.path.abspath(__file__))
    lines = []
    for name in ("aaron_sheep", "omniglot", "short_kanji"):
        path = os.path.join(datadir, name + ".npz")
        for split in ("train", "valid", "test"):
            r, w = os.pipe()
            proc = subprocess.Popen(["cksum"], stdin=r,
                                    stdout=subprocess.PIPE)
            os.close(r)
            with os.fdopen(w, "w") as f:
                n = dump(path, split, f)
            sums = proc.communicate()[0].decode().split()
            lines.append("%s %s %d %s %s\n" % (name, split, n, sums[0],
                                               sums[1]))
    with open(os.path.join(here, "cksums.txt"), "w") as f:
        f.write("# dataset split drawings cksum bytes "
                "(tests/npz/reference.py, numpy %s)\n" % np.__version__)
        f.writelines(lines)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "-w":
        write_sums(sys.argv[2])
    elif len(sys.argv) == 3:
        dump(sys.argv[1], sys.argv[2], sys.stdout)
    else:
        sys.exit("usage: reference.py FILE.npz SPLIT | reference.py -w DIR")
