/**
 * Checks on decoded JSON that throw a CniError naming the JSON path at fault. Small on purpose: the
 * thin plugin loads this on every invocation.
 */
import { CNI_ERR, CniError } from './errors.ts';

// node:net (and the stream machinery it loads) only when an address is checked: VERSION never does
const isIPv4 = (s: string) => process.getBuiltinModule('node:net').isIPv4(s);
const isIPv6 = (s: string) => process.getBuiltinModule('node:net').isIPv6(s);

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A readable JSON path: `prevResult.ips[0].address`, `cni.dev/valid-attachments[2].ifname`. */
export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function fail(path: string, what: string, code: number = CNI_ERR.INVALID_CONFIG): never {
  throw new CniError(code, `${path} ${what}`, { field: path });
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

export interface Checker {
  /** The code thrown: 7 for configuration, 6 for results decoded from another plugin. */
  code: number;
}

export function objectAt(v: unknown, path: string, c: Checker): JsonObject {
  if (!isObject(v)) fail(path, `must be an object, not ${describe(v)}`, c.code);
  return v;
}

export function optObject(o: JsonObject, key: string, path: string, c: Checker): JsonObject | undefined {
  const v = o[key];
  return v === undefined ? undefined : objectAt(v, join(path, key), c);
}

export interface StringRule {
  nonEmpty?: boolean;
  pattern?: RegExp;
  /** Said after "must be" when the pattern fails. */
  shape?: string;
  maxLength?: number;
}

export function stringAt(v: unknown, path: string, c: Checker, rule: StringRule = {}): string {
  if (typeof v !== 'string') fail(path, `must be a string, not ${describe(v)}`, c.code);
  if (rule.nonEmpty && v === '') fail(path, 'must not be empty', c.code);
  if (rule.maxLength !== undefined && v.length > rule.maxLength) {
    fail(path, `must be at most ${rule.maxLength} characters (got ${v.length})`, c.code);
  }
  if (rule.pattern && !rule.pattern.test(v))
    fail(path, `must be ${rule.shape ?? rule.pattern}, not ${describe(v)}`, c.code);
  return v;
}

export function optString(
  o: JsonObject,
  key: string,
  path: string,
  c: Checker,
  rule: StringRule = {},
): string | undefined {
  const v = o[key];
  return v === undefined ? undefined : stringAt(v, join(path, key), c, rule);
}

export function reqString(
  o: JsonObject,
  key: string,
  path: string,
  c: Checker,
  rule: StringRule = {},
): string {
  const p = join(path, key);
  if (o[key] === undefined) fail(p, 'is required', c.code);
  return stringAt(o[key], p, c, rule);
}

export function listAt(v: unknown, path: string, c: Checker): unknown[] {
  if (!Array.isArray(v)) fail(path, `must be a list, not ${describe(v)}`, c.code);
  return v;
}

export function optStringList(
  o: JsonObject,
  key: string,
  path: string,
  c: Checker,
  rule: StringRule = {},
): string[] | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  const p = join(path, key);
  return listAt(v, p, c).map((item, i) => stringAt(item, join(p, i), c, rule));
}

/** An unsigned integer below `max` (CNI's uint fields; JSON numbers beyond 2^53 are refused). */
export function optUint(
  o: JsonObject,
  key: string,
  path: string,
  c: Checker,
  max = 2 ** 32 - 1,
): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  const p = join(path, key);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
    fail(p, `must be an integer from 0 to ${max}, not ${describe(v)}`, c.code);
  }
  return v;
}

export function optBool(o: JsonObject, key: string, path: string, c: Checker): boolean | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') fail(join(path, key), `must be true or false, not ${describe(v)}`, c.code);
  return v;
}

export function isIp(s: string): boolean {
  return isIPv4(s) || isIPv6(s);
}

/** "address/prefix" with the prefix in range for the family; `family` is 4 or 6, 0 when invalid. */
export function cidrFamily(s: string): 0 | 4 | 6 {
  const slash = s.lastIndexOf('/');
  if (slash < 0) return 0;
  const addr = s.slice(0, slash);
  const len = s.slice(slash + 1);
  if (!/^(0|[1-9]\d{0,2})$/.test(len)) return 0;
  if (isIPv4(addr)) return Number(len) <= 32 ? 4 : 0;
  if (isIPv6(addr) && !addr.includes('%')) return Number(len) <= 128 ? 6 : 0;
  return 0;
}

export const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const MAC =
  /^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}$|^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){7}$|^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){19}$/;
