#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""trim.py - a small seed cut from a real recording (include/recording.h): the meta, format
and refresh blocks, the first SEEDS seed blocks, the first BLOCKS other blocks (ended on a
release boundary, with the realpath answers that follow it), then a final release and the end
block, every crc made right. Usage: trim.py IN OUT [BLOCKS [SEEDS]]."""
import struct
import sys
import zlib

META, FORMAT, SEED, RELEASE, REALPATH, REFRESH, END = 1, 2, 3, 7, 8, 9, 10


def blocks(data):
    off = 16
    while off + 12 <= len(data):
        btype, blen = struct.unpack_from("<II", data, off)
        yield btype, data[off + 12:off + 12 + blen]
        off += 12 + blen


def block(btype, payload):
    head = struct.pack("<II", btype, len(payload))
    return head + struct.pack("<I", zlib.crc32(payload, zlib.crc32(head)) & 0xffffffff) + payload


def main():
    src, dst = sys.argv[1], sys.argv[2]
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 150
    seeds = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    data = open(src, "rb").read()
    out = [data[:16]]
    kept = nseed = 0
    closing = False
    for btype, payload in blocks(data):
        if btype == END:
            break
        if btype in (META, FORMAT, REFRESH):
            out.append(block(btype, payload))
        elif btype == SEED:
            if nseed < seeds:
                out.append(block(btype, payload))
            nseed += 1
        elif closing:
            if btype != REALPATH:
                break
            out.append(block(btype, payload))
        else:
            # past the limit, go on to the next release: its answers come right after it
            out.append(block(btype, payload))
            kept += 1
            closing = kept >= limit and btype == RELEASE
    out.append(block(RELEASE, b"\x01"))
    out.append(block(END, b""))
    open(dst, "wb").write(b"".join(out))


if __name__ == "__main__":
    main()
