#!/usr/bin/python3
# A TCP relay on loopback that slows the server-to-client direction to
# RATE bytes per second, so a test can cut a sync in the middle of a
# FETCH stream at a moment of its choosing.  Bytes pass unchanged (TLS
# goes through end to end).  Usage: slowproxy.py TARGET_PORT RATE
# [PORT] Prints the port it listens on (PORT, or any free one), then
# serves until killed.
import socket
import sys
import threading
import time

target = int(sys.argv[1])
rate = int(sys.argv[2])


def pipe(src, dst, slow):
    try:
        while True:
            data = src.recv(4096 if slow else 65536)
            if not data:
                break
            dst.sendall(data)
            if slow:
                time.sleep(len(data) / rate)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def serve(client):
    try:
        server = socket.create_connection(("127.0.0.1", target))
    except OSError:
        client.close()
        return
    threading.Thread(target=pipe, args=(client, server, False), daemon=True).start()
    threading.Thread(target=pipe, args=(server, client, True), daemon=True).start()


ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", int(sys.argv[3]) if len(sys.argv) > 3 else 0))
ls.listen(16)
print(ls.getsockname()[1], flush=True)
while True:
    c, _ = ls.accept()
    serve(c)
