#!/bin/bash
# End-to-end smoke test of mdhelper + mdtest on the real kernel (root, busybox-static).
# Usage: tests/smoke.sh [BUILD_DIR]   (default: src/Native/build, built with make if missing)
# Prints PASS/FAIL per check; exit status is the number of failures. Cleans up after itself:
# containers live in their own mount namespaces, cgroups are nested under this shell's own.
set -u
here=$(cd "$(dirname "$0")" && pwd)
BIN=${1:-$here/../build}
BUSYBOX=${BUSYBOX:-/bin/busybox}
fails=0
monitors=()
cgroups=()

[ "$(id -u)" = 0 ] || { echo "FAIL: smoke.sh needs root"; exit 1; }
[ -x "$BUSYBOX" ] || { echo "FAIL: needs a static busybox at $BUSYBOX"; exit 1; }
if [ ! -x "$BIN/mdhelper" ] || [ ! -x "$BIN/mdtest" ]; then
  make -s -C "$here/.." OUT="$BIN" || { echo "FAIL: build"; exit 1; }
fi
BIN=$(cd "$BIN" && pwd)
T=$(mktemp -d /tmp/mdsmoke.XXXXXX)
mounts_before=$(grep -c . /proc/self/mountinfo)

cleanup() {
  local p c
  for p in "${monitors[@]}"; do
    [ -d "/proc/$p" ] && grep -q mdhelper "/proc/$p/cmdline" 2>/dev/null && kill -9 "$p" 2>/dev/null
  done
  sleep 0.2
  for c in "${cgroups[@]}"; do
    [ -d "$c" ] && rmdir "$c" 2>/dev/null
  done
  rm -rf "$T"
}
trap cleanup EXIT

check() { # check NAME COMMAND...
  local name=$1; shift
  if "$@" >/dev/null 2>&1; then echo "PASS: $name"; else echo "FAIL: $name"; fails=$((fails + 1)); fi
}
info() { echo "INFO: $*"; }

# --- a throw-away rootfs image shared (read-only, via overlay) by every container ---
mkdir -p "$T/img/bin" "$T/img/proc" "$T/img/dev" "$T/img/sys" "$T/img/tmp"
cp "$BUSYBOX" "$T/img/bin/busybox"
cp "$BIN/mdtest" "$T/img/bin/mdtest"
for a in sh ps cat echo ls hostname sleep ip printf; do ln -s busybox "$T/img/bin/$a"; done

MS_RDONLY=1 MS_NOSUID=2 MS_NODEV=4 MS_NOEXEC=8 MS_STRICTATIME=16777216

# new_container NAME: container dir with lower -> image, upper, work, rootfs mount point
new_container() {
  local c=$T/$1
  mkdir -p "$c/upper" "$c/work" "$c/rootfs"
  ln -s ../img "$c/lower"
}

# write_plan NAME [EXTRA DIRECTIVE WORDS...] > plan : the engine's standard plan
write_plan() {
  local n=$1; shift
  local c=$T/$n
  printf '%s\0' version 1 hostname "box-$n" log "$c/log" exitfile "$c/exit" chdir "$c" \
    mount overlay rootfs overlay 0 lowerdir=lower,upperdir=upper,workdir=work \
    mount proc rootfs/proc proc $((MS_NOSUID | MS_NODEV | MS_NOEXEC)) "" \
    mount tmpfs rootfs/dev tmpfs $((MS_NOSUID | MS_STRICTATIME)) mode=755,size=65536k \
    mknod rootfs/dev/null 20666 1 3 mknod rootfs/dev/zero 20666 1 5 \
    mknod rootfs/dev/full 20666 1 7 mknod rootfs/dev/random 20666 1 8 \
    mknod rootfs/dev/urandom 20666 1 9 mknod rootfs/dev/tty 20666 5 0 \
    mkdir rootfs/dev/pts 0755 \
    mount devpts rootfs/dev/pts devpts $((MS_NOSUID | MS_NOEXEC)) newinstance,ptmxmode=0666,mode=0620 \
    symlink pts/ptmx rootfs/dev/ptmx \
    mount shm rootfs/dev/shm tmpfs $((MS_NOSUID | MS_NODEV | MS_NOEXEC)) mode=1777,size=65536k \
    mount sysfs rootfs/sys sysfs $((MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)) "" \
    pivot rootfs loopback env PATH=/bin:/usr/bin cwd / "$@"
}

# launch NAME PLANFILE: runs the helper, stores the report in $T/NAME/report, sets MON/INIT
launch() {
  local n=$1 plan=$2
  # cat returns only at EOF: proves the monitor let go of the caller's stdout and stderr.
  "$BIN/mdhelper" run <"$plan" 2>&1 | timeout 10 cat >"$T/$n/report"
  echo "${PIPESTATUS[0]} ${PIPESTATUS[1]}" >"$T/$n/helper-rc"
  MON='' INIT=''
  if read -r word m i <"$T/$n/report" && [ "$word" = ok ]; then
    MON=$m INIT=$i
    monitors+=("$m")
  fi
}

wait_exit() { # wait_exit NAME [SECONDS]
  local i
  for ((i = 0; i < ${2:-10} * 20; i++)); do
    [ -f "$T/$1/exit" ] && return 0
    sleep 0.05
  done
  return 1
}

wait_gone() {
  local i
  for ((i = 0; i < 40; i++)); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.05
  done
  return 1
}

no_helper_running() {
  local i p
  for ((i = 0; i < 40; i++)); do
    local alive=0
    # A helper runs from a sealed copy (/memfd:mdhelper) and keeps the argv[0] it was started with.
    for p in /proc/[0-9]*; do
      [ "$(readlink "$p/exe" 2>/dev/null)" = "$BIN/mdhelper" ] && alive=1
      tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -q "^$BIN/mdhelper " && alive=1
    done
    [ $alive = 0 ] && return 0
    sleep 0.05
  done
  return 1
}

log_has() { grep -qE "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z $2\$" "$T/$1/log"; }
exit_is() { [ "$(cat "$T/$1/exit" 2>/dev/null)" = "$2" ]; }

# --- 1. basic container: identity, isolation, logging ---
new_container basic
write_plan basic arg sh arg -c arg \
  'echo pid $$; hostname; mdtest cmdline; ps -o pid >/tmp/ps; echo procs $(tail -n +2 /tmp/ps); ip -o link show lo; mdtest fds; echo oops >&2; printf partial' \
  >"$T/basic/plan"
launch basic "$T/basic/plan"
check "report: ok <monitor> <init>" grep -qE '^ok [0-9]+ [0-9]+$' "$T/basic/report"
check "caller exits 0 and sees EOF" test "$(cat "$T/basic/helper-rc")" = "0 0"
wait_exit basic
check "exit file 0" exit_is basic 0
check "echo \$\$ prints 1" log_has basic 'stdout pid 1'
check "hostname inside" log_has basic 'stdout box-basic'
check "/proc/1/cmdline is the command" log_has basic 'stdout sh -c echo pid \$\$; hostname.*'
check "ps sees only the container (sh + ps)" log_has basic 'stdout procs 1 [0-9]+'
check "lo is up" log_has basic 'stdout 1: lo: <LOOPBACK,UP,LOWER_UP>.*'
check "only fds 0-2" test "$(grep -cE 'stdout [0-9]+$' "$T/basic/log")" = 3
check "stderr tagged" log_has basic 'stderr oops'
check "unterminated last line flushed" log_has basic 'stdout partial'
check "exit file written atomically (no temp left)" test -z "$(ls "$T/basic" | grep '\.tmp\.')"
check "monitor gone after exit" wait_gone "$MON"

# --- 2. exit codes ---
new_container exit42
write_plan exit42 arg mdtest arg exit arg 42 >"$T/exit42/plan"
launch exit42 "$T/exit42/plan"
wait_exit exit42
check "exit file 42" exit_is exit42 42

new_container kill9
write_plan kill9 arg mdtest arg sleep arg 30 >"$T/kill9/plan"
launch kill9 "$T/kill9/plan"
sleep 0.3
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$MON/status" 2>/dev/null)
info "monitor VmRSS ${rss:-?} kB"
check "monitor RSS < 1 MiB" test "${rss:-99999}" -lt 1024
check "monitor is a subreaper in its own session" test "$(ps -o sid= -p "$MON" | tr -d ' ')" != "$$"
check "monitor survives the caller" kill -0 "$MON"
check "monitor runs from a sealed copy, not $BIN/mdhelper" test "$(readlink "/proc/$MON/exe")" = "/memfd:mdhelper (deleted)"
kill -9 "$INIT"
wait_exit kill9
check "SIGKILL from host: exit 137" exit_is kill9 137

new_container term
write_plan term init arg mdtest arg sleep arg 30 >"$T/term/plan"
launch term "$T/term/plan"
sleep 0.3
check "init mode: PID 1 is mdhelper (its title, the sealed copy)" \
  test "$(tr -d '\0' <"/proc/$INIT/cmdline")" = minidocker-init -a "$(readlink "/proc/$INIT/exe")" = "/memfd:mdhelper (deleted)"
kill -TERM "$INIT"
wait_exit term
check "init mode: SIGTERM forwarded, exit 143" exit_is term 143

new_container trap
write_plan trap init arg mdtest arg trapterm >"$T/trap/plan"
launch trap "$T/trap/plan"
sleep 0.3
kill -TERM "$INIT"
wait_exit trap
check "init mode: command's handler ran" log_has trap 'stdout got SIGTERM'
check "init mode: exit 143 from handler" exit_is trap 143

# --- 3. errors: the first failing step, nothing left running ---
new_container nope
write_plan nope arg /bin/nope >"$T/nope/plan"
launch nope "$T/nope/plan"
check "missing command: error -1 exec 2 /bin/nope" grep -qx 'error -1 exec 2 /bin/nope' "$T/nope/report"
check "missing command: nothing left running" no_helper_running

new_container nope-init
write_plan nope-init init arg nope >"$T/nope-init/plan"
launch nope-init "$T/nope-init/plan"
check "init mode missing command: error -1 exec 2 nope" grep -qx 'error -1 exec 2 nope' "$T/nope-init/report"
check "init mode missing command: nothing left running" no_helper_running

new_container badmount
write_plan badmount arg mdtest arg true | sed 's/sysfs\x00rootfs\/sys\x00sysfs/sysfs\x00rootfs\/sys\x00nofs/' >"$T/badmount/plan"
launch badmount "$T/badmount/plan"
check "failing mount: error <index> mount ENODEV rootfs/sys" grep -qx 'error 18 mount 19 rootfs/sys' "$T/badmount/report"
check "failing mount: nothing left running" no_helper_running

printf '%s\0' version 1 bogus x >"$T/bogus.plan"
mkdir -p "$T/bogus"
launch bogus "$T/bogus.plan"
check "unknown directive: error 1 plan 22 bogus" grep -qx 'error 1 plan 22 bogus' "$T/bogus/report"
printf '%s\0' version 1 mount a b >"$T/short.plan"
mkdir -p "$T/short"
launch short "$T/short.plan"
check "short plan: error 1 plan 22 mount" grep -qx 'error 1 plan 22 mount' "$T/short/report"

# A directive the mode does not accept is refused, never ignored (the directive table's mode mask).
new_container wrongmode
write_plan wrongmode target 1 0 arg true >"$T/wrongmode/plan"
launch wrongmode "$T/wrongmode/plan"
check "run refuses exec's target: error 23 plan 22 target: not accepted in run mode" \
  grep -qx 'error 23 plan 22 target: not accepted in run mode' "$T/wrongmode/report"
check "run refuses exec's target: nothing left running" no_helper_running
printf '%s\0' version 1 target 1 0 errorfile "$T/wrongmode/exec-error" hostnet arg true >"$T/wrongmode/exec-plan"
"$BIN/mdhelper" exec "$T/wrongmode/exec-plan" </dev/null >/dev/null 2>"$T/wrongmode/exec-report"
echo $? >"$T/wrongmode/exec-rc"
check "exec refuses run's hostnet: error 3 plan 22 hostnet: not accepted in exec mode" \
  grep -qx 'error 3 plan 22 hostnet: not accepted in exec mode' "$T/wrongmode/exec-report"
check "exec refuses run's hostnet: exit 125, before the errorfile is made" \
  bash -c "[ \"\$(cat '$T/wrongmode/exec-rc')\" = 125 ] && [ ! -e '$T/wrongmode/exec-error' ]"

# fuse-overlayfs joins the init's user namespace: without `userns` it would be the host's, so the plan is refused.
printf '%s\0' version 1 fuseoverlay /usr/bin/fuse-overlayfs /tmp rootfs lowerdir=l0 /tmp/fuse.log arg true >"$T/fusenouserns.plan"
mkdir -p "$T/fusenouserns"
launch fusenouserns "$T/fusenouserns.plan"
check "fuseoverlay without userns: error 1 plan 22 fuseoverlay without userns" grep -qx 'error 1 plan 22 fuseoverlay without userns' "$T/fusenouserns/report"

# --- 4. the monitor outlives its caller; log lines keep their order; long lines split ---
new_container lines
write_plan lines arg mdtest arg lines arg 5 arg 200 >"$T/lines/plan"
start=$(date +%s%N)
launch lines "$T/lines/plan"
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
check "report arrives before the container ends (${elapsed} ms)" test "$elapsed" -lt 700
wait_exit lines
check "all lines logged after the caller left" test "$(grep -c 'stdout line [1-5]$' "$T/lines/log")" = 5

new_container long
write_plan long arg mdtest arg echo arg "$(printf '%020000d' 0)" >"$T/long/plan"
launch long "$T/long/plan"
wait_exit long
check "a 20000-byte line is split at 16 KiB" test "$(awk '{print length($3)}' "$T/long/log" | tr '\n' ' ')" = "16384 3616 "

# --- 5. cgroups (v1 hierarchies, nested under this shell's own cgroups) ---
own() { awk -F: -v c="$1" '$2 == c {print $3}' /proc/self/cgroup; }
if [ -d /sys/fs/cgroup/pids ] && [ -d /sys/fs/cgroup/memory ]; then
  pcg=/sys/fs/cgroup/pids$(own pids)/mdsmoke-$$
  mcg=/sys/fs/cgroup/memory$(own memory)/mdsmoke-$$
  mkdir -p "$pcg" "$mcg" && cgroups+=("$pcg" "$mcg")
  echo 20 >"$pcg/pids.max"
  echo $((32 << 20)) >"$mcg/memory.limit_in_bytes"

  new_container pids
  write_plan pids cgroup "$pcg/cgroup.procs" cgroup "$mcg/cgroup.procs" \
    arg sh arg -c arg 'cat /proc/self/cgroup; mdtest forkbomb 50' >"$T/pids/plan"
  launch pids "$T/pids/plan"
  wait_exit pids
  check "pids.max=20: forkbomb stops with EAGAIN" log_has pids 'stdout forked 1[0-9] failed EAGAIN'
  check "cgroup namespace: own cgroup is /" log_has pids 'stdout [0-9]+:pids:/'

  new_container oom
  write_plan oom cgroup "$mcg/cgroup.procs" arg mdtest arg memhog arg 100 >"$T/oom/plan"
  launch oom "$T/oom/plan"
  wait_exit oom
  check "memory limit: memhog OOM-killed, exit 137" exit_is oom 137
  check "memory limit: oom_kill counted" grep -qE '^oom_kill [1-9]' "$mcg/memory.oom_control"

  new_container nocg
  write_plan nocg cgroup "$pcg/missing/cgroup.procs" arg mdtest arg true >"$T/nocg/plan"
  launch nocg "$T/nocg/plan"
  check "missing cgroup: error 23 cgroup 2 <path>" grep -qx "error 23 cgroup 2 $pcg/missing/cgroup.procs" "$T/nocg/report"
  check "missing cgroup: nothing left running" no_helper_running
  check "cgroups empty after the containers" test -z "$(cat "$pcg/cgroup.procs" "$mcg/cgroup.procs")"
else
  info "no v1 pids/memory hierarchy: cgroup checks skipped"
fi

# --- 5b. a v2 cgroup (the hybrid host's unified hierarchy, or a v2 host): the init is cloned into it
# (CLONE_INTO_CGROUP), so its command sees its cgroup namespace rooted there and the host sees it inside.
v2root=""
if [ -f /sys/fs/cgroup/unified/cgroup.procs ]; then v2root=/sys/fs/cgroup/unified
elif [ -f /sys/fs/cgroup/cgroup.controllers ]; then v2root=/sys/fs/cgroup
fi
if [ -n "$v2root" ]; then
  ucg=$v2root$(awk -F: '$1 == "0" {print $3}' /proc/self/cgroup)/mdsmoke-v2-$$
  ucg=${ucg/\/\//\/}
  mkdir -p "$ucg" && cgroups+=("$ucg")
  new_container v2cg
  write_plan v2cg cgroup "$ucg/cgroup.procs" arg sh arg -c arg 'cat /proc/self/cgroup; sleep 1' >"$T/v2cg/plan"
  launch v2cg "$T/v2cg/plan"
  check "v2 cgroup: the init is in it while it runs" grep -qx "$INIT" "$ucg/cgroup.procs"
  wait_exit v2cg
  check "v2 cgroup: exit 0" exit_is v2cg 0
  check "v2 cgroup: namespace rooted at it (0::/)" log_has v2cg 'stdout 0::/'
  check "v2 cgroup: empty after the container" test -z "$(cat "$ucg/cgroup.procs")"
else
  info "no cgroup v2 hierarchy: v2 cgroup checks skipped"
fi

# --- 6. nothing left behind on the host ---
check "no helper process left" no_helper_running
check "host mount table unchanged" test "$(grep -c . /proc/self/mountinfo)" = "$mounts_before"
check "no host mount under $T" bash -c "! grep -q '$T' /proc/self/mountinfo"

echo "$fails failure(s)"
exit "$fails"
