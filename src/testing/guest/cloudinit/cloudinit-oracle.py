#!/usr/bin/python3
"""What Debian's cloud-init makes of a network_data.json, per link, as JSON.

Usage: cloudinit-oracle.py NETWORK_DATA_JSON MAC_MAP_JSON

MAC_MAP_JSON is {"mac": "nic name"}; it stands in for the host lookup cloud-init
would do, so the answer never depends on this machine's NICs.  Output (stdout):

  {"version": "22.4.2",
   "links": {"<links[].id>": {"name", "mac", "mtu", "addresses": ["a/p"],
             "dhcp": ["dhcp4"|"dhcp6"|"ipv6_slaac"|...],
             "routes": [{"to": "n/p", "via": "gw"}], "dns": [..], "search": [..]}},
   "dns": {"nameservers": [..], "search": [..]}}

Exit 3 with a message on stderr when cloud-init rejects the input.
Addresses are canonical (ipaddress module) so callers can compare strings.
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


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    import logging
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    from cloudinit import net
    from cloudinit import version
    from cloudinit.net import network_state
    from cloudinit.sources.helpers import openstack

    # cloud-init would otherwise read this host's NICs.
    net.get_ib_hwaddrs_by_interface = lambda *a, **k: {}
    with open(argv[1]) as f:
        net_json = json.load(f)
    with open(argv[2]) as f:
        known = {k.lower(): v for k, v in json.load(f).items()}
    try:
        v1 = openstack.convert_net_json(net_json, known_macs=known)
        state = network_state.parse_net_config_data(v1, skip_broken=False)
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
