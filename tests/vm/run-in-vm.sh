#!/usr/bin/env bash
# run-in-vm.sh - run ONE command inside a throw-away Linux VM with pure cgroup v2.
#
#   tests/vm/run-in-vm.sh [--timeout SECONDS] [--mem MB] [--cpus N] [--env NAME[=VALUE]]...
#                         [--bind /tmp/PATH]... -- COMMAND [ARG]...
#
# The VM (qemu, TCG unless the CPU has vmx/svm) boots a Debian 6.1 kernel with
# cgroup v1 disabled, mounts the host's / read-only over 9p with a tmpfs overlay
# on top, switch_roots into it and runs COMMAND in the host's current directory,
# inside the cgroup /sys/fs/cgroup/stage/main. Its stdout/stderr are streamed to
# ours as they come; we exit with its status.
#
# Exit codes besides COMMAND's own: 124 timeout, 125 harness failure (qemu did
# not start, guest never reported a status, bad usage, missing dependency).
# See tests/vm/README.md.
set -uo pipefail

PROG=run-in-vm
die() { echo "$PROG: error: $*" >&2; exit 125; }
log() { [[ -n "${MINIDOCKER_VM_VERBOSE:-}" ]] && echo "$PROG: $*" >&2; return 0; }

usage() {
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit "${1:-125}"
}

TIMEOUT=${MINIDOCKER_VM_TIMEOUT:-900}
MEM=${MINIDOCKER_VM_MEM:-4096}
CPUS=${MINIDOCKER_VM_CPUS:-$(nproc)}
CACHE=${MINIDOCKER_VM_CACHE:-/var/cache/minidocker-vm}
ENV_PASS=()
BINDS=()

while (($#)); do
  case "$1" in
    --timeout) [[ $# -ge 2 ]] || usage; TIMEOUT=$2; shift 2 ;;
    --timeout=*) TIMEOUT=${1#*=}; shift ;;
    --mem) [[ $# -ge 2 ]] || usage; MEM=$2; shift 2 ;;
    --mem=*) MEM=${1#*=}; shift ;;
    --cpus) [[ $# -ge 2 ]] || usage; CPUS=$2; shift 2 ;;
    --cpus=*) CPUS=${1#*=}; shift ;;
    --env) [[ $# -ge 2 ]] || usage; ENV_PASS+=("$2"); shift 2 ;;
    --env=*) ENV_PASS+=("${1#*=}"); shift ;;
    --bind) [[ $# -ge 2 ]] || usage; BINDS+=("$2"); shift 2 ;;
    --bind=*) BINDS+=("${1#*=}"); shift ;;
    -h|--help) usage 0 ;;
    --) shift; break ;;
    *) echo "$PROG: unexpected argument '$1' (put the command after --)" >&2; usage ;;
  esac
done
(($#)) || { echo "$PROG: no command given" >&2; usage; }
[[ $TIMEOUT =~ ^[0-9]+$ && $TIMEOUT -gt 0 ]] || die "--timeout must be a positive integer (seconds)"
[[ $MEM =~ ^[0-9]+$ && $MEM -ge 256 ]] || die "--mem must be an integer >= 256 (MB)"
[[ $CPUS =~ ^[0-9]+$ && $CPUS -ge 1 ]] || die "--cpus must be a positive integer"
[[ $(id -u) -eq 0 ]] || die "must run as root (installs packages, writes $CACHE)"

# ---------------------------------------------------------------- dependencies
APT_UPDATED=
APTLOG=$(mktemp "${TMPDIR:-/tmp}/run-in-vm-apt.XXXXXX") || die "mktemp failed"
trap 'rm -f "$APTLOG"' EXIT
apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found; install $* by hand"
  if [[ -z $APT_UPDATED ]]; then
    echo "$PROG: apt-get update" >&2
    apt-get update -qq >"$APTLOG" 2>&1 || { cat "$APTLOG" >&2; die "apt-get update failed"; }
    APT_UPDATED=1
  fi
  echo "$PROG: installing $*" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >"$APTLOG" 2>&1 \
    || { tail -n 30 "$APTLOG" >&2; die "apt-get install $* failed"; }
}

need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
[[ "$(dpkg-query -W -f='${Status}' busybox-static 2>/dev/null)" == *"ok installed"* ]] || need+=(busybox-static)
PY=
for p in /usr/bin/python3 python3; do
  if command -v "$p" >/dev/null && "$p" -c 'import lzma' 2>/dev/null; then PY=$(command -v "$p"); break; fi
done
[[ -n $PY ]] || need+=(python3)
command -v flock >/dev/null || need+=(util-linux)
((${#need[@]})) && apt_install "${need[@]}"
[[ -n $PY ]] || PY=/usr/bin/python3
BUSYBOX=/bin/busybox
[[ -x $BUSYBOX ]] || die "$BUSYBOX missing after installing busybox-static"

# ---------------------------------------------------------------- kernel cache
mkdir -p "$CACHE" || die "cannot create cache dir $CACHE"
exec 9>"$CACHE/.lock"
flock 9 || die "cannot lock $CACHE/.lock"

KVER=${MINIDOCKER_VM_KERNEL:-}
if [[ -z $KVER ]]; then
  # Prefer what is already cached; only ask apt when nothing is.
  KVER=$(ls -1 "$CACHE" 2>/dev/null | sed -n 's/^kernel-\(6\.1\.0-[0-9]*-amd64\)$/\1/p' | sort -V | tail -1)
  [[ -n $KVER && -f $CACHE/kernel-$KVER/.complete ]] || KVER=
fi
if [[ -z $KVER ]]; then
  pick() { apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64$' 2>/dev/null \
             | awk '{print $1}' | sed 's/^linux-image-//' | sort -V | tail -1; }
  KVER=$(pick)
  if [[ -z $KVER ]]; then
    apt-get update -qq >"$APTLOG" 2>&1 || { cat "$APTLOG" >&2; die "apt-get update failed"; }; APT_UPDATED=1
    KVER=$(pick)
  fi
  [[ -n $KVER ]] || die "apt-cache offers no linux-image-6.1.0-*-amd64 package"
fi
KDIR=$CACHE/kernel-$KVER
if [[ ! -f $KDIR/.complete ]]; then
  echo "$PROG: fetching kernel linux-image-$KVER into $KDIR" >&2
  rm -rf "$KDIR" "$CACHE/dl"; mkdir -p "$CACHE/dl" "$KDIR"
  dl() { ( cd "$CACHE/dl" && apt-get download -q "linux-image-$KVER" ) >"$APTLOG" 2>&1; }
  dl || { [[ -z $APT_UPDATED ]] && apt-get update -qq >>"$APTLOG" 2>&1 && APT_UPDATED=1 && dl; } \
    || { tail -n 20 "$APTLOG" >&2; die "apt-get download linux-image-$KVER failed"; }
  dpkg -x "$CACHE"/dl/linux-image-"$KVER"_*.deb "$KDIR/root" || die "dpkg -x failed"
  rm -rf "$CACHE/dl"
  # The .deb ships no modules.dep.
  "$BUSYBOX" depmod -b "$KDIR/root" "$KVER" || die "busybox depmod failed"
  # Boot an ELF vmlinux directly (PVH entry): xz-decompressing inside TCG costs >1 s.
  "$PY" - "$KDIR/root/boot/vmlinuz-$KVER" "$KDIR/vmlinux" <<'EOF' || echo "$PROG: warning: could not extract vmlinux; booting bzImage" >&2
import lzma, sys, zlib
data = open(sys.argv[1], 'rb').read()
out = None
i = data.find(b'\xfd7zXZ\x00')
if i >= 0:
    d = lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
    out = d.decompress(data[i:])
else:
    i = data.find(b'\x1f\x8b\x08')
    if i >= 0:
        out = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[i:])
if not out or out[:4] != b'\x7fELF':
    sys.exit("no ELF payload found")
open(sys.argv[2], 'wb').write(out)
EOF
  touch "$KDIR/.complete"
fi
KERNEL=$KDIR/vmlinux
[[ -f $KERNEL ]] || KERNEL=$KDIR/root/boot/vmlinuz-$KVER
[[ -f $KERNEL ]] || die "no kernel image in $KDIR"

# ---------------------------------------------------------------- initramfs
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WANT_MODS=(virtio virtio_ring virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci
           netfs fscache 9pnet 9pnet_virtio 9p overlay
           # Network.Tests.ps1: bridge and veth links, the inet minidocker table (nat, masquerade, fib, ct).
           # libcrc32c (nf_tables, nf_conntrack) asks the crypto API for crc32c at load: a soft dependency.
           crc32c_generic bridge veth nf_tables nft_chain_nat nft_nat nft_masq nft_fib_inet nft_ct)
# Key the cached initramfs on kernel + busybox + the modules + this script's guest part.
IKEY=$( { echo "$KVER"; sha256sum "$BUSYBOX"; echo "${WANT_MODS[*]}"; sed -n '/^# ---- guest init begin/,/^# ---- guest init end/p' "$0"; } \
        | sha256sum | cut -c1-16)
INITRD=$CACHE/initramfs-$KVER-$IKEY.cpio
if [[ ! -f $INITRD ]]; then
  log "building initramfs $INITRD"
  B=$(mktemp -d "$CACHE/initramfs.XXXXXX") || die "mktemp failed"
  mkdir -p "$B"/{bin,dev,proc,sys,lib/modules,newroot}
  cp "$BUSYBOX" "$B/bin/busybox"
  MODROOT=$KDIR/root/lib/modules/$KVER
  # Resolve dependencies from modules.dep, in load order.
  declare -A seen=()
  order=()
  add_mod() {
    local name=$1 line path dep
    line=$(grep -E "(^|/)${name//_/[_-]}\.ko(\.[a-z]+)?:" "$MODROOT/modules.dep" | head -1)
    if [[ -z $line ]]; then
      grep -qE "(^|/)${name//_/[_-]}\.ko" "$MODROOT/modules.builtin" 2>/dev/null && return 0
      die "module $name not found for $KVER"
    fi
    path=${line%%:*}
    [[ -n ${seen[$path]:-} ]] && return 0
    seen[$path]=1
    for dep in ${line#*:}; do add_mod "$(basename "${dep%%.ko*}")"; done
    order+=("$path")
  }
  for m in "${WANT_MODS[@]}"; do add_mod "$m"; done
  for p in "${order[@]}"; do
    cp "$MODROOT/$p" "$B/lib/modules/" || die "copy $p"
    basename "$p" >> "$B/modules.list"
  done
  sed -n '/^# ---- guest init begin/,/^# ---- guest init end/p' "$0" \
    | sed -n '/^#@init /s/^#@init \{0,1\}//p' > "$B/init"
  sed -n '/^# ---- guest init begin/,/^# ---- guest init end/p' "$0" \
    | sed -n '/^#@stage2 /s/^#@stage2 \{0,1\}//p' > "$B/stage2"
  chmod 755 "$B/init" "$B/stage2"
  ( cd "$B" && find . -mindepth 1 | "$BUSYBOX" cpio -o -H newc 2>/dev/null ) > "$INITRD.tmp" \
    || die "cpio failed"
  mv "$INITRD.tmp" "$INITRD"
  rm -rf "$B"
  # Drop initramfs images of older script versions.
  find "$CACHE" -maxdepth 1 -name 'initramfs-*.cpio' ! -name "$(basename "$INITRD")" -delete
fi
exec 9>&-   # release the cache lock

# ---------------------------------------------------------------- run
WORK=$(mktemp -d "${TMPDIR:-/tmp}/minidocker-vm.XXXXXX") || die "mktemp failed"
mkdir -p "$WORK/share"
QPID= WPID= T1= T2=
cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  [[ -n $WPID ]] && kill "$WPID" 2>/dev/null
  if [[ -n $QPID ]] && kill -0 "$QPID" 2>/dev/null; then
    kill -TERM "$QPID" 2>/dev/null; sleep 0.5; kill -KILL "$QPID" 2>/dev/null
  fi
  [[ -n $T1 ]] && kill "$T1" 2>/dev/null
  [[ -n $T2 ]] && kill "$T2" 2>/dev/null
  wait 2>/dev/null
  rm -f "$APTLOG"
  if [[ -z ${MINIDOCKER_VM_KEEP:-} ]]; then rm -rf "$WORK"; else echo "$PROG: kept $WORK" >&2; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'echo "$PROG: interrupted" >&2; exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# The job: enter the stage cgroup, cd, clean environment, exec COMMAND.
# PATH: the host's, plus the dotnet tools dir and the standard dirs, deduplicated.
gpath=
IFS=: read -ra pparts <<<"${PATH:-}:/root/.dotnet/tools:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
for d in "${pparts[@]}"; do
  [[ $d == /* && ":$gpath:" != *":$d:"* ]] && gpath=${gpath:+$gpath:}$d
done
envs=("PATH=$gpath"
      "HOME=/root" "USER=root" "LOGNAME=root" "TERM=dumb" "LANG=C.UTF-8"
      "POWERSHELL_TELEMETRY_OPTOUT=1" "DOTNET_CLI_TELEMETRY_OPTOUT=1" "DOTNET_NOLOGO=1"
      "POWERSHELL_UPDATECHECK=Off" "MINIDOCKER_IN_VM=1")
for e in "${ENV_PASS[@]}"; do
  if [[ $e == *=* ]]; then
    envs+=("$e")
  elif [[ -n ${!e+x} ]]; then
    envs+=("$e=${!e}")
  fi
done
{
  echo '#!/bin/bash'
  echo 'echo $$ > /sys/fs/cgroup/stage/main/cgroup.procs || { echo "run-in-vm(guest): cannot enter /sys/fs/cgroup/stage/main" >&2; exit 125; }'
  printf 'cd -- %q || { echo "run-in-vm(guest): cannot cd to %q" >&2; exit 125; }\n' "$PWD" "$PWD"
  printf 'exec /usr/bin/env -i'
  printf ' %q' "${envs[@]}"
  printf ' %q' "$@"
  printf '\n'
} > "$WORK/share/job.sh"
: > "$WORK/share/stdout"; : > "$WORK/share/stderr"

# The guest's /tmp is a fresh tmpfs (an overlay over 9p cannot be an overlayfs
# upperdir, which container code needs). Host entries /tmp/NAME that the cwd, an
# absolute argument or --bind refers to are bind-mounted into it (read-only
# host data, writes go to the guest's RAM).
declare -A tmpbind=()
for p in "$PWD" "$@" "${BINDS[@]}"; do
  [[ $p == /tmp/?* ]] || continue
  top=${p#/tmp/}; top=${top%%/*}
  [[ -n $top && $top != . && $top != .. && $top != *$'\n'* && -e /tmp/$top ]] && tmpbind[$top]=1
done
for p in "${BINDS[@]}"; do
  [[ $p == /tmp/?* ]] || echo "$PROG: warning: --bind $p ignored (only /tmp/... needs it; the rest of / is visible)" >&2
done
for t in "${!tmpbind[@]}"; do printf '%s\n' "$t"; done > "$WORK/share/tmpbinds"

ACCEL=(-accel tcg,thread=multi -cpu max)
if [[ -z ${MINIDOCKER_VM_NO_KVM:-} && -w /dev/kvm ]] && grep -qwE 'vmx|svm' /proc/cpuinfo; then
  ACCEL=(-accel kvm -cpu host)
fi
CMDLINE="console=ttyS0 cgroup_no_v1=all systemd.unified_cgroup_hierarchy=1 quiet loglevel=3 panic=-1 mitigations=off nokaslr tsc=reliable cryptomgr.notests swiotlb=noforce"

if [[ -n ${MINIDOCKER_VM_DEBUG:-} ]]; then CMDLINE=${CMDLINE/ quiet loglevel=3/ loglevel=6 printk.time=1}; fi

START=$(date +%s.%N)
qemu-system-x86_64 -nodefaults -no-user-config -machine pc "${ACCEL[@]}" \
  -smp "$CPUS" -m "$MEM" -display none -vga none -no-reboot \
  -serial "file:$WORK/console.log" -monitor none \
  -kernel "$KERNEL" -initrd "$INITRD" -append "$CMDLINE" \
  -fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
  -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
  -fsdev local,id=out,path="$WORK/share",security_model=none \
  -device virtio-9p-pci,fsdev=out,mount_tag=out \
  </dev/null >"$WORK/qemu.log" 2>&1 &
QPID=$!

tail -n +1 -s 0.1 -f --pid="$QPID" "$WORK/share/stdout" & T1=$!
tail -n +1 -s 0.1 -f --pid="$QPID" "$WORK/share/stderr" >&2 & T2=$!

# Watchdog: a subshell that kills qemu after TIMEOUT seconds.
(
  trap 'kill $s 2>/dev/null; exit 0' TERM
  sleep "$TIMEOUT" & s=$!; wait $s
  touch "$WORK/timedout"
  kill -TERM "$QPID" 2>/dev/null
  sleep 3 & s=$!; wait $s
  kill -KILL "$QPID" 2>/dev/null
) & WPID=$!

wait "$QPID"; QRC=$?
QPID=
kill "$WPID" 2>/dev/null; wait "$WPID" 2>/dev/null; WPID=
wait "$T1" "$T2" 2>/dev/null; T1= T2=
END=$(date +%s.%N)

log "$(awk -v a="$START" -v b="$END" 'BEGIN{printf "VM wall time %.2fs", b-a}')"
if [[ -f $WORK/share/booted ]]; then
  log "$(awk -v a="$START" -v b="$(stat -c %.9Y "$WORK/share/booted")" 'BEGIN{printf "command started %.2fs after qemu start", b-a}')"
fi

show_diag() {
  if [[ -s $WORK/qemu.log ]]; then echo "--- qemu output:" >&2; tail -n 20 "$WORK/qemu.log" >&2; fi
  if [[ -s $WORK/console.log ]]; then echo "--- guest console (last 30 lines):" >&2; tail -n 30 "$WORK/console.log" >&2; fi
}

if [[ -n ${MINIDOCKER_VM_DEBUG:-} ]]; then echo "--- guest console:" >&2; cat "$WORK/console.log" >&2; fi
if [[ -f $WORK/timedout ]]; then
  echo "$PROG: error: timed out after ${TIMEOUT}s; qemu killed" >&2
  show_diag
  exit 124
fi
if [[ -f $WORK/share/status ]]; then
  st=$(cat "$WORK/share/status")
  [[ $st =~ ^[0-9]+$ ]] || { echo "$PROG: error: guest wrote a bad status '$st'" >&2; show_diag; exit 125; }
  exit "$st"
fi
if [[ ! -f $WORK/share/booted ]]; then
  echo "$PROG: error: qemu exited ($QRC) before the guest started the command" >&2
else
  echo "$PROG: error: guest never reported the command's exit status (qemu exit $QRC)" >&2
fi
show_diag
exit 125

# ---- guest init begin (extracted into the initramfs; '#@init ' = /init, '#@stage2 ' = stage 2)
#@init #!/bin/busybox sh
#@init /bin/busybox --install -s /bin
#@init export PATH=/bin
#@init fail() { echo "minidocker-vm init: $*" >&2; [ -d /out ] && echo "init: $*" >> /out/stderr; sync; poweroff -f; sleep 5; exit 1; }
#@init mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs devtmpfs /dev
#@init exec 2>/dev/console
#@init for m in $(cat /modules.list); do insmod /lib/modules/$m || fail "insmod $m failed"; done
#@init mkdir -p /lower /ovl /out
#@init mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=none out /out || fail "cannot mount out share"
#@init mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,ro,cache=loose hostroot /lower || fail "cannot mount host root over 9p"
#@init mount -t tmpfs -o mode=0755 tmpfs /ovl && mkdir -p /ovl/upper /ovl/work || fail "tmpfs"
#@init mount -t overlay overlay -o lowerdir=/lower,upperdir=/ovl/upper,workdir=/ovl/work,xino=off /newroot || fail "overlay mount failed"
#@init mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /newroot/run || fail "tmpfs /run"
#@init mkdir -p /newroot/run/minidocker-vm/out && cp /bin/busybox /stage2 /newroot/run/minidocker-vm/ || fail "copy stage2"
#@init mount --move /out /newroot/run/minidocker-vm/out || fail "move out share"
#@init umount /proc /sys
#@init mount --move /dev /newroot/dev || fail "move /dev"
#@init exec switch_root /newroot /run/minidocker-vm/busybox sh /run/minidocker-vm/stage2
#@stage2 # stage 2: PID 1 inside the switched root (the host's / + overlay).
#@stage2 D=/run/minidocker-vm; BB=$D/busybox; OUT=$D/out
#@stage2 export PATH=/usr/sbin:/usr/bin:/sbin:/bin
#@stage2 fail() { echo "run-in-vm(guest): $*" >> $OUT/stderr; $BB sync; $BB poweroff -f; }
#@stage2 $BB mount -t proc -o nosuid,nodev,noexec proc /proc || fail "mount /proc"
#@stage2 $BB mount -t sysfs -o nosuid,nodev,noexec sysfs /sys || fail "mount /sys"
#@stage2 $BB mount -t cgroup2 -o nosuid,nodev,noexec,nsdelegate cgroup2 /sys/fs/cgroup || fail "mount cgroup2"
#@stage2 $BB mkdir -p /dev/pts /dev/shm /dev/mqueue
#@stage2 $BB mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts /dev/pts
#@stage2 $BB mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm
#@stage2 $BB mount -t mqueue mqueue /dev/mqueue 2>/dev/null
#@stage2 $BB mkdir -p $D/host-tmp && $BB mount --bind /tmp $D/host-tmp || fail "bind host /tmp"
#@stage2 $BB mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp || fail "tmpfs /tmp"
#@stage2 while IFS= read -r t; do
#@stage2   if [ -d "$D/host-tmp/$t" ]; then $BB mkdir -p "/tmp/$t"; else : > "/tmp/$t"; fi
#@stage2   $BB mount --bind "$D/host-tmp/$t" "/tmp/$t" || fail "bind /tmp/$t"
#@stage2 done < $OUT/tmpbinds
#@stage2 $BB ln -sf /proc/self/fd /dev/fd 2>/dev/null; $BB ln -sf /proc/self/fd/0 /dev/stdin; $BB ln -sf /proc/self/fd/1 /dev/stdout; $BB ln -sf /proc/self/fd/2 /dev/stderr
#@stage2 $BB ip link set lo up 2>/dev/null
#@stage2 $BB hostname minidocker-vm
#@stage2 CG=/sys/fs/cgroup
#@stage2 for c in cpuset cpu io memory pids hugetlb rdma misc; do
#@stage2   $BB grep -qw $c $CG/cgroup.controllers && echo +$c > $CG/cgroup.subtree_control
#@stage2 done
#@stage2 $BB mkdir -p $CG/stage/main || fail "mkdir $CG/stage/main"
#@stage2 for c in $($BB cat $CG/stage/cgroup.controllers); do echo +$c > $CG/stage/cgroup.subtree_control; done
#@stage2 $BB date +%s.%N > $OUT/booted
#@stage2 /bin/bash $OUT/job.sh </dev/null >>$OUT/stdout 2>>$OUT/stderr
#@stage2 echo $? > $OUT/status.tmp && $BB mv $OUT/status.tmp $OUT/status
#@stage2 $BB sync
#@stage2 $BB poweroff -f
# ---- guest init end
