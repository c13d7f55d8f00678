#!/usr/bin/python3
# tests/npz/make-tiny.py: write the small .npz/.npy fixtures in tests/npz/
# with Debian's numpy, the way users' own Python 3 code writes them, and
# tiny.txt, what "npz2stroke -n tiny FILE | stroke2txt" must print for each
# .npz (the .npy files hold train item 1 alone, key tiny:0).
#   tiny-p2.npz  pickle protocol 2 as Python 3 writes it (_codecs.encode)
#   tiny-p3.npz  np.savez (protocol 3, stored, zip64 extra fields)
#   tiny-p4.npz  protocol 4, deflated (np.savez_compressed layout)
#   tiny-p5.npz  protocol 5 (_frombuffer with in-band bytearrays)
#   tiny-p5-60.npz  protocol 5, 60 drawings (the three above, cycled) in
#                train, so that the reader's tables grow; tiny-p5-60.txt
#   tiny.npy     a plain int16 [n,3] array
#   tiny-f8be.npy  the same as big-endian float64 in Fortran order
import io
import os
import pickle
import zipfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def drawings():
    rows = [
        [[1, 2, 0], [-3, 4, 1]],
        [[32767, -32768, 0], [255, -129, 0], [128, 127, 1], [0, 0, 1]],
        [[-1, -1, 1]],
    ]
    a = np.empty(len(rows), dtype=object)
    for i, r in enumerate(rows):
        a[i] = np.array(r, dtype=np.int16)
    return {"train": a, "valid": np.empty(0, dtype=object), "test": a[2:]}


def npy_bytes(arr, protocol):
    f = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        f, np.lib.format.header_data_from_array_1_0(arr))
    pickle.dump(arr, f, protocol=protocol)
    return f.getvalue()


def write_zip(path, splits, protocol, method):
    with zipfile.ZipFile(path, "w", method) as z:
        for name, arr in splits.items():
            z.writestr(name + ".npy", npy_bytes(arr, protocol))


def text(splits):
    out = ["stroke version=1 normalized=0 scale=1"]
    for split in ("train", "valid", "test"):
        for i, a in enumerate(splits[split]):
            out.append('drawing key_id=tiny:%s:%d word="tiny" country=- '
                       'recognized=2 points=%d' % (split, i, len(a)))
            out += ["%.9g %.9g %d" % (float(x), float(y), p)
                    for x, y, p in a.tolist()]
    return "\n".join(out) + "\n"


def main():
    s = drawings()
    write_zip(os.path.join(HERE, "tiny-p2.npz"), s, 2, zipfile.ZIP_STORED)
    np.savez(os.path.join(HERE, "tiny-p3.npz"), **s)
    write_zip(os.path.join(HERE, "tiny-p4.npz"), s, 4, zipfile.ZIP_DEFLATED)
    write_zip(os.path.join(HERE, "tiny-p5.npz"), s, 5, zipfile.ZIP_STORED)
    many = np.empty(60, dtype=object)
    for i in range(60):
        many[i] = s["train"][i % 3]
    s60 = {"train": many, "valid": s["valid"], "test": s["test"]}
    write_zip(os.path.join(HERE, "tiny-p5-60.npz"), s60, 5,
              zipfile.ZIP_DEFLATED)
    with open(os.path.join(HERE, "tiny-p5-60.txt"), "w") as f:
        f.write(text(s60))
    one = s["train"][1]
    np.save(os.path.join(HERE, "tiny.npy"), one)
    np.save(os.path.join(HERE, "tiny-f8be.npy"),
            np.asfortranarray(one.astype(">f8")))
    with open(os.path.join(HERE, "tiny.txt"), "w") as f:
        f.write(text(s))
    for path in ("tiny-p2.npz", "tiny-p3.npz", "tiny-p4.npz", "tiny-p5.npz"):
        back = np.load(os.path.join(HERE, path), allow_pickle=True)
        assert text({k: back[k] for k in back.files}) == text(s), path


if __name__ == "__main__":
    main()
