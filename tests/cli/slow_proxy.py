#!/usr/bin/env python3
"""A slow link for tests: an ssh ProxyCommand that relays stdin to HOST:PORT
and back, the client-to-server direction at about RATE bytes per second, so a
suite can interrupt an upload halfway.

usage: slow_proxy.py HOST PORT RATE
"""
import os, socket, sys, threading, time

host, port, rate = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
sock = socket.create_connection((host, port))


def upstream():
    chunk = max(rate // 20, 1)
    while True:
        data = os.read(0, chunk)
        if not data:
            sock.shutdown(socket.SHUT_WR)
            return
        sock.sendall(data)
        time.sleep(len(data) / rate)


threading.Thread(target=upstream, daemon=True).start()
while True:
    data = sock.recv(65536)
    if not data:
        break
    os.write(1, data)
