"""tools/elfsec.py: the section headers of an ELF file (either width and
byte order), for the build's own checks: no cross binutils needed."""
import struct


def sections(path):
    """(name, address, size) of each section of the ELF file at path."""
    data = open(path, "rb").read()
    if data[:4] != b"\x7fELF":
        raise SystemExit("%s is not an ELF file" % path)
    wide, order = data[4] == 2, "<" if data[5] == 1 else ">"
    if wide:
        shoff, = struct.unpack_from(order + "Q", data, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from(order + "HHH", data, 0x3A)
        head = order + "IIQQQQ"
    else:
        shoff, = struct.unpack_from(order + "I", data, 0x20)
        shentsize, shnum, shstrndx = struct.unpack_from(order + "HHH", data, 0x2E)
        head = order + "IIIIII"
    heads = [struct.unpack_from(head, data, shoff + i * shentsize)
             for i in range(shnum)]
    strings = heads[shstrndx][4]
    for name, _, _, addr, _, size in heads:
        end = data.index(b"\0", strings + name)
        yield data[strings + name:end].decode(), addr, size
