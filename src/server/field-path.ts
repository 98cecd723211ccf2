/**
 * The JSON path of the field a schema validation failure is about, from ajv's error: `/policies/0/destination`
 * with a missing `protocol` becomes `body.policies[0].destination.protocol`. The prefix says which part of
 * the request it is in (`body`, `query`, `params`, `headers`).
 *
 * @example
 *   fieldPath('body', { instancePath: '/a/0', keyword: 'required', params: { missingProperty: 'b' } }); // 'body.a[0].b'
 */

export interface SchemaError {
  instancePath?: string;
  keyword?: string;
  params?: Record<string, unknown>;
  message?: string;
}

const PART: Record<string, string> = {
  querystring: 'query',
  body: 'body',
  params: 'params',
  headers: 'headers',
};

function segment(s: string): string {
  const key = s.replace(/~1/g, '/').replace(/~0/g, '~');
  if (/^[0-9]+$/.test(key)) return `[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

export function fieldPath(context: string, e: SchemaError): string {
  let path = PART[context] ?? context;
  for (const s of (e.instancePath ?? '').split('/').slice(1)) path += segment(s);
  // the field that is missing or unexpected is a child of instancePath, named in params
  const child = e.params?.missingProperty ?? e.params?.additionalProperty;
  if (typeof child === 'string') path += segment(child);
  return path;
}

/** A short human message for one schema failure (ajv's own, plus the unexpected property's name). */
export function fieldMessage(field: string, e: SchemaError): string {
  if (e.keyword === 'required') return `${field} is required`;
  if (e.keyword === 'additionalProperties') return `${field} is not a known field`;
  return `${field} ${e.message ?? 'is invalid'}`;
}
