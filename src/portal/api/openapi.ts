/**
 * The OpenAPI 3.1 document of an app, generated from its route table: every route's TypeBox schemas (the
 * ones fastify validates requests and serializes answers with) become its parameters, request body and
 * answers, so the document cannot drift from the code. OpenAPI 3.1 takes JSON Schema as is, which is what
 * TypeBox emits; the JSON round trip drops TypeBox's symbol keys.
 *
 * @example
 *   const doc = openApiCollector(app, { title: 'osnet-portal', version });
 *   app.get('/api/schema/', { schema: { hide: true } }, async () => doc.document());
 */
import type { RouteOptions } from 'fastify';
import type { App } from '../../server/app.ts';

type Json = Record<string, unknown>;

interface RouteSchema {
  tags?: string[];
  hide?: boolean;
  security?: unknown[];
  params?: Json;
  querystring?: Json;
  body?: Json;
  response?: Record<string, Json>;
}

const plain = (s: unknown): Json => JSON.parse(JSON.stringify(s)) as Json;

function parameters(where: 'path' | 'query', s: Json | undefined): Json[] {
  const props = (s?.properties ?? {}) as Record<string, Json>;
  const required = new Set((s?.required ?? []) as string[]);
  return Object.entries(props).map(([name, schema]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: plain(schema),
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
  }));
}

function operation(method: string, url: string, s: RouteSchema): Json {
  const responses: Json = {};
  for (const [status, schema] of Object.entries(s.response ?? {})) {
    const code = status.replace(/xx$/, 'XX');
    const empty = (schema as Json).type === 'null';
    responses[code] = {
      description: (schema as Json).description ?? (code === 'default' ? 'error' : 'success'),
      ...(empty ? {} : { content: { 'application/json': { schema: plain(schema) } } }),
    };
  }
  if (Object.keys(responses).length === 0) responses.default = { description: 'answer' };
  const params = [...parameters('path', s.params), ...parameters('query', s.querystring)];
  return {
    operationId: `${method.toLowerCase()}${url.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string) => (c ?? '').toUpperCase())}`,
    ...(s.tags ? { tags: s.tags } : {}),
    ...(s.security ? { security: s.security } : {}),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(s.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: plain(s.body) } } } }
      : {}),
    responses,
  };
}

export interface OpenApiCollector {
  document(): Json;
}

/** Collects routes as they are added (call before registering them). */
export function openApiCollector(app: App, info: { title: string; version: string }): OpenApiCollector {
  const routes: { method: string; url: string; schema: RouteSchema }[] = [];
  app.addHook('onRoute', (r: RouteOptions) => {
    const schema = (r.schema ?? {}) as RouteSchema;
    if (schema.hide) return;
    for (const method of [r.method].flat()) {
      if (method === 'HEAD') continue;
      routes.push({ method, url: r.url.replace(/:([A-Za-z_]\w*)/g, '{$1}'), schema });
    }
  });
  let doc: Json | undefined;
  return {
    document() {
      if (doc) return doc;
      const paths: Record<string, Json> = {};
      for (const r of routes) {
        paths[r.url] ??= {};
        paths[r.url]![r.method.toLowerCase()] = operation(r.method, r.url, r.schema);
      }
      doc = {
        openapi: '3.1.0',
        info,
        components: {
          securitySchemes: {
            token: {
              type: 'apiKey',
              in: 'header',
              name: 'Authorization',
              description: '`Token <key>`, the key from POST /api-auth/password/',
            },
          },
        },
        security: [{ token: [] }],
        paths,
      };
      return doc;
    },
  };
}
