/**
 * One pagination for every list endpoint, as Waldur does it: `?page=` (from 1) and `?page_size=` (default
 * 10, at most 300), the total in `X-Result-Count`, and `Link` with the first, prev, next and last pages
 * (the request's own URL with `page` replaced, so filters carry over). Lists with `keyset` also put a
 * `cursor` (cursor.ts) in the next link: following it seeks past the page before instead of an OFFSET.
 *
 * @example
 *   app.get('/api/x/', { schema: { querystring: Type.Object({ ...PageQuery, name: Type.Optional(Type.String()) }) } },
 *     async (req, reply) => page(req, reply, query, (r) => shape(r)));
 */
import { Type } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type SelectQueryBuilder, sql } from 'kysely';
import { baseUrl } from './context.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 300;

export const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, description: 'page number, from 1' })),
  page_size: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_PAGE_SIZE,
      description: `rows per page (default ${DEFAULT_PAGE_SIZE})`,
    }),
  ),
  cursor: Type.Optional(
    Type.String({ description: "where the page before ended: set by a list's Link next, opaque" }),
  ),
};

function link(req: FastifyRequest, page: number, size: number, cursor?: string): string {
  const u = new URL(req.url, baseUrl(req));
  u.searchParams.set('page', String(page));
  u.searchParams.set('page_size', String(size));
  if (cursor === undefined) u.searchParams.delete('cursor');
  else u.searchParams.set('cursor', cursor);
  return u.toString();
}

export interface PageOptions<R, O> {
  orderBy: string;
  desc?: boolean;
  shape: (row: R) => O;
  /**
   * The total without counting the query's rows (a count kept by the store, migration 0006); undefined:
   * this request's filters have none, so the rows are counted.
   */
  count?: () => Promise<number | undefined>;
  /**
   * The full rows of the page's uuids. Given, a page past the first walks only the order's index for
   * its uuids (OFFSET over index entries, not over whole rows), then reads just its own rows.
   */
  // biome-ignore lint/suspicious/noExplicitAny: any table's select query
  rowsOf?: (uuids: SelectQueryBuilder<any, any, { uuid: string }>) => SelectQueryBuilder<any, any, any>;
  /** Put a keyset cursor in the next link, and seek by the one a request brings (cursor.ts). */
  keyset?: boolean;
}

/**
 * Answers one page of `query` (already filtered to what the caller may see), ordered by `orderBy` then
 * `uuid`, each row shaped by `shape`.
 */
// biome-ignore lint/suspicious/noExplicitAny: any table's select query
export async function page<Q extends SelectQueryBuilder<any, any, any>, R, O>(
  req: FastifyRequest,
  reply: FastifyReply,
  query: Q,
  o: PageOptions<R, O>,
): Promise<O[]> {
  const asked = req.query as { page?: number; page_size?: number; cursor?: string };
  const size = asked.page_size ?? DEFAULT_PAGE_SIZE;
  const number = asked.page ?? 1;
  const after = o.keyset && asked.cursor !== undefined ? decodeCursor(asked.cursor) : undefined;
  const total = (await o.count?.()) ?? (await countRows(query));
  const dir = o.desc ? 'desc' : 'asc';
  const offset = (number - 1) * size;
  // biome-ignore lint/suspicious/noExplicitAny: any table's select query
  const ordered = (q: SelectQueryBuilder<any, any, any>) => q.orderBy(o.orderBy, dir).orderBy('uuid', dir);
  let rows: R[];
  if (after) {
    // a row value: both stores seek it on an index of (…, order, uuid)
    const past = sql<boolean>`(${sql.ref(o.orderBy)}, uuid) ${sql.raw(o.desc ? '<' : '>')} (${after[0]}, ${after[1]})`;
    rows = (await ordered(query.where(past)).limit(size).execute()) as R[];
  } else if (offset > 0 && o.rowsOf)
    rows = (await ordered(
      o.rowsOf(ordered(query.clearSelect().select('uuid')).limit(size).offset(offset)),
    ).execute()) as R[];
  else rows = (await ordered(query).limit(size).offset(offset).execute()) as R[];
  const end = rows.at(-1) as Record<string, unknown> | undefined;
  const cursor =
    o.keyset && end && rows.length === size
      ? encodeCursor([String(end[o.orderBy]), String(end.uuid)])
      : undefined;
  headers(req, reply, total, number, size, cursor);
  return rows.map(o.shape);
}

/** The answer of a list with nothing to show, without asking the store: no rows, one (empty) page. */
export function emptyPage(req: FastifyRequest, reply: FastifyReply): [] {
  const asked = req.query as { page?: number; page_size?: number };
  headers(req, reply, 0, asked.page ?? 1, asked.page_size ?? DEFAULT_PAGE_SIZE);
  return [];
}

function headers(
  req: FastifyRequest,
  reply: FastifyReply,
  total: number,
  number: number,
  size: number,
  cursor?: string,
) {
  const last = Math.max(1, Math.ceil(total / size));
  const links = [`<${link(req, 1, size)}>; rel="first"`];
  if (number > 1) links.push(`<${link(req, Math.min(number - 1, last), size)}>; rel="prev"`);
  if (number < last) links.push(`<${link(req, number + 1, size, cursor)}>; rel="next"`);
  links.push(`<${link(req, last, size)}>; rel="last"`);
  reply.header('x-result-count', String(total)).header('link', links.join(', '));
}

// biome-ignore lint/suspicious/noExplicitAny: any table's select query
async function countRows(query: SelectQueryBuilder<any, any, any>): Promise<number> {
  const { count } = (await query
    .clearSelect()
    .select((eb) => eb.fn.countAll().as('count'))
    .executeTakeFirstOrThrow()) as { count: number | string | bigint };
  return Number(count);
}
