#!/usr/bin/python3
# tests/npz/check-load.py OURS.npz THEIRS.npz: a development check, not run
# by the suite (it needs Debian's python3-numpy): np.load reads the archive
# stroke2npz wrote, without encoding="latin1" and with it, into the same
# structure and values as the published file.
#   npz2stroke aaron_sheep.npz | stroke2npz -z > ours.npz
#   /usr/bin/python3 tests/npz/check-load.py ours.npz aaron_sheep.npz
import sys

import numpy as np


def main(ours, theirs):
    ref = np.load(theirs, allow_pickle=True, encoding="latin1")
    for kwargs in ({}, {"encoding": "latin1"}):
        got = np.load(ours, allow_pickle=True, **kwargs)
        assert sorted(got.files) == sorted(ref.files), got.files
        for split in ref.files:
            a, b = got[split], ref[split]
            assert a.dtype == object and a.shape == b.shape, (split, a.shape)
            for i, (x, y) in enumerate(zip(a, b)):
                assert x.dtype == np.int16 and x.shape == y.shape, (split, i)
                assert (x == y).all(), (split, i)
    print("%s: %s equal to %s" % (ours, ", ".join(
        "%s %d" % (s, len(ref[s])) for s in ref.files), theirs))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: check-load.py OURS.npz THEIRS.npz")
    main(sys.argv[1], sys.argv[2])
