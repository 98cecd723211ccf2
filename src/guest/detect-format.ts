/**
 * Picks the renderer for a system from `/etc/os-release` (under a root), falling back to which network
 * stack is installed. Ubuntu 18.04+ uses netplan; Debian ifupdown (netplan when /etc/netplan exists, as
 * on Debian 13 cloud images; NetworkManager when it is installed and ifup is not); RHEL-family 9+ and Fedora NetworkManager keyfiles, older RHEL sysconfig;
 * Windows PowerShell.
 *
 * @example
 *   await detectFormat('/'); // 'netplan' on Ubuntu 22.04
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OsnetError } from '../lib/errors.ts';
import { type Format, GUEST_FORMATS } from './formats/index.ts';

/** Key/value pairs of an os-release file (quotes removed). */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    out[m[1]!] = m[2]!.replace(/^(["'])(.*)\1$/, '$2');
  }
  return out;
}

const RHEL_LIKE = ['rhel', 'centos', 'rocky', 'almalinux', 'ol', 'fedora', 'cloudlinux', 'eurolinux'];

/**
 * For a distribution not named below, the installed stack wins, in this order: netplan first, since it
 * generates the networkd or NetworkManager files and is what the system is configured with when present;
 * NetworkManager before networkd, whose directory exists on most systemd systems whether used or not;
 * ifupdown often stays installed on systems that moved on, so it comes last.
 */
const FALLBACK: readonly Format[] = ['netplan', 'networkmanager', 'networkd', 'ifupdown'];

/** Whether every path by which `format` says its stack is installed exists under `root`. */
function installed(format: Format, root: string): boolean {
  return GUEST_FORMATS[format].installed?.every((p) => existsSync(join(root, p))) ?? false;
}

/**
 * Debian ships no single stack: ifupdown is the default install, but images with network-manager (desktop,
 * some cloud images) or netplan drop it. What is installed decides; ifupdown stays the answer when it is
 * there or when nothing else is, so a minimal root still gets the distribution's default.
 */
function debianFormat(root: string): Format {
  if (installed('netplan', root)) return 'netplan';
  if (installed('ifupdown', root)) return 'ifupdown';
  if (installed('networkmanager', root)) return 'networkmanager';
  return 'ifupdown';
}

/** The format for an os-release and the tools present under `root`, or undefined if unknown. */
export function formatFor(os: Record<string, string>, root: string): Format | undefined {
  const ids = [os.ID ?? '', ...(os.ID_LIKE ?? '').split(/\s+/)].filter(Boolean);
  const major = Number.parseInt(os.VERSION_ID ?? '', 10);
  if (ids.includes('ubuntu')) return Number.isNaN(major) || major >= 18 ? 'netplan' : 'ifupdown';
  if (ids.includes('debian')) return debianFormat(root);
  if (ids.some((i) => RHEL_LIKE.includes(i))) {
    if (os.ID === 'fedora' || (!Number.isNaN(major) && major >= 9)) return 'networkmanager';
    return 'sysconfig';
  }
  return FALLBACK.find((f) => installed(f, root));
}

/** Detects the format under `root`; OSNET_ERR_UNSUPPORTED asking for --format when it cannot. */
export async function detectFormat(root: string): Promise<Format> {
  if (process.platform === 'win32') return 'powershell';
  let os: Record<string, string> = {};
  for (const p of ['etc/os-release', 'usr/lib/os-release']) {
    try {
      os = parseOsRelease(await readFile(join(root, p), 'utf8'));
      break;
    } catch {
      // try the next location
    }
  }
  const f = formatFor(os, root);
  if (!f) {
    throw new OsnetError(
      'OSNET_ERR_UNSUPPORTED',
      `cannot tell the network stack of ${root} (ID=${os.ID ?? 'unknown'}); pass --format`,
      {
        field: '--format',
      },
    );
  }
  return f;
}
