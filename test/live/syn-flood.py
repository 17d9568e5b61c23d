#!/usr/bin/env python3
"""A bounded SYN flood for the live load test: COUNT TCP SYNs (RFC 9293 §3.1) to DST:PORT from random sources in
SOURCE_NET/16 and random ports, about RATE per second, through a raw IPv4 socket (IP_HDRINCL). Nothing answers them
when the sources are not routable from where they are sent. Needs root (CAP_NET_RAW). Stops by itself.

usage: syn-flood.py DST PORT COUNT RATE [SOURCE_NET=10.99]
"""
import random
import socket
import struct
import sys
import time


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def syn(src: str, dst: str, sport: int, dport: int, seq: int) -> bytes:
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, 0x02, 64240, 0, 0)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), random.getrandbits(16), 0, 64, socket.IPPROTO_TCP, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return ip + tcp


def main() -> None:
    dst, port, count, rate = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    net = sys.argv[5] if len(sys.argv) > 5 else "10.99"
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    start = time.monotonic()
    # every SYN from its own source address and port: two on one 4-tuple with different sequence numbers are a port
    # reused by a new connection (RFC 9293 §3.4), which ends the first one early — not what a flood of distinct
    # attempts is (20,000 random pairs collide in about one run in twenty)
    used = set()
    for i in range(count):
        while True:
            src, sport = f"{net}.{random.randint(0, 255)}.{random.randint(1, 254)}", random.randint(1024, 65535)
            if (src, sport) not in used:
                used.add((src, sport))
                break
        sock.sendto(syn(src, dst, sport, port, random.getrandbits(32)), (dst, 0))
        ahead = (i + 1) / rate - (time.monotonic() - start)
        if ahead > 0.001:
            time.sleep(ahead)
    print(f"sent {count} SYNs in {time.monotonic() - start:.1f} s", flush=True)


main()
