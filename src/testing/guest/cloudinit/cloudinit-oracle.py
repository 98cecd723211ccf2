#!/usr/bin/python3
"""What Debian's cloud-init makes of a network_data.json, per link, as JSON; the one place
that drives cloud-init for osnet's tests and benchmarks.

Usage: cloudinit-oracle.py NETWORK_DATA_JSON MAC_MAP_JSON
       cloudinit-oracle.py --bench < JOBS_JSON

MAC_MAP_JSON is {"mac": "nic name"}; it stands in for the host lookup cloud-init
would do, so the answer never depends on this machine's NICs.  Output (stdout):

  {"version": "22.4.2",
   "links": {"<links[].id>": {"name", "mac", "mtu", "addresses": ["a/p"],
             "dhcp": ["dhcp4"|"dhcp6"|"ipv6_slaac"|...],
             "routes": [{"to": "n/p", "via": "gw"}], "dns": [..], "search": [..]}},
   "dns": {"nameservers": [..], "search": [..]}}

Exit 3 with a message on stderr when cloud-init rejects the input.
Addresses are canonical (ipaddress module) so callers can compare strings.

--bench times the same conversion plus cloud-init's netplan and ENI renderers writing
into a temporary directory, in this one warm process.  JOBS_JSON is
[{"name", "path", "macs": {"mac": "nic name"}, "n", "warmup"}]; output is
{"<name>": {"netplan": median_ms | "rejected: ...", "ifupdown": ...}}.
"""
import ipaddress
import json
import sys


def canon_ip(text):
    return str(ipaddress.ip_address(text.split("%")[0]))


def canon_net(network, prefix):
    return str(ipaddress.ip_network("%s/%s" % (network, prefix), strict=False))


def subnet_routes(subnet):
    out = []
    gateway = subnet.get("gateway")
    if gateway:
        default = "::/0" if ":" in gateway else "0.0.0.0/0"
        out.append({"to": default, "via": canon_ip(gateway)})
    for route in subnet.get("routes") or []:
        out.append({
            "to": canon_net(route["network"], route["prefix"]),
            "via": canon_ip(route["gateway"]),
        })
    return out


def describe(iface):
    addresses, dhcp, routes, dns, search = [], [], [], [], []
    for subnet in iface.get("subnets") or []:
        kind = subnet.get("type")
        if kind in ("static", "static6"):
            address = subnet["address"]
            if "/" in address:
                address, prefix = address.split("/", 1)
            else:
                prefix = subnet["prefix"]
            addresses.append("%s/%s" % (canon_ip(address), prefix))
        else:
            dhcp.append(kind)
        routes.extend(subnet_routes(subnet))
        dns.extend(canon_ip(a) for a in subnet.get("dns_nameservers") or [])
        search.extend(subnet.get("dns_search") or [])
    return {
        "name": iface["name"],
        "mac": iface.get("mac_address"),
        "mtu": iface.get("mtu"),
        "addresses": addresses,
        "dhcp": dhcp,
        "routes": routes,
        "dns": dns,
        "search": search,
    }


def convert(net_json, known):
    """cloud-init's own path: network_data.json to v1 config to network state."""
    from cloudinit import net
    from cloudinit.net import network_state
    from cloudinit.sources.helpers import openstack

    # cloud-init would otherwise read this host's NICs.
    net.get_ib_hwaddrs_by_interface = lambda *a, **k: {}
    known = {k.lower(): v for k, v in known.items()}
    v1 = openstack.convert_net_json(net_json, known_macs=known)
    return v1, network_state.parse_net_config_data(v1, skip_broken=False)


def bench(jobs):
    import shutil
    import statistics
    import tempfile
    import time
    from cloudinit.net import eni, netplan

    out = {}
    for job in jobs:
        with open(job["path"]) as f:
            net_json = json.load(f)
        res = {}
        for name, cls in (("netplan", netplan.Renderer), ("ifupdown", eni.Renderer)):
            times = []
            try:
                for i in range(job["warmup"] + job["n"]):
                    target = tempfile.mkdtemp(prefix="osg-bench-ci-")
                    t0 = time.perf_counter()
                    _, state = convert(net_json, job["macs"])
                    cls(config={}).render_network_state(state, target=target)
                    if i >= job["warmup"]:
                        times.append((time.perf_counter() - t0) * 1000)
                    shutil.rmtree(target)
                res[name] = statistics.median(times)
            except Exception as e:
                res[name] = "rejected: %s" % str(e).splitlines()[0][:60]
        out[job["name"]] = res
    return out


def main(argv):
    import logging
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    if len(argv) == 2 and argv[1] == "--bench":
        print(json.dumps(bench(json.load(sys.stdin))))
        return 0
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    from cloudinit import version

    with open(argv[1]) as f:
        net_json = json.load(f)
    with open(argv[2]) as f:
        known = json.load(f)
    try:
        v1, state = convert(net_json, known)
    except (ValueError, KeyError, TypeError) as e:
        print("cloud-init rejected input: %s: %s" % (type(e).__name__, e),
              file=sys.stderr)
        return 3
    # convert_net_json emits one config entry per link, in link order.
    names = [c["name"] for c in v1["config"] if c.get("type") != "nameserver"]
    links = {}
    for link, name in zip(net_json.get("links") or [], names):
        links[link["id"]] = describe(state._network_state["interfaces"][name])
    dns = state._network_state.get("dns") or {}
    print(json.dumps({
        "version": version.version_string(),
        "links": links,
        "dns": {
            "nameservers": [canon_ip(a) for a in dns.get("nameservers", [])],
            "search": list(dns.get("search", [])),
        },
    }, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
