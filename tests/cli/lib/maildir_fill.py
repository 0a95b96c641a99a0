#!/usr/bin/python3
# Writes every message of an mbox as a file of a Maildir's cur/, in
# order (names sort as the messages came, so Dovecot numbers them in
# that order when it first looks), fast enough for 100,000 messages:
# one read of the mbox, one open/write/close per file.  ">From " lines
# are unescaped.  Usage: maildir_fill.py MBOX DIR [UID GID]
# With UID and GID the files belong to them (Dovecot's mail user).
import os
import sys

mbox, cur = sys.argv[1], sys.argv[2]
owner = (int(sys.argv[3]), int(sys.argv[4])) if len(sys.argv) > 4 else None
with open(mbox, "rb") as f:
    data = f.read()
if data.startswith(b"From "):
    data = b"\n" + data
parts = data.split(b"\nFrom ")[1:]
for n, part in enumerate(parts, 1):
    body = part[part.index(b"\n") + 1:] if b"\n" in part else b""
    body = body.replace(b"\n>From ", b"\nFrom ")
    if body.startswith(b">From "):
        body = body[1:]
    if not body.endswith(b"\n"):
        body += b"\n"
    name = os.path.join(cur, "1700000000.M%07dP1.rt:2," % n)
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, body)
    if owner is not None:
        os.fchown(fd, owner[0], owner[1])
    os.close(fd)
