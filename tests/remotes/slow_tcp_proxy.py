#!/usr/bin/env python3
"""A slow TCP relay for tests: listens on 127.0.0.1 (a free port, written to
PORT_FILE once listening) and relays each connection to 127.0.0.1:TARGET,
the client-to-server direction at about RATE bytes per second, adding the
bytes relayed that way to COUNT_FILE, so a suite can interrupt an upload
after a known amount went through.

usage: slow_tcp_proxy.py PORT_FILE TARGET RATE COUNT_FILE
"""
import os, socket, sys, threading, time

port_file, target, rate, count_file = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
total = 0
lock = threading.Lock()


def record(n):
    global total
    with lock:
        total += n
        tmp = count_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(total))
        os.replace(tmp, count_file)


def upstream(client, server):
    chunk = max(rate // 20, 1)
    try:
        while True:
            data = client.recv(chunk)
            if not data:
                break
            server.sendall(data)
            record(len(data))
            time.sleep(len(data) / rate)
    except OSError:
        pass
    for s in (server, client):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def downstream(client, server):
    try:
        while True:
            data = server.recv(65536)
            if not data:
                break
            client.sendall(data)
    except OSError:
        pass
    try:
        client.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def serve(client):
    server = socket.create_connection(("127.0.0.1", target))
    threading.Thread(target=upstream, args=(client, server), daemon=True).start()
    downstream(client, server)


listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(16)
record(0)
with open(port_file + ".tmp", "w") as f:
    f.write(str(listener.getsockname()[1]))
os.replace(port_file + ".tmp", port_file)
while True:
    conn, _ = listener.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
