#!/usr/bin/env bash
# Pods on Neutron, the real CNI path on the running lab: a Neutron network made as lab-cni, the
# openstack-port-daemon on a temp socket as lab-cni, two "pods" (network namespaces) attached by
# openstack-port-cni -> daemon -> osnet-ovs -> OVN, a ping between them, then DEL of both. A trap stops the
# daemon and removes the namespaces, the network and the temp folder on any exit, and the last lines check
# that no Neutron port, OVS port, veth or namespace is left.
. "$(dirname "$0")/env.sh"
cd "$OSNET_ROOT"
export OS_CLIENT_CONFIG_FILE=${OS_CLIENT_CONFIG_FILE:-$OSNET_LAB_DIR/clouds.yaml}
export OS_CLOUD=lab-cni
DB=unix:$OSNET_LAB_DIR/run/ovs/db.sock
T0=$(date +%s%N)
step() { printf '== [%5.1fs] %s\n' "$((($(date +%s%N) - T0) / 1000000))e-3" "$*"; }

node scripts/build.ts >/dev/null
TMP=$(mktemp -d /tmp/osnet-demo-pods.XXXXXX)
TAG=$$
NETNS=("osnet-demo$TAG-1" "osnet-demo$TAG-2")
NET_ID=
DAEMON_PID=
HOSTIFS=()

DELETED=
TEARDOWN=
cleanup() {
  set +e
  for i in 0 1; do
    [ -n "$NET_ID" ] && [ -z "$DELETED" ] && cni DEL "$i" >/dev/null 2>&1
    ip netns del "${NETNS[$i]}" 2>/dev/null
  done
  for h in "${HOSTIFS[@]}"; do
    ovs-vsctl --db="$DB" --if-exists del-port "$h" 2>/dev/null
    ip link del "$h" 2>/dev/null
  done
  [ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
  [ -n "$NET_ID" ] && TEARDOWN=$(node scripts/demo-pods-network.ts delete "$NET_ID")
  rm -rf "$TMP"
}
on_exit() {
  local rc=$?
  cleanup
  exit "$rc"
}
trap on_exit EXIT

step "starting openstack-port-daemon on $TMP/cni.sock (lab-cni, node $(hostname))"
touch "$TMP/daemon.log"
node dist/bin/openstack-port-daemon run --socket "$TMP/cni.sock" --listen "unix:$TMP/health.sock" \
  --state-dir "$TMP/state" --node-name "$(hostname)" --reconcile-interval 0 --os-cloud lab-cni \
  >"$TMP/daemon.log" 2>&1 &
DAEMON_PID=$!
# the daemon starts while the network is made
step "Neutron network and subnet (as lab-cni)"
CIDR="10.$((RANDOM % 200 + 20)).$((RANDOM % 200 + 20)).0/24"
NET_ID=$(node scripts/demo-pods-network.ts create "osnet-demo-pods-$TAG" "$CIDR")
echo "network $NET_ID, subnet $CIDR"

step "waiting for the daemon"
for _ in $(seq 1 150); do
  grep -q '"msg":"daemon ready"' "$TMP/daemon.log" && break
  kill -0 "$DAEMON_PID" 2>/dev/null || { cat "$TMP/daemon.log"; exit 1; }
  sleep 0.1
done
grep -q '"msg":"daemon ready"' "$TMP/daemon.log" || { echo "the daemon did not get ready"; cat "$TMP/daemon.log"; exit 1; }

conf() {
  cat <<EOF
{"cniVersion":"1.1.0","name":"osnet-demo","type":"openstack-port-cni","network_id":"$NET_ID",
 "delegate_plugin":"osnet-ovs","bridge":"br-int","socket_file":"$DB","socket_path":"$TMP/cni.sock",
 "delegate":{"tx_offload":false}}
EOF
}
# one CNI call as a runtime makes it: config on stdin, CNI_* in the environment
cni() {
  conf | CNI_COMMAND=$1 CNI_CONTAINERID="osnet-demo-$TAG-$(($2 + 1))" CNI_NETNS="/run/netns/${NETNS[$2]}" \
    CNI_IFNAME=eth0 CNI_PATH="$OSNET_ROOT/dist/bin:/usr/lib/cni" OSNET_CNI_CACHE_DIR="$TMP/cache" \
    dist/bin/openstack-port-cni
}

IPS=()
step "pods 1 and 2: netns ${NETNS[*]}, CNI ADD of both at once (openstack-port-cni -> daemon -> osnet-ovs)"
ADD_PIDS=()
for i in 0 1; do
  ip netns add "${NETNS[$i]}"
  cni ADD "$i" >"$TMP/add$i.json" &
  ADD_PIDS[i]=$!
done
for i in 0 1; do
  wait "${ADD_PIDS[$i]}" || { cat "$TMP/add$i.json"; exit 1; }
  RES=$(<"$TMP/add$i.json")
  IPS[i]=$(jq -r '.ips[0].address' <<<"$RES")
  HOSTIFS[i]=$(jq -r '.interfaces[] | select(.sandbox == null) | .name' <<<"$RES" | head -1)
  echo "pod $((i + 1)): eth0 $(jq -r '.interfaces[] | select(.sandbox != null) | .mac' <<<"$RES") ${IPS[i]}, host side ${HOSTIFS[i]}"
done

step "ping pod 1 -> pod 2 through OVN"
TARGET=${IPS[1]%/*}
# OVN binds the ports within a second or two of the OVS ports appearing
for _ in $(seq 1 40); do
  ip netns exec "${NETNS[0]}" ping -c 1 -W 1 "$TARGET" >/dev/null 2>&1 && break
  sleep 0.25
done
if ip netns exec "${NETNS[0]}" ping -c 3 -i 0.2 -W 2 "$TARGET"; then
  echo "PING PASSED: pod 1 (${IPS[0]}) reached pod 2 (${IPS[1]}) through OVN"
else
  echo "PING FAILED"
  exit 1
fi

step "pods 1 and 2: CNI DEL of both at once"
cni DEL 0 &
DEL0=$!
cni DEL 1 || exit 1
wait "$DEL0" || exit 1
DELETED=1

step "stopping the daemon, removing the namespaces and the network"
trap - EXIT
cleanup
echo "$TEARDOWN"
LEFT=()
grep -q '^ports left: none$' <<<"$TEARDOWN" || LEFT+=("Neutron ports after DEL")
grep -q '^network removed$' <<<"$TEARDOWN" || LEFT+=("network $NET_ID")
for h in "${HOSTIFS[@]}"; do
  ovs-vsctl --db="$DB" port-to-br "$h" >/dev/null 2>&1 && LEFT+=("OVS port $h")
  ip link show "$h" >/dev/null 2>&1 && LEFT+=("veth $h")
done
for n in "${NETNS[@]}"; do ip netns list | grep -qw "$n" && LEFT+=("netns $n"); done
[ -e "$TMP" ] && LEFT+=("folder $TMP")
kill -0 "$DAEMON_PID" 2>/dev/null && LEFT+=("daemon pid $DAEMON_PID")
if [ "${#LEFT[@]}" -gt 0 ]; then
  printf 'LEFT BEHIND: %s\n' "${LEFT[@]}"
  exit 1
fi
step "done: nothing left behind (Neutron ports, OVS ports, veths, namespaces, network, daemon)"
