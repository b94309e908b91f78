"""Golden checkpoint file, format v1, written independently of the Java writer from the description in
core-simd/docs/checkpoint-format.md (and the checkpoint package Javadoc).

Run: /usr/bin/python3 core-simd/src/test/python/checkpoint_golden.py   (from the repository root)
Writes core-simd/src/test/resources/checkpoint/golden-v1.pxck. CheckpointGoldenTest decodes it, compares every
field with the values below, and checks that the Java writer reproduces it byte for byte.
"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "checkpoint")


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def s(text):
    b = text.encode("utf-8")
    return struct.pack("<I", len(b)) + b


def section(tag, body):
    return tag.encode("ascii") + struct.pack("<q", len(body)) + body + struct.pack("<I", crc32c(body))


def f32(values):
    return struct.pack("<%df" % len(values), *values)


def main():
    meta = {"kafka.frames.0": "1042", "kafka.frames.1": "977", "model": "tiny", "note": "Gr\u00fc\u00dfe \u2713"}
    body = struct.pack("<I", len(meta))
    for k in sorted(meta):
        body += s(k) + s(meta[k])
    out = b"\x89PXCKPT\n" + struct.pack("<IIq", 1, 0, 42)
    out += section("META", body)

    params = [("0.weight", [2, 1, 1, 3], [0.5, -1.25, 2.0, 0.125, -0.0, 3.0]),
              ("0.bias", [2], [0.25, -0.75])]
    body = struct.pack("<I", len(params))
    for name, shape, values in params:
        body += s(name) + struct.pack("<I", len(shape)) + struct.pack("<%dI" % len(shape), *shape) + f32(values)
    out += section("PARM", body)

    state = [("exp_avg", [0.1 * i for i in range(8)]), ("exp_avg_sq", [0.01 * i * i for i in range(8)])]
    body = s("adam") + struct.pack("<q", 7) + struct.pack("<I", len(state))
    for name, values in state:
        body += s(name) + struct.pack("<I", len(values)) + f32(values)
    out += section("OPTM", body)

    body = struct.pack("<I", 3)
    body += s("norm.mean") + struct.pack("<BI", 2, 3) + struct.pack("<3d", 0.485, 0.456, 0.406)
    body += s("norm.count") + struct.pack("<BI", 3, 2) + struct.pack("<2q", 123456789012, -5)
    body += s("norm.scale") + struct.pack("<BI", 1, 1) + f32([1.5])
    out += section("ARRS", body)

    out += b"END."
    out += struct.pack("<I", crc32c(out))
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "golden-v1.pxck"), "wb") as f:
        f.write(out)


if __name__ == "__main__":
    main()
