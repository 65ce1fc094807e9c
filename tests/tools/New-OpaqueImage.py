#!/usr/bin/env python3
"""A docker save archive of two hand-built layers, everything root-owned (tarfile needs no privilege):
layer 1 is ROOTFS plus etc/foo/{old1,old2,sub/deep} and etc/keep; layer 2 replaces etc/foo (an OCI opaque
marker, etc/foo/.wh..wh..opq, then etc/foo/new) and deletes etc/keep (etc/.wh.keep).
Usage: New-OpaqueImage.py ROOTFS OUT.tar"""
import hashlib, io, json, os, sys, tarfile

rootfs, out = sys.argv[1], sys.argv[2]

def root(i):
    i.uid = i.gid = 0; i.uname = i.gname = 'root'; return i

def add(t, name, body=None, kind='file'):
    i = tarfile.TarInfo(name); i.mode = 0o755 if kind == 'dir' else 0o644; i.mtime = 1700000000
    if kind == 'dir': i.type = tarfile.DIRTYPE; t.addfile(i)
    else: i.size = len(body); t.addfile(i, io.BytesIO(body))

def layer(fill):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w', format=tarfile.PAX_FORMAT) as t: fill(t)
    return buf.getvalue()

def base(t):
    t.add(rootfs, arcname='.', filter=root)
    add(t, 'etc/foo', kind='dir'); add(t, 'etc/foo/sub', kind='dir')
    for n in ('old1', 'old2', 'sub/deep'): add(t, 'etc/foo/' + n, b'old\n')
    add(t, 'etc/keep', b'keep\n')

def replace(t):
    add(t, 'etc', kind='dir'); add(t, 'etc/foo', kind='dir')
    add(t, 'etc/foo/.wh..wh..opq', b'')
    add(t, 'etc/foo/new', b'new\n')
    add(t, 'etc/.wh.keep', b'')

layers = [layer(base), layer(replace)]
ids = ['sha256:' + hashlib.sha256(l).hexdigest() for l in layers]
config = json.dumps({'architecture': {'x86_64': 'amd64', 'aarch64': 'arm64'}.get(os.uname().machine, os.uname().machine), 'os': 'linux', 'config': {'Cmd': ['sh']},
                     'rootfs': {'type': 'layers', 'diff_ids': ids}}).encode()
manifest = json.dumps([{'Config': 'config.json', 'RepoTags': None, 'Layers': ['l1.tar', 'l2.tar']}]).encode()
with tarfile.open(out, 'w') as t:
    for name, data in (('l1.tar', layers[0]), ('l2.tar', layers[1]), ('config.json', config), ('manifest.json', manifest)):
        add(t, name, data)
