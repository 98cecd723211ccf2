/**
 * The JSON path of the field a schema validation failure is about, from the validator's error (TypeBox's,
 * shaped like ajv's): `/policies/0/destination` with a missing `protocol` becomes
 * `body.policies[0].destination.protocol`. The prefix says which part of the request it is in (`body`,
 * `query`, `params`, `headers`).
 *
 * @example
 *   fieldPath('body', { instancePath: '/a/0', keyword: 'required', params: { missingProperty: 'b' } }); // 'body.a[0].b'
 */

export interface SchemaError {
  instancePath?: string;
  keyword?: string;
  params?: Record<string, unknown>;
  message?: string;
  schemaPath?: string;
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
  // the field that is missing or unexpected is a child of instancePath, named in params (ajv: one name,
  // TypeBox: a list)
  const named = (k: string) => {
    const v = e.params?.[k];
    return Array.isArray(v) ? v[0] : v;
  };
  const child =
    named('missingProperty') ??
    named('requiredProperties') ??
    named('additionalProperty') ??
    named('additionalProperties');
  if (typeof child === 'string') path += segment(child);
  return path;
}

/** A short human message for one schema failure (ajv's own, plus the unexpected property's name). */
export function fieldMessage(field: string, e: SchemaError): string {
  if (e.keyword === 'required') return `${field} is required`;
  // TypeBox reports an unknown field as the `false` schema of additionalProperties, at the field itself
  if (
    e.keyword === 'additionalProperties' ||
    (e.keyword === 'boolean' && /additionalProperties$/.test(e.schemaPath ?? ''))
  )
    return `${field} is not a known field`;
  return `${field} ${e.message ?? 'is invalid'}`;
}
