/**
 * The netplan writer against the `yaml` package it replaced: every fixture's netplan files read back with
 * `yaml`'s parser and written again with the options the renderer used before give the same bytes (so an
 * upgrade rewrites no file), and any strings, tricky ones included, survive a round trip.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse as parseYaml, stringify } from 'yaml';
import { loadFixtures } from '../../../testing/guest/fixtures.ts';
import { parse } from '../../model/parse.ts';
import { resolveNames } from '../../model/resolve-names.ts';
import { renderNetplan } from './render.ts';
import { writeYaml, type YamlValue } from './yaml-writer.ts';

const OLD_OPTIONS = { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 } as const;

test('every fixture renders the bytes the yaml package wrote', () => {
  let files = 0;
  for (const f of loadFixtures().filter((x) => !x.invalid)) {
    for (const file of renderNetplan(resolveNames(parse(f.raw), f.macMap))) {
      if (!file.path.startsWith('/etc/netplan/')) continue;
      const body = file.content.replace(/^#.*\n/, '');
      assert.equal(body, stringify(parseYaml(body), OLD_OPTIONS), `${f.name}: ${file.path}`);
      files++;
    }
  }
  assert.ok(files > 10, `only ${files} netplan files rendered`);
});

const TRICKY = [
  '',
  'default',
  'true',
  'no',
  '0',
  '1e3',
  '-',
  '- x',
  ': x',
  '#x',
  'a: b',
  ' lead',
  'trail ',
  '"q"',
  "'s'",
  'back\\slash',
  'tab\there',
  'line\nbreak',
  'cr\rlf',
  'nul\u0000',
  'del\u007f',
  'c1\u0085\u0090',
  'bom\ufeff',
  'ünïcødé',
  '😀',
  '\u2028',
  '{a}',
  '[a]',
  '*ref',
  '&anchor',
  '!tag',
  '%dir',
  '@at',
  '`tick',
  '~',
  'null',
];

test('tricky strings as keys and values read back as themselves', () => {
  const doc: Record<string, YamlValue> = {};
  for (const [i, s] of TRICKY.entries())
    doc[s] = { value: s, list: [s, i, i % 2 === 0], nested: [{ [s]: s }] };
  doc.empty = { list: [], map: {} };
  assert.deepEqual(parseYaml(writeYaml(doc)), doc);
});

test('a sequence of sequences and a top-level sequence read back', () => {
  const doc: YamlValue = [[1, 'a', [true]], { k: [[]] }, 'x'];
  assert.deepEqual(parseYaml(writeYaml(doc)), doc);
});

test('undefined members are left out, as the yaml package did', () => {
  assert.equal(writeYaml({ a: 1, b: undefined }), 'a: 1\n');
});

test('a number YAML cannot hold is refused', () => {
  assert.throws(() => writeYaml({ mtu: Number.NaN }), /not a YAML number/);
  assert.throws(() => writeYaml('x'), /mapping or a sequence/);
});
