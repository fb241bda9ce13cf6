#!/usr/bin/env python3
"""Re-encapsulates an Ethernet pcap as raw IP (101), Linux SLL (113), SLL2 (276)
and BSD loopback (0), and writes a big-endian copy, to test the link decoders
against real traffic. Usage: make_variants.py ../pcaps/enip/enip_test.pcap"""
import struct, sys, os

src = sys.argv[1]
base = os.path.splitext(os.path.basename(src))[0]
data = open(src, 'rb').read()
assert data[:4] == b'\xd4\xc3\xb2\xa1', 'little-endian microsecond pcap expected'
hdr = list(struct.unpack('<IHHiIII', data[:24]))
records = []
off = 24
while off + 16 <= len(data):
    s, us, incl, orig = struct.unpack('<IIII', data[off:off + 16])
    records.append((s, us, data[off + 16:off + 16 + incl], orig))
    off += 16 + incl

def write(name, linktype, frames, big=False):
    e = '>' if big else '<'
    out = struct.pack(e + 'IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype)
    for s, us, f, orig in frames:
        out += struct.pack(e + 'IIII', s, us, len(f), len(f)) + f
    open(name, 'wb').write(out)

def strip(f):
    """Ethernet header (and VLAN tags) removed: (ethertype, src mac, payload)."""
    et = struct.unpack('>H', f[12:14])[0]
    body = f[14:]
    while et in (0x8100, 0x88a8):
        et = struct.unpack('>H', body[2:4])[0]
        body = body[4:]
    return et, f[6:12], body

ip_only = [(s, us, strip(f), o) for s, us, f, o in records if strip(f)[0] in (0x0800, 0x86dd)]
write(f'{base}.raw.pcap', 101, [(s, us, b, o) for s, us, (et, m, b), o in ip_only])
write(f'{base}.null.pcap', 0, [(s, us, struct.pack('<I', 2 if et == 0x0800 else 24) + b, o) for s, us, (et, m, b), o in ip_only])
write(f'{base}.sll.pcap', 113, [(s, us, struct.pack('>HHH', 0, 1, 6) + m + b'\0\0' + struct.pack('>H', et) + b, o)
                                 for s, us, (et, m, b), o in [(s, us, strip(f), o) for s, us, f, o in records]])
write(f'{base}.sll2.pcap', 276, [(s, us, struct.pack('>HHIHBB', et, 0, 1, 1, 0, 6) + m + b'\0\0' + b, o)
                                  for s, us, (et, m, b), o in [(s, us, strip(f), o) for s, us, f, o in records]])
write(f'{base}.be.pcap', 1, [(s, us, f, o) for s, us, f, o in records], big=True)
