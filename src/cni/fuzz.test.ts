/**
 * Thousands of malformed invocations (random JSON mutations of valid configs, broken JSON text, odd
 * environments): each either parses or fails with a CniError that has a spec code and names its field,
 * never any other throw. Seeded, so a failure reproduces: the seed and case number are in the message.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BASE, ENV, mutate, mutateEnv, mutateText, PREV, pick, rng } from '../testing/cni/fuzz-inputs.ts';
import { mergeArgs } from './args.ts';
import { decodeStdin, parseConfig } from './config.ts';
import { parseEnv } from './env.ts';
import { CniError } from './errors.ts';
import { errorOutput, parseInvocation } from './invocation.ts';
import { formatResult, parseResult } from './result.ts';
import { SUPPORTED_VERSIONS } from './versions.ts';

const SEED = Number(process.env.OSNET_FUZZ_SEED ?? 20251201);
const CASES = Number(process.env.OSNET_FUZZ_CASES ?? 4000);
/** What config and environment checks may answer (never 100: that would be a defect escaping). */
const INPUT_CODES = [1, 2, 4, 6, 7];

function checkError(e: unknown, where: string): void {
  if (!(e instanceof CniError)) {
    assert.fail(`${where}: threw ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e)}`);
  }
  assert.ok(INPUT_CODES.includes(e.code), `${where}: code ${e.code} (${e.message})`);
  assert.ok(e.field && e.field.length > 0, `${where}: no field in ${e.message}`);
  for (const name of e.field.split(',')) {
    const shown = name === 'stdin' ? 'stdin' : name;
    assert.ok(e.message.includes(shown), `${where}: message "${e.message}" does not name ${name}`);
  }
}

/** The checks without parseInvocation's safety net, so a stray TypeError shows up as itself. */
function rawPipeline(env: Record<string, string | undefined>, stdin: string): void {
  const e = parseEnv(env);
  if (e.command === 'VERSION') return;
  const config = parseConfig(decodeStdin(stdin), e.command);
  mergeArgs(e.args, config.args);
}

describe(`fuzz (seed ${SEED}, ${CASES} cases each)`, () => {
  it('the valid base parses for ADD, DEL, CHECK, GC and STATUS', () => {
    for (const CNI_COMMAND of ['ADD', 'DEL', 'CHECK', 'GC', 'STATUS']) {
      assert.doesNotThrow(() => parseInvocation({ ...ENV, CNI_COMMAND }, JSON.stringify(BASE)), CNI_COMMAND);
    }
  });

  it('mutated JSON configs: a CniError naming the field, or a parse', () => {
    const r = rng(SEED);
    let failures = 0;
    for (let i = 0; i < CASES; i++) {
      const env = { ...ENV, CNI_COMMAND: pick(r, ['ADD', 'DEL', 'CHECK', 'GC', 'STATUS']) };
      const stdin = JSON.stringify(mutate(r, structuredClone(BASE)));
      try {
        rawPipeline(env, stdin);
      } catch (e) {
        failures++;
        checkError(e, `case ${i} ${env.CNI_COMMAND} ${stdin.slice(0, 300)}`);
        const out = errorOutput(e, stdin);
        assert.equal(typeof out.code, 'number');
        assert.equal(typeof out.msg, 'string');
        assert.ok(SUPPORTED_VERSIONS.includes(out.cniVersion as never));
      }
    }
    // the mutations must actually reach the checks
    assert.ok(failures > CASES / 4, `only ${failures} of ${CASES} mutations were refused`);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('broken JSON text: code 6 or a field error, never a SyntaxError', () => {
    const r = rng(SEED + 1);
    const text = JSON.stringify(BASE);
    for (let i = 0; i < CASES; i++) {
      const stdin = mutateText(r, text);
      try {
        rawPipeline({ ...ENV }, stdin);
      } catch (e) {
        checkError(e, `case ${i} ${JSON.stringify(stdin.slice(0, 120))}`);
      }
    }
  });

  it('odd environments: code 4 naming the variable (or a config error), never anything else', () => {
    const r = rng(SEED + 2);
    for (let i = 0; i < CASES; i++) {
      const env = mutateEnv(r);
      try {
        rawPipeline(env, JSON.stringify(BASE));
      } catch (e) {
        checkError(e, `case ${i} ${JSON.stringify(env)}`);
      }
    }
  });

  it('mutated results: a CniError, or a result every version writes and reads back identically', () => {
    const r = rng(SEED + 3);
    for (let i = 0; i < CASES; i++) {
      const doc = mutate(r, structuredClone(PREV));
      try {
        const { result } = parseResult(doc, { version: '1.1.0' });
        for (const v of SUPPORTED_VERSIONS) {
          const out = formatResult(result, v);
          assert.deepEqual(formatResult(parseResult(out).result, v), out, `case ${i} ${v}`);
        }
      } catch (e) {
        if (e instanceof assert.AssertionError) throw e;
        assert.ok(e instanceof CniError, `case ${i}: ${String(e)}`);
        assert.ok(
          [1, 6].includes(e.code) && e.field?.startsWith('result'),
          `case ${i}: ${e.code} ${e.field}`,
        );
      }
    }
  });

  it('parseInvocation itself only ever throws CniError', () => {
    const r = rng(SEED + 4);
    for (let i = 0; i < CASES / 4; i++) {
      const stdin =
        r() < 0.5 ? JSON.stringify(mutate(r, structuredClone(BASE))) : mutateText(r, JSON.stringify(BASE));
      try {
        parseInvocation(mutateEnv(r), stdin);
      } catch (e) {
        assert.ok(e instanceof CniError, String(e));
        assert.notEqual(e.code, 100, `case ${i}: internal error ${e.message}`);
      }
    }
  });
});
