/**
 * PowerShell structural checker (pwsh is not installable from this machine's registries: `apt-cache
 * policy powershell` has no candidate). It tokenises every line of the rendered script (single-quoted
 * literals, variables, braces, pipes), requires the fixed prelude verbatim, allows only known cmdlets with
 * known parameters and typed values (IP, prefix, MTU, enum), and checks the script's own invariants: an
 * alias is used only after a rename/team made it, and every address or route added on an alias and family
 * was removed first (idempotence).
 *
 * @example
 *   const { errors } = checkPowershell(renderPowershell(cfg));
 */

import { PS_PRELUDE } from '../../../guest/formats/powershell/render.ts';
import type { RenderedFile } from '../../../guest/formats/types.ts';
import { maskToPrefix, parseIp } from '../../../guest/model/ip.ts';
import type { ValidationResult } from '../run.ts';
import { powershellSyntaxErrors } from './powershell-grammar.ts';

type Tok = { kind: 'str' | 'word' | 'var' | 'param' | 'punct'; text: string };

/** Splits one line into tokens; throws on an unterminated literal or an unknown character. */
export function tokenize(line: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i] as string;
    if (c === ' ') {
      i++;
    } else if (c === "'") {
      let j = i + 1;
      let text = '';
      for (;;) {
        if (j >= line.length) throw new Error(`unterminated string at column ${i + 1}`);
        if (line[j] === "'") {
          if (line[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += line[j];
        j++;
      }
      out.push({ kind: 'str', text });
      i = j + 1;
    } else if (c === '$') {
      const m = /^\$[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z]+)*(:\$?[a-z]+)?/.exec(line.slice(i));
      if (!m) throw new Error(`bad variable at column ${i + 1}`);
      out.push({ kind: 'var', text: m[0] });
      i += m[0].length;
    } else if (c === '-' && /[A-Za-z]/.test(line[i + 1] ?? '')) {
      const m = /^-[A-Za-z]+(:\$(true|false))?/.exec(line.slice(i)) as RegExpExecArray;
      out.push({ kind: 'param', text: m[0] });
      i += m[0].length;
    } else if ('{}()|;,='.includes(c) || (c === '@' && line[i + 1] === '(')) {
      const text = c === '@' ? '@(' : c;
      out.push({ kind: 'punct', text });
      i += text.length;
    } else {
      const m = /^[A-Za-z0-9][A-Za-z0-9.:/-]*/.exec(line.slice(i));
      if (!m) throw new Error(`unexpected ${JSON.stringify(c)} at column ${i + 1}`);
      out.push({ kind: 'word', text: m[0] });
      i += m[0].length;
    }
  }
  return out;
}

type ValueCheck = (v: Tok[]) => string | undefined;
const one =
  (f: (t: Tok) => boolean, what: string): ValueCheck =>
  (v) =>
    v.length === 1 && v[0] && f(v[0]) ? undefined : `must be ${what}`;
const str = one((t) => t.kind === 'str' && t.text.length > 0, 'a quoted string');
const ipStr = one((t) => t.kind === 'str' && parseIp(t.text) !== undefined, 'a quoted IP address');
const cidr = one((t) => {
  const [a = '', p = ''] = t.text.split('/');
  const ip = parseIp(a);
  return t.kind === 'str' && ip !== undefined && maskToPrefix(p, ip.family) !== undefined;
}, 'a quoted CIDR');
const int = (min: number, max: number) =>
  one(
    (t) => t.kind === 'word' && /^[0-9]+$/.test(t.text) && Number(t.text) >= min && Number(t.text) <= max,
    `${min}-${max}`,
  );
const oneOf = (...w: string[]) =>
  one((t) => t.kind === 'word' && w.includes(t.text), `one of ${w.join(', ')}`);
const alias = one((t) => t.kind === 'str' || t.kind === 'var', 'an alias');
const list =
  (each: (t: Tok) => boolean, what: string): ValueCheck =>
  (v) => {
    if (v[0]?.text !== '@(' || v[v.length - 1]?.text !== ')') return `must be @(...) of ${what}`;
    const items = v.slice(1, -1).filter((t) => t.text !== ',');
    return items.length > 0 && items.every(each) ? undefined : `must list ${what}`;
  };
const flag: ValueCheck = (v) => (v.length === 0 ? undefined : 'takes no value');

/** Cmdlets the renderer may use, with their allowed parameters. */
const CMDLETS: Record<string, Record<string, ValueCheck>> = {
  'Get-OsnetAdapter': {
    '-Mac': one((t) => t.kind === 'str' && /^([0-9A-F]{2}-){5}[0-9A-F]{2}$/.test(t.text), 'a Windows MAC'),
  },
  'Write-OsnetLog': {},
  'Rename-NetAdapter': { '-Name': alias, '-NewName': str },
  'Get-NetAdapter': { '-Name': str, '-ErrorAction': oneOf('SilentlyContinue') },
  'Get-NetLbfoTeam': { '-Name': str, '-ErrorAction': oneOf('SilentlyContinue') },
  'New-NetLbfoTeam': {
    '-Name': str,
    '-TeamMembers': list((t) => t.kind === 'str', 'names'),
    '-TeamingMode': oneOf('Static', 'SwitchIndependent', 'Lacp'),
    '-Confirm:$false': flag,
  },
  'Get-NetLbfoTeamNic': { '-Team': str, '-Name': str, '-ErrorAction': oneOf('SilentlyContinue') },
  'Add-NetLbfoTeamNic': { '-Team': str, '-Name': str, '-VlanID': int(1, 4094), '-Confirm:$false': flag },
  'Set-NetAdapter': { '-Name': str, '-VlanID': int(1, 4094), '-Confirm:$false': flag },
  'Set-NetIPInterface': {
    '-InterfaceAlias': alias,
    '-AddressFamily': oneOf('IPv4', 'IPv6'),
    '-NlMtuBytes': int(68, 65535),
    '-Dhcp': oneOf('Enabled', 'Disabled'),
    '-RouterDiscovery': oneOf('Enabled', 'Disabled'),
  },
  'Get-NetRoute': {
    '-InterfaceAlias': alias,
    '-AddressFamily': oneOf('IPv4', 'IPv6'),
    '-Protocol': oneOf('NetMgmt'),
    '-ErrorAction': oneOf('SilentlyContinue'),
  },
  'Remove-NetRoute': { '-Confirm:$false': flag },
  'Get-NetIPAddress': {
    '-InterfaceAlias': alias,
    '-AddressFamily': oneOf('IPv4', 'IPv6'),
    '-PrefixOrigin': oneOf('Manual'),
    '-ErrorAction': oneOf('SilentlyContinue'),
  },
  'Remove-NetIPAddress': { '-Confirm:$false': flag },
  'New-NetIPAddress': {
    '-InterfaceAlias': alias,
    '-AddressFamily': oneOf('IPv4', 'IPv6'),
    '-IPAddress': ipStr,
    '-PrefixLength': int(1, 128),
  },
  'New-NetRoute': {
    '-InterfaceAlias': alias,
    '-AddressFamily': oneOf('IPv4', 'IPv6'),
    '-DestinationPrefix': cidr,
    '-NextHop': ipStr,
    '-RouteMetric': int(0, 9999),
  },
  'Set-DnsClientServerAddress': {
    '-InterfaceAlias': alias,
    '-ServerAddresses': list((t) => t.kind === 'str' && parseIp(t.text) !== undefined, 'IP addresses'),
    '-ResetServerAddresses': flag,
  },
  'Set-DnsClient': { '-InterfaceAlias': alias, '-ConnectionSpecificSuffix': str },
  'Set-DnsClientGlobalSetting': { '-SuffixSearchList': list((t) => t.kind === 'str', 'domains') },
  'Out-Null': {},
};

interface Call {
  cmdlet: string;
  params: Map<string, Tok[]>;
}

/** Splits a token line into cmdlet calls (at `|`, `;`, braces and `if (...)` / `else` structure). */
function calls(toks: Tok[], where: string, errors: string[]): Call[] {
  const out: Call[] = [];
  let depth = 0;
  let i = 0;
  while (i < toks.length) {
    const t = toks[i] as Tok;
    if (t.kind === 'punct' && '|;{}'.includes(t.text)) {
      depth += t.text === '{' ? 1 : t.text === '}' ? -1 : 0;
      if (depth < 0) errors.push(`${where}: unbalanced }`);
      i++;
      continue;
    }
    if (t.kind === 'word' && (t.text === 'if' || t.text === 'else')) {
      i++;
      if (t.text === 'if') {
        // Conditions are `(-not (Cmd ...))`, `(Cmd ...)` or `($nic.Name -ne 'x')`: skip to the matching ).
        let level = 0;
        const start = i;
        do {
          const p = toks[i];
          if (!p) break;
          if (p.text === '(' || p.text === '@(') level++;
          if (p.text === ')') level--;
          i++;
        } while (level > 0);
        const inner = toks
          .slice(start + 1, i - 1)
          .filter((x) => x.text !== '-not' && x.text !== '(' && x.text !== ')');
        if (inner[0]?.kind === 'word') out.push(...calls(inner, where, errors));
      }
      continue;
    }
    if (t.kind === 'var' && toks[i + 1]?.text === '=') {
      i += 2;
      continue;
    }
    if (t.kind !== 'word') {
      errors.push(`${where}: expected a cmdlet, found ${t.text}`);
      i++;
      continue;
    }
    const call: Call = { cmdlet: t.text, params: new Map() };
    i++;
    let current: Tok[] | undefined;
    while (i < toks.length && !(toks[i]?.kind === 'punct' && '|;{}'.includes(toks[i]?.text ?? ''))) {
      const p = toks[i] as Tok;
      if (p.kind === 'param' && p.text !== '-not' && p.text !== '-ne' && p.text !== '-eq') {
        current = [];
        call.params.set(p.text, current);
      } else if (current) current.push(p);
      else if (call.cmdlet !== 'Write-OsnetLog')
        errors.push(`${where}: positional argument ${p.text} to ${call.cmdlet}`);
      i++;
    }
    out.push(call);
  }
  if (depth !== 0) errors.push(`${where}: unbalanced braces`);
  return out;
}

/** Checks the rendered PowerShell script. */
export function checkPowershell(files: RenderedFile[]): ValidationResult {
  const errors: string[] = [];
  for (const f of files) {
    if (!f.path.endsWith('.ps1')) {
      errors.push(`${f.path}: not a .ps1 file`);
      continue;
    }
    const lines = f.content.split('\r\n');
    if (lines.pop() !== '') errors.push(`${f.path}: must end with CRLF`);
    PS_PRELUDE.forEach((p, k) => {
      if (lines[k + 1] !== p) errors.push(`${f.path}:${k + 2}: prelude line differs`);
    });
    const aliases = new Set<string>();
    const removed = new Set<string>();
    lines.slice(1 + PS_PRELUDE.length).forEach((line, k) => {
      const where = `${f.path}:${k + 2 + PS_PRELUDE.length}`;
      if (line.startsWith('#')) return;
      let toks: Tok[];
      try {
        toks = tokenize(line);
      } catch (e) {
        errors.push(`${where}: ${(e as Error).message}`);
        return;
      }
      for (const c of calls(toks, where, errors)) {
        const spec = CMDLETS[c.cmdlet];
        if (!spec) {
          errors.push(`${where}: cmdlet ${c.cmdlet} is not allowed`);
          continue;
        }
        for (const [p, v] of c.params) {
          const check = spec[p];
          if (!check) errors.push(`${where}: ${c.cmdlet} has no parameter ${p}`);
          else {
            const e = check(v);
            if (e) errors.push(`${where}: ${c.cmdlet} ${p} ${e}`);
          }
        }
        const name = (p: string) => c.params.get(p)?.[0]?.text;
        if (c.cmdlet === 'Rename-NetAdapter') aliases.add(name('-NewName') ?? '');
        if (c.cmdlet === 'New-NetLbfoTeam' || c.cmdlet === 'Add-NetLbfoTeamNic')
          aliases.add(name('-Name') ?? '');
        const a = c.params.get('-InterfaceAlias')?.[0];
        if (a?.kind === 'str' && !aliases.has(a.text))
          errors.push(`${where}: alias ${a.text} used before it is named`);
        const key = `${c.cmdlet.endsWith('Route') ? 'route' : 'addr'}:${a?.text}:${name('-AddressFamily')}`;
        if (c.cmdlet === 'Get-NetRoute' || c.cmdlet === 'Get-NetIPAddress') {
          if (line.includes('| Remove-Net')) removed.add(key);
        }
        if ((c.cmdlet === 'New-NetRoute' || c.cmdlet === 'New-NetIPAddress') && !removed.has(key)) {
          errors.push(
            `${where}: ${c.cmdlet} on ${a?.text} ${name('-AddressFamily')} without removing the old ones first`,
          );
        }
      }
    });
  }
  return { tool: 'osnet PowerShell checker', errors, warnings: [] };
}

/** The PowerShell validator of VALIDATORS: the PowerShell grammar (tree-sitter) for syntax, then the rules above. */
export async function validatePowershell(files: RenderedFile[]): Promise<ValidationResult> {
  const syntax = (
    await Promise.all(
      files.map(async (f) => (await powershellSyntaxErrors(f.content)).map((e) => `${f.path}: ${e}`)),
    )
  ).flat();
  const r = checkPowershell(files);
  return {
    tool: 'tree-sitter PowerShell grammar + osnet checker',
    errors: [...syntax, ...r.errors],
    warnings: [],
  };
}
