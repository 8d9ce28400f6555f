#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""fixcrc.py - rewrite the crc of every whole block of a recording (include/recording.h), so
that an input the fuzz harness found (it ignores crcs) replays through `tracewatch report`
the same way. Usage: fixcrc.py IN [OUT] (OUT defaults to IN). Bytes after the last whole
block, and a file without the header, are left as they are."""
import struct
import sys
import zlib

HEADER_LEN, BLOCK_HEADER_LEN = 16, 12


def fix(data):
    out = bytearray(data)
    off = HEADER_LEN
    while off + BLOCK_HEADER_LEN <= len(out):
        btype, blen = struct.unpack_from("<II", out, off)
        end = off + BLOCK_HEADER_LEN + blen
        if end > len(out):
            break
        crc = zlib.crc32(bytes(out[off:off + 8]))
        crc = zlib.crc32(bytes(out[off + BLOCK_HEADER_LEN:end]), crc)
        struct.pack_into("<I", out, off + 8, crc & 0xffffffff)
        off = end
    return bytes(out)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: fixcrc.py IN [OUT]")
    data = open(sys.argv[1], "rb").read()
    with open(sys.argv[-1], "wb") as f:
        f.write(fix(data))


if __name__ == "__main__":
    main()
