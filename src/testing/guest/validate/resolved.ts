/**
 * The systemd-resolved drop-in that networkd and netplan renderings carry (global DNS). systemd-resolved
 * cannot be installed here without taking over the host's /etc/resolv.conf, so this is a strict
 * structural check instead: one `[Resolve]` section, only `DNS=` (IP addresses) and `Domains=` (DNS
 * names), comments, nothing else.
 *
 * @example
 *   checkResolvedDropIns(RENDERERS.networkd(cfg)).errors; // []
 */
import { isIP } from 'node:net';
import type { RenderedFile } from '../../../guest/formats/types.ts';

export const RESOLVED_DIR = '/etc/systemd/resolved.conf.d/';

const LABEL = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$/;

function isDomain(d: string): boolean {
  const bare = d.endsWith('.') ? d.slice(0, -1) : d;
  return bare.length > 0 && bare.length <= 253 && bare.split('.').every((l) => LABEL.test(l));
}

/** Errors of every drop-in among `files` (the others are ignored). */
export function checkResolvedDropIns(files: RenderedFile[]): string[] {
  const errors: string[] = [];
  for (const f of files.filter((x) => x.path.startsWith(RESOLVED_DIR))) {
    if (!f.path.endsWith('.conf')) errors.push(`${f.path}: resolved reads only *.conf drop-ins`);
    let section = '';
    f.content.split('\n').forEach((line, i) => {
      const at = `${f.path}:${i + 1}`;
      if (line.trim() === '' || /^[#;]/.test(line)) return;
      const sec = /^\[(.+)\]$/.exec(line);
      if (sec) {
        section = sec[1] ?? '';
        if (section !== 'Resolve') errors.push(`${at}: unknown section [${section}]`);
        return;
      }
      const kv = /^([A-Za-z]+)=(.*)$/.exec(line);
      if (!kv) {
        errors.push(`${at}: not a key=value line: ${line}`);
        return;
      }
      if (section !== 'Resolve') {
        errors.push(`${at}: key outside [Resolve]`);
        return;
      }
      const [, key, value = ''] = kv;
      const items = value.split(/\s+/).filter(Boolean);
      if (items.length === 0) errors.push(`${at}: ${key}= is empty (it would reset the list)`);
      if (key === 'DNS') {
        for (const a of items) if (!isIP(a)) errors.push(`${at}: DNS ${a} is not an IP address`);
      } else if (key === 'Domains') {
        for (const d of items) if (!isDomain(d)) errors.push(`${at}: Domains ${d} is not a DNS name`);
      } else {
        errors.push(`${at}: unknown key ${key}`);
      }
    });
  }
  return errors;
}
