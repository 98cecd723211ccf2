/**
 * CNI spec versions: which ones osnet speaks, the VERSION answer, which verbs each version has, and the
 * version to talk to a delegate in (from the delegate's own VERSION answer).
 */
import { CNI_ERR, CniError } from './errors.ts';

/** Oldest first. 0.1.0/0.2.0 (ip4/ip6 results) are not spoken: no current runtime sends them. */
export const SUPPORTED_VERSIONS = ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] as const;
export type CniVersion = (typeof SUPPORTED_VERSIONS)[number];
export const LATEST_VERSION: CniVersion = '1.1.0';

export const VERBS = ['ADD', 'DEL', 'CHECK', 'GC', 'STATUS', 'VERSION'] as const;
export type CniVerb = (typeof VERBS)[number];

/** The first version each verb exists in (CHECK came with 0.4.0, GC and STATUS with 1.1.0). */
const VERB_SINCE: Record<CniVerb, string> = {
  ADD: '0.1.0',
  DEL: '0.1.0',
  VERSION: '0.2.0',
  CHECK: '0.4.0',
  GC: '1.1.0',
  STATUS: '1.1.0',
};

const SEMVER = /^(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})$/;

export function isSupported(v: unknown): v is CniVersion {
  return typeof v === 'string' && (SUPPORTED_VERSIONS as readonly string[]).includes(v);
}

/** Compares two x.y.z versions; NaN when either is not x.y.z. */
export function compareVersions(a: string, b: string): number {
  const pa = SEMVER.exec(a);
  const pb = SEMVER.exec(b);
  if (!pa || !pb) return Number.NaN;
  for (let i = 1; i <= 3; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return d;
  }
  return 0;
}

export function verbAllowed(verb: CniVerb, version: string): boolean {
  return compareVersions(version, VERB_SINCE[verb]) >= 0;
}

export function assertVerbAllowed(verb: CniVerb, version: string): void {
  if (!verbAllowed(verb, version)) {
    throw new CniError(
      CNI_ERR.INCOMPATIBLE_VERSION,
      `cniVersion ${version} does not allow ${verb} (it needs ${VERB_SINCE[verb]} or later)`,
      { field: 'cniVersion' },
    );
  }
}

export interface VersionAnswer {
  cniVersion: string;
  supportedVersions: string[];
}

/**
 * The VERSION answer. SPEC: cniVersion is "the value of cniVersion specified on input"; stdin is
 * read only for that, so a missing or unparsable input still gets an answer (in the newest version).
 */
export function versionAnswer(stdin: string): VersionAnswer {
  let asked: unknown;
  try {
    asked = (JSON.parse(stdin) as { cniVersion?: unknown } | null)?.cniVersion;
  } catch {
    asked = undefined;
  }
  const cniVersion = typeof asked === 'string' && SEMVER.test(asked) ? asked : LATEST_VERSION;
  return { cniVersion, supportedVersions: [...SUPPORTED_VERSIONS] };
}

/** Reads another plugin's VERSION answer into the versions it supports (as libcni does, 0.2.0 implies 0.1.0). */
export function parseVersionAnswer(text: string, who = 'delegate'): string[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (cause) {
    throw new CniError(CNI_ERR.DECODE, `${who} VERSION answer is not JSON: ${(cause as Error).message}`, {
      field: `${who}.VERSION`,
      cause,
    });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new CniError(CNI_ERR.DECODE, `${who} VERSION answer is not a JSON object`, {
      field: `${who}.VERSION`,
    });
  }
  const { cniVersion, supportedVersions } = v as Record<string, unknown>;
  if (typeof cniVersion !== 'string' || cniVersion === '') {
    throw new CniError(CNI_ERR.DECODE, `${who} VERSION answer has no cniVersion`, {
      field: `${who}.VERSION.cniVersion`,
    });
  }
  if (
    supportedVersions === undefined ||
    (Array.isArray(supportedVersions) && supportedVersions.length === 0)
  ) {
    if (cniVersion === '0.2.0') return ['0.1.0', '0.2.0'];
    throw new CniError(CNI_ERR.DECODE, `${who} VERSION answer has no supportedVersions`, {
      field: `${who}.VERSION.supportedVersions`,
    });
  }
  if (!Array.isArray(supportedVersions) || !supportedVersions.every((s) => typeof s === 'string')) {
    throw new CniError(CNI_ERR.DECODE, `${who} VERSION answer: supportedVersions must be a list of strings`, {
      field: `${who}.VERSION.supportedVersions`,
    });
  }
  return supportedVersions as string[];
}

/**
 * The version to run a delegate in for `verb` when the runtime asked for `requested`: that version when
 * the delegate speaks it; else the newest common one below it (its result converts up without loss);
 * else the oldest common one above it (converted down, dropping only what the runtime cannot take).
 * Only versions that have the verb count. CniError 1 when there is none.
 */
export function negotiateVersion(
  requested: string,
  delegateSupports: readonly string[],
  verb: CniVerb = 'ADD',
  ours: readonly string[] = SUPPORTED_VERSIONS,
): CniVersion {
  const common = ours
    .filter((v): v is CniVersion => isSupported(v) && delegateSupports.includes(v) && verbAllowed(verb, v))
    .sort(compareVersions);
  if (common.includes(requested as CniVersion)) return requested as CniVersion;
  const below = common.filter((v) => compareVersions(v, requested) < 0);
  const above = common.filter((v) => compareVersions(v, requested) > 0);
  const pick = below.at(-1) ?? above[0];
  if (pick === undefined) {
    throw new CniError(
      CNI_ERR.INCOMPATIBLE_VERSION,
      `no CNI version for ${verb} in common with the delegate: it supports [${delegateSupports.join(', ')}], ` +
        `osnet supports [${ours.join(', ')}]`,
      { field: 'cniVersion' },
    );
  }
  return pick;
}
