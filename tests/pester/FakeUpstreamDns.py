#!/usr/bin/env python3
"""The network tests' fake upstream DNS server (in the fake upstream netns, never the host's):
answers A queries for the names given as NAME=IP, NXDOMAIN for every other name. UDP only.
With --log=PATH it appends every query's name to PATH as it arrives (the leak tests read it)."""
import socket
import struct
import sys

log = next((a[len('--log='):] for a in sys.argv[1:] if a.startswith('--log=')), None)
args = [a for a in sys.argv[1:] if not a.startswith('--log=')]
address = args[0]
records = dict(arg.split('=', 1) for arg in args[1:])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((address, 53))
while True:
    data, peer = s.recvfrom(4096)
    if len(data) < 17:
        continue
    qid, = struct.unpack('>H', data[:2])
    i, labels = 12, []
    while i < len(data) and data[i]:
        labels.append(data[i + 1:i + 1 + data[i]].decode('ascii', 'replace'))
        i += data[i] + 1
    qtype, = struct.unpack('>H', data[i + 1:i + 3])
    question = data[12:i + 5]
    if log:
        with open(log, 'a') as f:
            f.write('.'.join(labels).lower() + '\n')
    ip = records.get('.'.join(labels).lower())
    answers = b''
    if ip and qtype == 1:
        answers = b'\xc0\x0c' + struct.pack('>HHIH', 1, 1, 60, 4) + socket.inet_aton(ip)
    rcode = 0 if ip else 3
    header = struct.pack('>HHHHHH', qid, 0x8180 | rcode, 1, 1 if answers else 0, 0, 0)
    s.sendto(header + question + answers, peer)
