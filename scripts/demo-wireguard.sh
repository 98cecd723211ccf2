#!/usr/bin/env bash
# WireGuard demo on the lab (called by scripts/demo once the lab is up and dist/ is built; runs alone too):
# a mesh network, a hub on this host run by osnet-wg-agent, a spoke device in its own network namespace
# configured from `osnet wg export` with its own key, and pings through the tunnel over IPv4 and IPv6.
# Everything it makes is removed at the end. Needs root (namespaces, wireguard-go).
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$OSNET_ROOT"
[[ -x dist/bin/osnet-wg-agent ]] || node scripts/build.ts >/dev/null
export OS_CLIENT_CONFIG_FILE=${OS_CLIENT_CONFIG_FILE:-$OSNET_LAB_DIR/clouds.yaml}
osnet() { node dist/bin/osnet --os-cloud lab-admin "$@"; }
field() { node -e 'const v=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log(eval("v."+process.argv[1]))' "$1"; }

id=$$
host=demo-wg-$id
dev=wgdemo-$id
veth=wgdv$id
outer=192.168.252.1
work=$(mktemp -d)
chmod 700 "$work"
cleanup() {
  set +e
  ip netns exec "$dev" wg-quick down "$work/wgd$id.conf" >/dev/null 2>&1
  [[ -n ${spoke:-} ]] && osnet wg delete "$spoke"
  [[ -n ${hub:-} ]] && osnet wg delete --force "$hub"
  [[ -n ${hub:-} ]] && node dist/bin/osnet-wg-agent --once --os-cloud lab-admin --host "$host" \
    --state-dir "$work/state" --endpoint-address "$outer" >/dev/null
  [[ -n ${mesh:-} ]] && osnet wg mesh delete "$mesh"
  ip link del "$veth" 2>/dev/null
  ip netns del "$dev" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

echo "== osnet wg mesh create: a network with subnets set aside for the mesh (tag wg-mesh)"
m=$(osnet wg mesh create "demo-mesh-$id" --cidr 10.240.0.0/24 --cidr fd24:0:0:1::/64 --json)
mesh=$(field networkId <<<"$m")
echo "$m"
echo "== osnet wg hub create: the hub on network host $host"
hub=$(osnet wg hub create --host "$host" --subnet "$(field 'subnetIds[0]' <<<"$m")" \
  --subnet "$(field 'subnetIds[1]' <<<"$m")" --ip 10.240.0.1 --ip fd24:0:0:1::1 --json | field id)
echo "hub $hub"
echo "== the device makes its own key (it never leaves the device); osnet wg spoke create gets its public key"
(umask 077 && wg genkey >"$work/device.key")
spoke=$(osnet wg spoke create --public-key "$(wg pubkey <"$work/device.key")" --peer "$hub" \
  --keepalive 5 --ip 10.240.0.10 --ip fd24:0:0:1::10 --json | field id)
echo "spoke $spoke"

# the device's "internet": a veth from this host into the device's namespace
ip netns add "$dev"
ip link add "$veth" type veth peer name eth0 netns "$dev"
ip addr add "$outer/30" dev "$veth" && ip link set "$veth" up
ip -n "$dev" addr add 192.168.252.2/30 dev eth0 && ip -n "$dev" link set eth0 up && ip -n "$dev" link set lo up

echo "== osnet-wg-agent --once --dry-run (changes nothing)"
node dist/bin/osnet-wg-agent --once --dry-run --os-cloud lab-admin --host "$host" --state-dir "$work/state" \
  --endpoint-address "$outer" 2>&1 >/dev/null | sed 's/^/  /'
echo "== osnet-wg-agent --once: interface, namespace, peers; public key and endpoint written back"
node dist/bin/osnet-wg-agent --once --os-cloud lab-admin --host "$host" --state-dir "$work/state" \
  --endpoint-address "$outer" 2>&1 >/dev/null | sed 's/^/  /'
osnet wg show "$hub"
echo "== osnet wg export $spoke --qr (the device's config, with the key the device supplies)"
osnet wg export "$spoke" --private-key-file "$work/device.key" --png "$work/spoke.png" >"$work/wgd$id.conf"
sed 's/^PrivateKey = .*/PrivateKey = (the device key)/' "$work/wgd$id.conf"
echo "(its QR code for a phone, also written as $work/spoke.png; this one has the placeholder key)"
osnet wg export "$spoke" --qr | grep -a $'\e\\[47m'
echo "== the device brings the tunnel up with wg-quick and pings the hub"
ip netns exec "$dev" wg-quick up "$work/wgd$id.conf" 2>&1 | sed 's/^/  /'
ip netns exec "$dev" ping -c 3 -i 0.3 10.240.0.1
ip netns exec "$dev" ping -c 3 -i 0.3 fd24:0:0:1::1
echo "== the agent again: the spoke is up, its status goes back to its port"
node dist/bin/osnet-wg-agent --once --os-cloud lab-admin --host "$host" --state-dir "$work/state" \
  --endpoint-address "$outer" 2>&1 >/dev/null | sed 's/^/  /'
osnet wg status "$hub"
echo "== and once more: nothing changed, so no kernel, UAPI or Neutron write"
node dist/bin/osnet-wg-agent --once --os-cloud lab-admin --host "$host" --state-dir "$work/state" \
  --endpoint-address "$outer" 2>/dev/null | node -e 'const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(`  Neutron calls ${r.neutronCalls}, Neutron writes ${r.neutronWrites}, kernel/UAPI writes ${r.kernelWrites}`)'
echo "WireGuard demo done; removing what it made."
