/**
 * The NICs of a real-VM test and the network_data.json Nova would write for them: NIC n is the tap `tapn`
 * in the VM's namespace with MAC fa:16:3e:5e:00:0n, the subnet 10.91.n.0/24, the host side .1 and the
 * guest .10 (plus any extra addresses); only the first NIC carries the default route, whose gateway also
 * leads to the metadata address. Test tooling for the real-VM tests.
 *
 * @example
 *   const nics = [nic(0), nic(1)];
 *   const doc = networkData(nics);
 */
export interface VmNic {
  n: number;
  mac: string;
  tap: string;
  /** QEMU ids: netdev and device. */
  netdev: string;
  device: string;
  host: string;
  guest: string;
  /** Further guest addresses (/24 in the same subnet). */
  extra: string[];
}

export function nic(n: number, extra: string[] = []): VmNic {
  const hex = n.toString(16).padStart(2, '0');
  return {
    n,
    mac: `fa:16:3e:5e:00:${hex}`,
    tap: `tap${n}`,
    netdev: `hn${n}`,
    device: `nic${n}`,
    host: `10.91.${n}.1`,
    guest: `10.91.${n}.10`,
    extra,
  };
}

/** network_data.json as Nova writes it: links in attach order, one ipv4 network per address. */
export function networkData(nics: VmNic[]): unknown {
  const links = nics.map((x) => ({
    id: `tap5e00${x.n}-aa`,
    vif_id: `5e00${x.n}000-0000-4000-8000-00000000000${x.n}`.slice(0, 36),
    type: 'ovs',
    mtu: 1450,
    ethernet_mac_address: x.mac,
  }));
  const networks = nics.flatMap((x) =>
    [x.guest, ...x.extra].map((ip, k) => ({
      id: `network${x.n}-${k}`,
      type: 'ipv4',
      link: `tap5e00${x.n}-aa`,
      ip_address: ip,
      netmask: '255.255.255.0',
      network_id: `net-${x.n}`,
      routes: x === nics[0] && k === 0 ? [{ network: '0.0.0.0', netmask: '0.0.0.0', gateway: x.host }] : [],
      services: [],
    })),
  );
  return { links, networks, services: [] };
}
