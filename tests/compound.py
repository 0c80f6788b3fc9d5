"""A compound file (the OLE2 container of .hwp and .doc) written here for tests: no program on this
machine writes one. Version 3, 512-byte sectors; every stream is padded to whole sectors and to the
4,096-byte cutoff, so no mini stream is needed."""

from __future__ import annotations

import struct

SECTOR = 512
CUTOFF = 4096
FREE, END, FAT, NONE = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _entry(name: str, kind: int, child: int = NONE, right: int = NONE, start: int = END, size: int = 0) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    out = encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1 if kind else 0)
    out += struct.pack("<III", NONE, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
    return out + struct.pack("<IQ", start, size)


def compound_file(streams: dict[str, bytes]) -> bytes:
    """The bytes of a compound file holding ``streams`` by path ("FileHeader", "BodyText/Section0")."""
    data = {path: body.ljust(max(CUTOFF, -(-len(body) // SECTOR) * SECTOR), b"\0") for path, body in streams.items()}
    storages = sorted({path.rsplit("/", 1)[0] for path in data if "/" in path})
    names = ["Root Entry", *storages, *data]  # directory ids: root 0, then storages, then streams
    ids = {name: i for i, name in enumerate(names)}
    n_dir = -(-len(names) // 4)
    stream_sectors = {path: len(body) // SECTOR for path, body in data.items()}
    n_fat = 1
    while n_fat * 128 < n_fat + n_dir + sum(stream_sectors.values()):
        n_fat += 1
    fat = [FAT] * n_fat
    first_dir = len(fat)
    fat += [*range(first_dir + 1, first_dir + n_dir), END]
    starts = {}
    for path, count in stream_sectors.items():
        starts[path] = len(fat)
        fat += [*range(len(fat) + 1, len(fat) + count), END]
    fat += [FREE] * (n_fat * 128 - len(fat))

    def children(parent: str) -> list[str]:
        return [n for n in names[1:] if (n.rsplit("/", 1)[0] if "/" in n else "") == parent]

    def chain(parent: str) -> dict[str, int]:  # each child's right sibling: the next child
        kids = children(parent)
        return {k: (ids[kids[i + 1]] if i + 1 < len(kids) else NONE) for i, k in enumerate(kids)}

    rights = {**chain(""), **{k: v for s in storages for k, v in chain(s).items()}}
    entries = [_entry("Root Entry", 5, child=ids[children("")[0]])]
    for storage in storages:
        entries.append(_entry(storage, 1, child=ids[children(storage)[0]], right=rights[storage]))
    for path, body in data.items():
        entries.append(_entry(path.rsplit("/", 1)[-1], 2, right=rights[path], start=starts[path], size=len(body)))
    while len(entries) % 4:
        entries.append(_entry("", 0))
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
    header += struct.pack("<IIIIIIIII", 0, n_fat, first_dir, 0, CUTOFF, END, 0, END, 0)
    header += struct.pack("<109I", *range(n_fat), *([FREE] * (109 - n_fat)))
    body = b"".join(struct.pack("<128I", *fat[i * 128 : (i + 1) * 128]) for i in range(n_fat))
    body += b"".join(entries)
    body += b"".join(data.values())
    return header + body
