# Shared settings and helpers of the lab scripts (sourced, never run).
# Every daemon binds to 127.0.0.1 or to a unix socket under $LAB; PID files live in $LAB/run.
LAB=${OSNET_LAB_DIR:-/var/lib/osnet-lab}
LAB_PW=${OSNET_LAB_PASSWORD:-labpass} # the one password of every lab account (lab only)
LAB_HOST=$(hostname)
KS_URL=http://127.0.0.1:5000/v3
NEUTRON_URL=http://127.0.0.1:9696
MYSOCK=$LAB/run/mysqld.sock
OVS_RUN=$LAB/run/ovs
OVN_RUN=$LAB/run/ovn
OVSDB=unix:$OVS_RUN/db.sock
# the private PostgreSQL cluster (scripts/lab/postgres): 5433, not 5432, which Debian's own cluster takes
PG_PORT=${OSNET_LAB_PG_PORT:-5433}
PG_DATA=$LAB/pg/data
PG_RUN=$LAB/pg/run
PG_URL_FILE=$LAB/pg.url
LAB_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_ROOT=$(cd "$LAB_SCRIPTS/../.." && pwd)
# the project's Node 24 (the machine's node is older); seed.ts and smoke.ts need it
export PATH="$LAB_ROOT/node_modules/.bin:$PATH"
# the OVS/OVN tools find their sockets through these
export OVS_RUNDIR=$OVS_RUN OVS_LOGDIR=$LAB/log OVS_DBDIR=$LAB/ovs OVN_RUNDIR=$OVN_RUN OVN_LOGDIR=$LAB/log

# the services `up` starts, in start order: name port-or-socket
LAB_SERVICES=(
  "mysqld unix:$MYSOCK"
  "keystone tcp:5000"
  "ovsdb-server unix:$OVS_RUN/db.sock"
  "ovs-vswitchd -"
  "ovsdb-nb tcp:6641"
  "ovsdb-sb tcp:6642"
  "ovn-northd -"
  "ovn-controller -"
  "neutron-server tcp:9696"
  "postgres tcp:$PG_PORT"
)

# lab_dir_mode: $LAB is root's and closed to others; only group postgres may pass through it, so that the
# private cluster (scripts/lab/postgres, run as user postgres) reaches its data in $LAB/pg
lab_dir_mode() {
  if id postgres >/dev/null 2>&1; then
    chgrp postgres "$LAB"
    chmod 710 "$LAB"
  else
    chmod 700 "$LAB"
  fi
}

# nolock <cmd...>: runs a daemon without the lab lock's fd 9 (it would hold the lock for ever)
nolock() { "$@" 9>&-; }

log() { echo "lab: $*" >&2; }
die() {
  echo "lab: FAILED: $*" >&2
  exit 1
}

now() { date +%s.%N; }
# secs <start>: seconds since <start>, one decimal
secs() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# pid_of <name>: the pid in $LAB/run/<name>.pid, if any
pid_of() { [ -s "$LAB/run/$1.pid" ] && cat "$LAB/run/$1.pid"; }
# running <pid>: the process exists and is not a zombie (PID 1 here may reap exited daemons late)
running() {
  local st
  st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) && [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}
# started_at <pid>: the process's start, in seconds since the epoch
started_at() {
  local ticks boot
  ticks=$(awk '{ sub(/^.*\) /, ""); print $20 }' "/proc/$1/stat" 2>/dev/null) && [ -n "$ticks" ] || return 1
  boot=$(awk '$1 == "btime" { print $2 }' /proc/stat)
  echo $((boot + ticks / $(getconf CLK_TCK)))
}
# pid_alive <name>: the PID file names a live process, and that process is the one that wrote it. A
# daemon that died without removing its file leaves a PID the kernel hands out again; the process then
# holding it started after the file was written, and is not ours
pid_alive() {
  local p t
  p=$(pid_of "$1") && [ -n "$p" ] && running "$p" || return 1
  t=$(started_at "$p") || return 1
  [ "$t" -le $(($(stat -c %Y "$LAB/run/$1.pid") + 1)) ]
}

# listening <port>: something listens on 127.0.0.1:<port> (or any address)
listening() { ss -Hltn "sport = :$1" | grep -q .; }
# holder <port>: "name(pid)" of the processes holding a listening TCP port
holder() { ss -Hltnp "sport = :$1" | grep -o '"[^"]*",pid=[0-9]*' | tr -d '"' | sort -u | paste -sd' '; }

# wait_for <seconds> <cmd...>: retry every 0.2 s until the command succeeds
wait_for() {
  local t=$1
  shift
  local end=$(($(date +%s) + t))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -ge "$end" ] && return 1
    sleep 0.2
  done
}

# admin_token: a project-scoped admin token on stdout. The password goes in on stdin, never argv.
admin_token() {
  jq -n --arg pw "$LAB_PW" '{auth: {identity: {methods: ["password"], password: {user: {name: "admin",
    domain: {id: "default"}, password: $pw}}}, scope: {project: {name: "admin", domain: {id: "default"}}}}}' |
    curl -sf -m 10 -D - -o /dev/null -H 'Content-Type: application/json' --data-binary @- "$KS_URL/auth/tokens" |
    awk -F': ' 'tolower($1) == "x-subject-token" { print $2 }' | tr -d '\r'
}
