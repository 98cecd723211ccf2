/**
 * osnet-portal's benchmark (issue 11): (a) a pull of one tenant with `--networks` networks and `--ports`
 * ports made out-of-band on the lab (bench/portal-pull.ts), (b) the resource lists at `--rows` rows on each
 * `--store` (bench/portal-kind-lists.ts). Figures only, no thresholds; every row printed starts with
 * `pull:` or `lists <store>:`.
 *
 * Run: `node bench/portal.ts [--networks 100] [--ports 1000] [--rows 100000] [--requests 200]
 *       [--store sqlite|postgres] [--skip pull|lists]` with the lab (and its PostgreSQL) up.
 */
import { parseArgs } from 'node:util';
import { STORE_KINDS, type StoreKind } from '../src/testing/store/stores.ts';
import { benchKindLists } from './portal-kind-lists.ts';
import { benchPull } from './portal-pull.ts';

const { values } = parseArgs({
  options: {
    networks: { type: 'string', default: '100' },
    ports: { type: 'string', default: '1000' },
    rows: { type: 'string', default: '100000' },
    requests: { type: 'string', default: '200' },
    store: { type: 'string' },
    skip: { type: 'string' },
  },
});
const num = (name: keyof typeof values) => {
  const v = Number(values[name]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name}: a positive integer, not ${values[name]}`);
  return v;
};
if (values.store !== undefined && !STORE_KINDS.includes(values.store as StoreKind))
  throw new Error(`--store: sqlite or postgres, not ${values.store}`);

if (values.skip !== 'pull') await benchPull({ networks: num('networks'), ports: num('ports') });
if (values.skip !== 'lists')
  for (const kind of STORE_KINDS)
    if (!values.store || values.store === kind)
      await benchKindLists(kind, { rows: num('rows'), requests: num('requests') });
