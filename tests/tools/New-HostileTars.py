#!/usr/bin/env python3
"""Writes the crafted archives of the hostile-input suite (tests/pester/Images.Tests.ps1) into DIR.
Usage: New-HostileTars.py DIR SENTINEL  (SENTINEL: an absolute host directory no import may touch)."""
import io, os, sys, tarfile

out, sentinel = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)

def add(t, name, data=b"x", **kw):
    ti = tarfile.TarInfo(name)
    for k, v in kw.items():
        setattr(ti, k, v)
    if ti.type in (tarfile.REGTYPE, tarfile.AREGTYPE):
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
    else:
        t.addfile(ti)

def archive(name, entries, fmt=tarfile.PAX_FORMAT):
    with tarfile.open(os.path.join(out, name), "w", format=fmt) as t:
        add(t, "bin", type=tarfile.DIRTYPE, mode=0o755)
        for e in entries:
            add(t, **e)

# Refused
archive("dotdot.tar", [dict(name="../../escaped-dotdot")])
archive("dotdot-inner.tar", [dict(name="bin/../../escaped-inner")])
archive("hardlink-out.tar", [dict(name="hl", type=tarfile.LNKTYPE, linkname="../../etc/passwd")])
archive("hardlink-missing.tar", [dict(name="hl", type=tarfile.LNKTYPE, linkname="/etc/shadow")])
archive("hardlink-via-symlink.tar", [dict(name="root", type=tarfile.SYMTYPE, linkname="/"),
                                     dict(name="hl", type=tarfile.LNKTYPE, linkname="root/etc/passwd")])
archive("long-name.tar", [dict(name="bin/" + "a" * 300)])
archive("whiteout-dotdot.tar", [dict(name="bin/.wh..")])
archive("absolute.tar", [dict(name="/abs-file", data=b"abs\n")])
archive("symlink-dangling.tar", [dict(name="evil", type=tarfile.SYMTYPE, linkname=sentinel),
                                 dict(name="evil/pwned", data=b"pwned\n")])

# Confined (they import; nothing lands outside the layer)
archive("symlink-write.tar", [dict(name="tmp", type=tarfile.DIRTYPE, mode=0o1777),
                              dict(name="evil", type=tarfile.SYMTYPE, linkname="/tmp"),
                              dict(name="evil/pwned-" + os.path.basename(sentinel), data=b"pwned\n"),
                              dict(name="up", type=tarfile.SYMTYPE, linkname="../../../../../../.."),
                              dict(name="up/tmp/pwned-up-" + os.path.basename(sentinel), data=b"pwned\n")])
archive("devices.tar", [dict(name="stuff", type=tarfile.DIRTYPE, mode=0o755),
                        dict(name="stuff/sda", type=tarfile.BLKTYPE, devmajor=8, devminor=0),
                        dict(name="stuff/mem", type=tarfile.CHRTYPE, devmajor=1, devminor=1),
                        dict(name="stuff/ok", data=b"ok\n")])

# Preserved: setuid, owners, hardlinks within the layer, security.capability (cap_net_raw, v2)
cap = bytes([1, 0, 0, 2, 0, 0x20, 0, 0] + [0] * 12)  # VFS_CAP_REVISION_2 | effective; permitted = cap_net_raw
with tarfile.open(os.path.join(out, "preserve.tar"), "w", format=tarfile.PAX_FORMAT) as t:
    add(t, "opt", type=tarfile.DIRTYPE, mode=0o750, uid=1234, gid=5678)
    add(t, "opt/suid", data=b"#!/bin/sh\n", mode=0o4755)
    add(t, "opt/owned", data=b"owned\n", mode=0o640, uid=1234, gid=5678)
    add(t, "opt/first", data=b"same\n", mode=0o644)
    add(t, "opt/second", type=tarfile.LNKTYPE, linkname="opt/first")
    ti = tarfile.TarInfo("opt/pinger")
    ti.size, ti.mode = 4, 0o755
    ti.pax_headers = {"SCHILY.xattr.security.capability": cap.decode("utf-8"), "SCHILY.xattr.user.evil": "x",
                      "SCHILY.xattr.trusted.overlay.opaque": "y"}
    t.addfile(ti, io.BytesIO(b"ping"))

# Broken input
good = os.path.join(out, "good.tar")
archive("good.tar", [dict(name="bin/file", data=os.urandom(5000))])
data = open(good, "rb").read()
open(os.path.join(out, "truncated-mid.tar"), "wb").write(data[:2048 + 700])
open(os.path.join(out, "truncated-boundary.tar"), "wb").write(data[:1024 + 5120])  # headers + padded data, no end marker
import gzip
gz = gzip.compress(data)
open(os.path.join(out, "truncated.tar.gz"), "wb").write(gz[: len(gz) // 2])
open(os.path.join(out, "not-a-tar.tar"), "wb").write(os.urandom(4096))
open(os.path.join(out, "text.tar"), "w").write("this is not a tar archive\n" * 50)
open(os.path.join(out, "empty.tar"), "wb").write(b"")
