"""python3 under python3.conf: usage: probe.py INPUT OUTPUT SECRET PORT

Upper-cases INPUT into OUTPUT (the current directory must be writable),
then reports whether SECRET (a file in the real home) can be read and
whether 127.0.0.1:PORT (a server on the host's loopback) can be reached.
"""
import socket
import sys

inp, out, secret, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
with open(inp, encoding="utf-8") as f:
    text = f.read()
with open(out, "w", encoding="utf-8") as f:
    f.write(text.upper())
print("words=%d" % len(text.split()))
try:
    with open(secret, encoding="utf-8") as f:
        f.read()
    print("secret=readable")
except OSError as e:
    print("secret=%s" % type(e).__name__)
try:
    socket.create_connection(("127.0.0.1", port), timeout=5).close()
    print("net=connected")
except OSError as e:
    print("net=%s" % type(e).__name__)
