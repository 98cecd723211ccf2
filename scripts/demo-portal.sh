#!/usr/bin/env bash
# osnet-portal on the running lab: the bundled server on its embedded store (SQLite) in a temp state dir on
# loopback, a staff user bootstrapped with a random password (stdin only, never printed), the lab registered
# as an OpenStack provider (its secrets read from clouds.yaml by the client and sealed in the portal's store),
# an organisation, a project and a tenant ordered through the API; the job followed until OK; then what was
# made in OpenStack, read back with the lab admin; then the tenant deleted through the API and nothing left.
# An external network for the router's gateway is made for the demo and removed with it. A trap tears down
# everything on any exit.
. "$(dirname "$0")/env.sh"
cd "$OSNET_ROOT"
export OS_CLIENT_CONFIG_FILE=${OS_CLIENT_CONFIG_FILE:-$OSNET_LAB_DIR/clouds.yaml}
T0=$(date +%s%N)
step() { printf '== [%5.1fs] %s\n' "$((($(date +%s%N) - T0) / 1000000))e-3" "$*"; }

node scripts/build.ts >/dev/null
TMP=$(mktemp -d /tmp/osnet-demo-portal.XXXXXX)
TAG=osnet-demo-portal-$$
PW=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
SERVER_PID= EXT= TENANT= DONE=

client() { node scripts/demo-portal-client.ts "$@"; }
cleanup() {
  set +e
  [ "$TENANT" = pending ] && TENANT=$(sed -n 's/^tenant \([0-9a-f]*\) ordered.*/\1/p' "$TMP/order.out" 2>/dev/null)
  if [ -z "$DONE" ] && { [ -n "$TENANT" ] || [ -n "$EXT" ]; }; then client purge "$TENANT" "$EXT"; fi
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null; fi
  rm -rf "$TMP"
}
on_exit() {
  local rc=$?
  [ "$rc" -ne 0 ] && [ -f "$TMP/server.log" ] && { echo "--- server log"; tail -20 "$TMP/server.log"; }
  cleanup
  exit "$rc"
}
trap on_exit EXIT
set -e -o pipefail

step "bootstrap: staff user admin in $TMP/state (random password from stdin, not shown)"
printf '%s' "$PW" | node dist/bin/osnet-portal bootstrap --state-dir "$TMP/state" --username admin --password-stdin

step "starting osnet-portal (embedded store $TMP/state/portal.db, loopback)"
node dist/bin/osnet-portal serve --state-dir "$TMP/state" --listen 127.0.0.1:0 --health-listen 127.0.0.1:0 \
  >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
# pino puts "server" before "msg" in the line: match each on its own, not in one order
listening() { grep '"msg":"listening"' "$TMP/server.log" | grep '"server":"portal"' | head -1; }
for _ in $(seq 1 300); do
  [ -n "$(listening)" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "osnet-portal exited"; cat "$TMP/server.log"; exit 1; }
  sleep 0.1
done
ADDR=$(listening | sed 's/.*"address":"\([^"]*\)".*/\1/')
[ -n "$ADDR" ] || { echo "osnet-portal did not get ready"; cat "$TMP/server.log"; exit 1; }
BASE=http://$ADDR
echo "API: $BASE/api/"

step "an external network for the tenant's router (lab admin): $TAG-ext"
EXT=$(client external "$TAG-ext")
echo "external network $EXT"

step "provider, organisation, project and a tenant order through the API; following the job"
TENANT=pending
client order "$BASE" "$EXT" "$TAG" <<<"$PW" | tee "$TMP/order.out"
TENANT=$(sed -n 's/^tenant \([0-9a-f]*\) project .*/\1/p' "$TMP/order.out")
PROJECT=$(sed -n 's/^tenant [0-9a-f]* project \([0-9a-f]*\) .*/\1/p' "$TMP/order.out")
[ -n "$TENANT" ] && [ -n "$PROJECT" ] || { echo "no tenant in the order's output"; exit 1; }

step "what the order made in OpenStack (read back with the lab admin)"
client show "$PROJECT" | sed 's/^/  /'

SCHEMA=$(curl -sf -o "$TMP/schema.json" -w '%{http_code}' "$BASE/api/schema/")
echo "API schema (OpenAPI $(jq -r .openapi "$TMP/schema.json"), $(jq '.paths | length' "$TMP/schema.json") paths): $BASE/api/schema/ ($SCHEMA)"

step "deleting the tenant through the API"
client delete "$BASE" "$TENANT" "$PROJECT" <<<"$PW"
DONE=1

step "removing the external network, stopping the portal, removing $TMP"
client purge "" "$EXT"
kill "$SERVER_PID"
wait "$SERVER_PID" || { echo "osnet-portal exit $?"; exit 1; }
SERVER_PID=
trap - EXIT
rm -rf "$TMP"
[ -e "$TMP" ] && { echo "LEFT BEHIND: $TMP"; exit 1; }
step "done: nothing left behind"
