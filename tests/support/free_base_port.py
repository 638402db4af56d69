#!/usr/bin/env python3
"""Prints a base port B with B..B+2 and B+80..B+82 free on 127.0.0.1: the gRPC and HTTP
ports of the quickstart's three nodes, for tests that run it beside other work."""
import random
import socket
import sys

for _ in range(200):
    base = random.randrange(20000, 60000)
    socks = []
    try:
        for port in [base + i for i in range(3)] + [base + 80 + i for i in range(3)]:
            s = socket.socket()
            socks.append(s)
            s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        for s in socks:
            s.close()
    print(base)
    sys.exit(0)
sys.exit("no free ports")
