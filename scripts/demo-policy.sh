#!/usr/bin/env bash
# App-to-app policy on the running lab: osnet-policy-server (embedded store, internal API over mutual TLS
# with certificates from `osnet policy certs`, external API with Keystone tokens, enforcing in Neutron), the
# openstack-port-daemon asking it for each pod's app group, and two "pods" of apps A and B attached through
# the CNI path. B cannot open TCP to A:8080; after one POST of the policy B → A tcp 8080 it can (A still
# cannot reach B); after its delete B is refused again. A trap removes everything on any exit, and the last
# lines check that nothing is left (ports, security groups, namespaces, network, processes).
. "$(dirname "$0")/env.sh"
cd "$OSNET_ROOT"
export OS_CLIENT_CONFIG_FILE=${OS_CLIENT_CONFIG_FILE:-$OSNET_LAB_DIR/clouds.yaml}
DB=unix:$OSNET_LAB_DIR/run/ovs/db.sock
T0=$(date +%s%N)
step() { printf '== [%5.1fs] %s\n' "$((($(date +%s%N) - T0) / 1000000))e-3" "$*"; }

node scripts/build.ts >/dev/null
TMP=$(mktemp -d /tmp/osnet-demo-policy.XXXXXX)
TAG=osnet-demo-policy-$$
APPS=("demo-$$/app-a" "demo-$$/app-b")
NETNS=("osnet-dpol$$-a" "osnet-dpol$$-b")
NET_ID= DAEMON_PID= SERVER_PID= DELETED= TEARDOWN= PURGED=
LISTENERS=()

client() { node scripts/demo-policy-client.ts "$@"; }
cleanup() {
  set +e
  for p in "${LISTENERS[@]}"; do kill "$p" 2>/dev/null; done
  for i in 0 1; do
    [ -n "$NET_ID" ] && [ -z "$DELETED" ] && cni DEL "$i" >/dev/null 2>&1
    ip netns del "${NETNS[$i]}" 2>/dev/null
  done
  [ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  [ -n "$NET_ID" ] && TEARDOWN=$(OS_CLOUD=lab-cni node scripts/demo-pods-network.ts delete "$NET_ID")
  PURGED=$(client purge "$TAG")
  rm -rf "$TMP"
}
on_exit() {
  local rc=$?
  [ "$rc" -ne 0 ] && [ -f "$TMP/server.log" ] && { echo "--- server log"; tail -20 "$TMP/server.log"; echo "--- daemon log"; tail -20 "$TMP/daemon.log"; }
  cleanup
  exit "$rc"
}
trap on_exit EXIT

wait_log() { # FILE PATTERN PID WHAT
  for _ in $(seq 1 300); do
    grep -q "$2" "$1" && return 0
    kill -0 "$3" 2>/dev/null || { echo "$4 exited"; cat "$1"; return 1; }
    sleep 0.1
  done
  echo "$4 did not get ready"; cat "$1"; return 1
}
listen_addr() { grep '"msg":"listening"' "$TMP/server.log" | grep "\"server\":\"$1\"" | head -1 | sed 's/.*"address":"\([^"]*\)".*/\1/'; }

step "certificates for the internal API: osnet policy certs --out $TMP/certs"
node dist/bin/osnet policy certs --out "$TMP/certs" >/dev/null
ls "$TMP/certs" | tr '\n' ' '; echo

CNI_PROJECT=$(client project lab-cni)
step "starting osnet-policy-server (embedded store in $TMP/policy, enforcing in project lab-cni $CNI_PROJECT)"
node dist/bin/osnet-policy-server --state-dir "$TMP/policy" --os-cloud lab-admin \
  --internal-listen 127.0.0.1:0 --external-listen 127.0.0.1:0 --health-listen 127.0.0.1:0 \
  --ca "$TMP/certs/ca.crt" --cert "$TMP/certs/server.crt" --key "$TMP/certs/server.key" \
  --default-project "$CNI_PROJECT" --neutron-tag "$TAG" --reconcile-interval 10 >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
wait_log "$TMP/server.log" '"server":"external"' "$SERVER_PID" osnet-policy-server
INTERNAL=https://$(listen_addr internal)
EXTERNAL=http://$(listen_addr external)
echo "internal API (mutual TLS, TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256): $INTERNAL; external API: $EXTERNAL"

step "starting openstack-port-daemon (lab-cni) with --policy-server $INTERNAL"
node dist/bin/openstack-port-daemon run --socket "$TMP/cni.sock" --listen "unix:$TMP/health.sock" \
  --state-dir "$TMP/state" --node-name "$(hostname)" --reconcile-interval 0 --os-cloud lab-cni \
  --policy-server "$INTERNAL" --policy-ca "$TMP/certs/ca.crt" --policy-cert "$TMP/certs/client.crt" \
  --policy-key "$TMP/certs/client.key" --policy-wait 120 >"$TMP/daemon.log" 2>&1 &
DAEMON_PID=$!
step "Neutron network and subnet (as lab-cni)"
CIDR="10.$((RANDOM % 200 + 20)).$((RANDOM % 200 + 20)).0/24"
NET_ID=$(OS_CLOUD=lab-cni node scripts/demo-pods-network.ts create "osnet-demo-policy-$$" "$CIDR")
echo "network $NET_ID, subnet $CIDR"
wait_log "$TMP/daemon.log" '"msg":"daemon ready"' "$DAEMON_PID" openstack-port-daemon

conf() { # the app's group rides in runtimeConfig, as a runtime (or CF's garden-external-networker) passes it
  cat <<EOF
{"cniVersion":"1.1.0","name":"osnet-demo-policy","type":"openstack-port-cni","network_id":"$NET_ID",
 "delegate_plugin":"osnet-ovs","bridge":"br-int","socket_file":"$DB","socket_path":"$TMP/cni.sock",
 "delegate":{"tx_offload":false},"runtimeConfig":{"policy_group_id":"${APPS[$1]}"}}
EOF
}
cni() {
  conf "$2" | CNI_COMMAND=$1 CNI_CONTAINERID="osnet-dpol-$$-$2" CNI_NETNS="/run/netns/${NETNS[$2]}" \
    CNI_IFNAME=eth0 CNI_PATH="$OSNET_ROOT/dist/bin:/usr/lib/cni" OSNET_CNI_CACHE_DIR="$TMP/cache" \
    dist/bin/openstack-port-cni
}

step "pods A (${APPS[0]}) and B (${APPS[1]}): CNI ADD of both at once; each ADD returns once its app's group is in Neutron"
IPS=()
for i in 0 1; do
  ip netns add "${NETNS[$i]}"
  cni ADD "$i" >"$TMP/add$i.json" &
  ADD_PIDS[i]=$!
done
for i in 0 1; do
  wait "${ADD_PIDS[$i]}" || { cat "$TMP/add$i.json"; exit 1; }
  IPS[i]=$(jq -r '.ips[0].address' <"$TMP/add$i.json")
  IPS[i]=${IPS[i]%/*}
  # a TCP server on 8080 in each pod, answering "ok"
  ip netns exec "${NETNS[$i]}" node -e "require('node:net').createServer((c) => { c.on('error', () => {}); c.end('ok'); }).listen(8080)" &
  LISTENERS+=($!)
done
echo "pod A ${IPS[0]}, pod B ${IPS[1]}; app security groups in Neutron:"
client groups "$TAG" | sed 's/^/  /'

# a TCP connect from pod $1 to pod $2's port 8080 (2 s; a dropped SYN: refused)
connects() { ip netns exec "${NETNS[$1]}" timeout 2 bash -c "exec 3<>/dev/tcp/${IPS[$2]}/8080" 2>/dev/null; }
# OVN binds new ports within a few seconds: wait until ARP resolves before judging TCP
for _ in $(seq 1 40); do
  ip netns exec "${NETNS[1]}" ping -c 1 -W 1 "${IPS[0]}" >/dev/null 2>&1 || true
  ip -n "${NETNS[1]}" neigh show "${IPS[0]}" | grep -q lladdr && break
  sleep 0.25
done
sleep 1
expect() { # WANT(open|refused) FROM TO WHAT
  local got=refused
  for _ in $(seq 1 "${5:-1}"); do
    connects "$2" "$3" && got=open
    [ "$got" = "$1" ] && break
    sleep 0.5
    got=refused
  done
  if [ "$got" = "$1" ]; then echo "  $4: $got (as it should be)"; else echo "  $4: $got, expected $1"; exit 1; fi
}

step "no policy: B → A:8080 must be refused"
expect refused 1 0 "B → A:8080"
step "POST one policy: B → A tcp 8080"
client allow "$EXTERNAL" "${APPS[1]}" "${APPS[0]}" 8080 | sed 's/^/  /'
expect open 1 0 "B → A:8080" 60
expect refused 0 1 "A → B:8080"
step "delete the policy"
client revoke "$EXTERNAL" "${APPS[1]}" "${APPS[0]}" 8080 | sed 's/^/  /'
expect refused 1 0 "B → A:8080" 60
echo "POLICY PASSED: refused, allowed by one POST (one direction only), refused again after its delete"

step "CNI DEL of both pods"
for p in "${LISTENERS[@]}"; do kill "$p" 2>/dev/null; done
LISTENERS=()
cni DEL 0 || exit 1
cni DEL 1 || exit 1
DELETED=1
step "stopping the server and the daemon, removing the namespaces, the network and the app groups"
trap - EXIT
cleanup
echo "$TEARDOWN"
echo "$PURGED"
LEFT=()
grep -q '^ports left: none$' <<<"$TEARDOWN" || LEFT+=("Neutron ports after DEL")
grep -q '^network removed$' <<<"$TEARDOWN" || LEFT+=("network $NET_ID")
[ -n "$(client groups "$TAG")" ] && LEFT+=("security groups tagged $TAG")
for n in "${NETNS[@]}"; do ip netns list | grep -qw "$n" && LEFT+=("netns $n"); done
[ -e "$TMP" ] && LEFT+=("folder $TMP")
for p in "$DAEMON_PID" "$SERVER_PID"; do kill -0 "$p" 2>/dev/null && LEFT+=("pid $p"); done
if [ "${#LEFT[@]}" -gt 0 ]; then
  printf 'LEFT BEHIND: %s\n' "${LEFT[@]}"
  exit 1
fi
step "done: nothing left behind"
