#!/usr/bin/env bash
# Makes the rootless suite's two unprivileged users (as root; idempotent, removes nothing of the machine's):
# mdrootless (the suite's user) and mdrootless2 (the attacker), each with 65536 subordinate uids and gids
# (useradd gives them from /etc/login.defs where /etc/subuid exists; else they are added here).
set -euo pipefail
ensure() {
  local user=$1 start=$2
  id -u "$user" >/dev/null 2>&1 || useradd --create-home --shell /bin/sh --comment "MiniDocker rootless tests" "$user"
  touch /etc/subuid /etc/subgid
  grep -q "^$user:" /etc/subuid || usermod --add-subuids "$start-$((start + 65535))" "$user"
  grep -q "^$user:" /etc/subgid || usermod --add-subgids "$start-$((start + 65535))" "$user"
}
ensure mdrootless 200000
ensure mdrootless2 300000
# mdrootless3 has no subordinate ids: the single-mapping fallback.
id -u mdrootless3 >/dev/null 2>&1 || useradd --create-home --shell /bin/sh -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 --comment "MiniDocker rootless tests" mdrootless3
sed -i '/^mdrootless3:/d' /etc/subuid /etc/subgid
