/**
 * The YAML that netplan files need, written directly: block mappings and sequences of strings, numbers and
 * booleans, strings always double-quoted. The `yaml` package did this before, but it cost the guest agent
 * about 30 ms and 3 MiB at every start (udev runs it per NIC event) for a few dozen lines of output; what is
 * written here is checked against `yaml`'s parser and by `netplan generate` in the tests.
 *
 * @example
 *   writeYaml({ network: { version: 2, ethernets: { eth0: { dhcp4: true } } } });
 *   // 'network:\n  version: 2\n  ethernets:\n    eth0:\n      dhcp4: true\n'
 */
export type YamlValue = string | number | boolean | YamlValue[] | { [key: string]: YamlValue | undefined };

// YAML 1.2 printable: C0 controls (but tab and newlines, which the escapes cover), DEL, C1 controls (but NEL)
// and the BOM must be escaped inside double quotes; JSON.stringify leaves DEL, C1 and the BOM raw.
const UNPRINTABLE = /[\u007f-\u0084\u0086-\u009f\ufeff]/g;

function quote(s: string): string {
  return JSON.stringify(s).replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}

/** A key stays plain only when no YAML reader could take it for anything but that string. */
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const RESERVED = /^(?:true|false|yes|no|on|off|null|y|n)$/i;

function key(k: string): string {
  return PLAIN_KEY.test(k) && !RESERVED.test(k) ? k : quote(k);
}

function scalar(v: string | number | boolean): string {
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number' && !Number.isFinite(v)) throw new TypeError(`not a YAML number: ${v}`);
  return String(v);
}

function isCollection(v: YamlValue): v is YamlValue[] | { [key: string]: YamlValue | undefined } {
  return typeof v === 'object' && v !== null;
}

function entries(map: { [key: string]: YamlValue | undefined }): [string, YamlValue][] {
  return Object.entries(map).filter((e): e is [string, YamlValue] => e[1] !== undefined);
}

function isEmpty(v: YamlValue): boolean {
  return Array.isArray(v) ? v.length === 0 : isCollection(v) && entries(v).length === 0;
}

function empty(v: YamlValue[] | { [key: string]: YamlValue | undefined }): string {
  return Array.isArray(v) ? '[]' : '{}';
}

function block(v: YamlValue, indent: string, out: string[]): void {
  if (Array.isArray(v)) {
    for (const item of v) {
      if (isCollection(item) && !isEmpty(item)) {
        // the first line of a nested block rides on the dash; the rest keep its indentation
        const inner: string[] = [];
        block(item, `${indent}  `, inner);
        out.push(`${indent}- ${inner[0]?.trimStart() ?? ''}`, ...inner.slice(1));
      } else out.push(`${indent}- ${isCollection(item) ? empty(item) : scalar(item)}`);
    }
    return;
  }
  if (!isCollection(v)) throw new TypeError('a YAML document must be a mapping or a sequence');
  for (const [k, value] of entries(v)) {
    if (isCollection(value) && !isEmpty(value)) {
      out.push(`${indent}${key(k)}:`);
      block(value, `${indent}  `, out);
    } else out.push(`${indent}${key(k)}: ${isCollection(value) ? empty(value) : scalar(value)}`);
  }
}

export function writeYaml(doc: YamlValue): string {
  const out: string[] = [];
  block(doc, '', out);
  return `${out.join('\n')}\n`;
}
