/**
 * The kernel's record of who is on the other end of a Unix socket (SO_PEERCRED), through the tiny
 * N-API addon in native/peercred (built by scripts/build-native.ts). Node has no API for it.
 *
 * The credentials are those of the process that called connect(), taken by the kernel at that moment;
 * the client cannot choose them. pid is 0 when the peer lives in a PID namespace this process cannot
 * see (a daemon in a pod with its own PID namespace serving a plugin run on the host).
 */
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { OsnetError } from '../lib/errors.ts';

export interface PeerCred {
  pid: number;
  uid: number;
  gid: number;
}

interface PeerCredAddon {
  peerCred(fd: number): PeerCred;
}

/** Names the addon's path explicitly (an installed daemon ships it somewhere of its own). */
export const ADDON_ENV = 'OSNET_PEERCRED_ADDON';

/** Where the addon may be, in order: the env override, next to the bundle, dist/native from a bundle or the source tree. */
export function addonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const rel = ['./peercred.node', '../native/peercred.node', '../../dist/native/peercred.node'];
  const paths = rel.map((r) => fileURLToPath(new URL(r, import.meta.url)));
  const override = env[ADDON_ENV];
  return override ? [override] : paths;
}

const loaded = new Map<string, PeerCredAddon>();

/** Loads the addon (once per path); an OsnetError names what was tried when it is missing or unloadable. */
export function loadPeerCredAddon(candidates: string[] = addonCandidates()): PeerCredAddon {
  const path = candidates.find((p) => existsSync(p));
  if (path === undefined) {
    throw new OsnetError(
      'OSNET_ERR_CONFIG',
      `the SO_PEERCRED addon peercred.node is missing (looked at ${candidates.join(', ')}); ` +
        `build it with \`node scripts/build-native.ts\` or set ${ADDON_ENV}`,
      { field: ADDON_ENV },
    );
  }
  const known = loaded.get(path);
  if (known) return known;
  const mod: { exports: Partial<PeerCredAddon> } = { exports: {} };
  try {
    process.dlopen(mod, path, constants.dlopen.RTLD_NOW);
  } catch (cause) {
    throw new OsnetError('OSNET_ERR_CONFIG', `cannot load the SO_PEERCRED addon ${path}: ${String(cause)}`, {
      field: ADDON_ENV,
      cause,
    });
  }
  if (typeof mod.exports.peerCred !== 'function') {
    throw new OsnetError('OSNET_ERR_CONFIG', `${path} is not the SO_PEERCRED addon (no peerCred export)`, {
      field: ADDON_ENV,
    });
  }
  const addon = mod.exports as PeerCredAddon;
  loaded.set(path, addon);
  return addon;
}

/** The peer of a connected AF_UNIX socket fd; errors (EBADF, ENOTSOCK, EAFNOSUPPORT, ENOTCONN) become OsnetError. */
export function peerCredOfFd(fd: number): PeerCred {
  const addon = loadPeerCredAddon();
  try {
    return addon.peerCred(fd);
  } catch (cause) {
    const errno = (cause as { code?: unknown }).code;
    throw new OsnetError('OSNET_ERR_IO', `cannot read the peer's credentials: ${(cause as Error).message}`, {
      cause,
      ...(typeof errno === 'string' ? { errno } : {}),
    });
  }
}

/**
 * The fd behind a net.Socket. Node keeps it on the libuv handle (`_handle.fd`, a Pipe for Unix
 * sockets); there is no public accessor. Must be called while the socket is open: a closed socket's
 * fd number may already belong to someone else, so destroyed sockets are refused.
 */
export function socketFd(socket: Socket): number {
  if (socket.destroyed) {
    throw new OsnetError('OSNET_ERR_IO', 'the socket is already closed: its peer cannot be checked');
  }
  const handle = (socket as unknown as { _handle?: { fd?: unknown } | null })._handle;
  const fd = handle?.fd;
  if (typeof fd !== 'number' || !Number.isInteger(fd) || fd < 0) {
    throw new OsnetError('OSNET_ERR_IO', 'the socket has no file descriptor (not a connected Unix socket)');
  }
  return fd;
}

/** The kernel's credentials of a connected Unix socket's peer. Call it on 'connection', before any await. */
export function peerCredOf(socket: Socket): PeerCred {
  return peerCredOfFd(socketFd(socket));
}

/** Throws OSNET_ERR_PERMISSION unless the peer's uid is one of `uids` (the daemon allows root only). */
export function assertPeerUid(socket: Socket, uids: readonly number[] = [0]): PeerCred {
  const cred = peerCredOf(socket);
  if (!uids.includes(cred.uid)) {
    throw new OsnetError(
      'OSNET_ERR_PERMISSION',
      `peer uid ${cred.uid} (pid ${cred.pid}) is not allowed; allowed uids: ${uids.join(', ')}`,
      { uid: cred.uid, pid: cred.pid },
    );
  }
  return cred;
}
