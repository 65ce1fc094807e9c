#!/usr/bin/env bash
# selftest.sh - checks that run-in-vm.sh gives a real cgroup v2 guest and reports
# status, output and failures correctly. Boots the VM 3 times (~15-30 s in all
# under TCG). Prints one line per check and a closing "N passed, N failed".
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RUN=$HERE/run-in-vm.sh
pass=0 fail=0
ok()  { echo "ok   - $*"; pass=$((pass + 1)); }
bad() { echo "FAIL - $*"; fail=$((fail + 1)); }

# 1. One boot runs all guest-side checks; each prints "CHECK name ok|bad detail".
out=$("$RUN" --timeout 300 -- sh -c '
  chk() { if [ "$2" = ok ]; then echo "CHECK $1 ok"; else echo "CHECK $1 bad $3"; fi; }
  t=$(stat -f -c %T /sys/fs/cgroup)
  [ "$t" = cgroup2fs ] && chk fs ok || chk fs bad "$t"
  grep -q "^0::/stage/main$" /proc/self/cgroup && [ "$(wc -l < /proc/self/cgroup)" = 1 ] \
    && chk own-cgroup ok || chk own-cgroup bad "$(cat /proc/self/cgroup)"
  sc=$(cat /sys/fs/cgroup/cgroup.subtree_control)
  r=ok; for c in cpu memory pids; do echo " $sc " | grep -q " $c " || r=bad; done
  chk controllers $r "$sc"
  # no internal processes: enabling controllers below our own (populated) cgroup fails
  if (echo +memory > /sys/fs/cgroup/stage/main/cgroup.subtree_control) 2>/dev/null; then
    chk no-internal-process bad "write succeeded"; else chk no-internal-process ok; fi
  # memory.max + OOM kill
  x=/sys/fs/cgroup/stage/x; mkdir $x && echo 32M > $x/memory.max && echo 0 > $x/memory.swap.max
  sh -c "echo \$\$ > $x/cgroup.procs && exec dd if=/dev/zero of=/dev/null bs=64M count=1" 2>/dev/null
  rc=$?
  grep -q "^oom_kill 1$" $x/memory.events && [ $rc -ne 0 ] && chk oom ok || chk oom bad "rc=$rc $(tr "\n" " " < $x/memory.events)"
  rmdir $x
  # /tmp is a tmpfs usable as an overlayfs upperdir
  d=$(mktemp -d) && mkdir $d/l $d/u $d/w $d/m && echo hi > $d/l/f \
    && mount -t overlay o -o lowerdir=$d/l,upperdir=$d/u,workdir=$d/w $d/m && [ "$(cat $d/m/f)" = hi ] \
    && chk tmp-overlay ok || chk tmp-overlay bad "$(stat -f -c %T /tmp)"
  umount $d/m 2>/dev/null
  [ -x /bin/sh ] && [ -d "'"$HERE"'" ] && chk host-fs ok || chk host-fs bad ""
  unshare -Urm true && chk userns ok || chk userns bad ""
  echo to-stderr >&2
  exit 3
' 2>"${TMPDIR:-/tmp}/vm-selftest.err.$$")
rc=$?
err=$(cat "${TMPDIR:-/tmp}/vm-selftest.err.$$"); rm -f "${TMPDIR:-/tmp}/vm-selftest.err.$$"
[[ $rc -eq 3 ]] && ok "exit status propagated (3)" || bad "exit status: got $rc, want 3"
[[ $err == *to-stderr* ]] && ok "stderr streamed" || bad "stderr missing: $err"
for name in fs own-cgroup controllers no-internal-process oom tmp-overlay host-fs userns; do
  line=$(grep "^CHECK $name " <<<"$out")
  case "$line" in
    "CHECK $name ok") ok "guest: $name" ;;
    "") bad "guest: $name (no result)" ;;
    *) bad "guest: ${line#CHECK }" ;;
  esac
done

# 2. Timeout kills the VM and exits 124.
"$RUN" --timeout 5 -- sleep 600 >/dev/null 2>&1; rc=$?
[[ $rc -eq 124 ]] && ok "timeout -> 124" || bad "timeout: got $rc, want 124"

# 3. A guest that dies without a status is a loud failure (125), not a pass.
"$RUN" -- sh -c 'busybox poweroff -f' >/dev/null 2>&1; rc=$?
[[ $rc -eq 125 ]] && ok "no status -> 125" || bad "no status: got $rc, want 125"

echo "vm-selftest: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
