/**
 * The OpenAPI document as a client generator in another language reads it (openapi-generator,
 * NSwag, oapi-codegen …), completed from the app's routes after `SwaggerModule.createDocument`:
 *
 * - **security** from the AuthGuard's own rule (`discoverRoutes` → `routeAccessOf`): every route that
 *   needs a token says `bearer`, every public one says nothing. A generated client sends the token
 *   only where the document asks for it: a protected route without `security` was a 401 for it.
 * - **path parameters**: every `{name}` of a path is declared (a string) where the controller's
 *   decorators did not; an undeclared one leaves the generated client with a template it cannot
 *   fill, and the standard validators refuse the document.
 * - **operationId** unique: two controllers of the same class name in different contexts (e.g.
 *   `ListCasesController_list` in intake and in mediation) become `<first path segment>_<id>`; a
 *   generator would otherwise refuse the document or merge the two methods.
 * - **responses**: a success response that declares no content gets one. Its media type is what the
 *   route sends: what its `@ApiProduces` says, else JSON; its schema is any JSON
 *   value (`{}`) where none is described yet, so a generated client hands back the parsed body
 *   instead of dropping it. 204 stays empty.
 */
import type { OpenAPIObject } from '@nestjs/swagger';
import type { DiscoveredRoute } from '../auth/route-discovery';

type Json = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

/** `/cases/:id` (Express) → `/cases/{id}` (OpenAPI). */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

export function completeOpenApiDocument(document: OpenAPIObject, routes: readonly DiscoveredRoute[], securityScheme = 'bearer'): OpenAPIObject {
  const byOperation = new Map(routes.map((r) => [`${r.method.toLowerCase()} ${openApiPath(r.path)}`, r]));
  const operations: Array<{ path: string; method: string; op: Json; pathItem: Json }> = [];
  for (const [path, item] of Object.entries(document.paths)) {
    const pathItem = item as unknown as Json;
    for (const method of METHODS) {
      const op = pathItem[method] as Json | undefined;
      if (op) operations.push({ path, method, op, pathItem });
    }
  }
  for (const { path, method, op, pathItem } of operations) {
    const route = byOperation.get(`${method} ${path}`);
    if (route?.access.kind === 'public') delete op.security;
    else if (route?.access.kind === 'action') op.security = [{ [securityScheme]: [] }];
    declarePathParameters(path, op, pathItem);
    completeResponses(op, route?.produces ?? []);
  }
  uniqueOperationIds(operations);
  return document;
}

function declarePathParameters(path: string, op: Json, pathItem: Json): void {
  const declared = new Set(
    [...((pathItem.parameters as Json[] | undefined) ?? []), ...((op.parameters as Json[] | undefined) ?? [])]
      .filter((p) => p.in === 'path')
      .map((p) => p.name as string),
  );
  const missing = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).filter((name) => !declared.has(name));
  if (missing.length === 0) return;
  op.parameters = [
    ...missing.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    ...((op.parameters as Json[] | undefined) ?? []),
  ];
}

function completeResponses(op: Json, produces: readonly string[]): void {
  const responses = (op.responses ??= {}) as Record<string, Json>;
  for (const [status, response] of Object.entries(responses)) {
    if (!/^2\d\d$/.test(status) || status === '204' || response.content) continue;
    const types = produces.length > 0 ? produces : ['application/json'];
    response.content = Object.fromEntries(types.map((type) => [type, { schema: type === 'application/json' ? {} : { type: 'string', format: 'binary' } }]));
    if (!response.description) response.description = 'OK';
  }
}

function uniqueOperationIds(operations: ReadonlyArray<{ path: string; op: Json }>): void {
  const count = new Map<string, number>();
  for (const { op } of operations) if (typeof op.operationId === 'string') count.set(op.operationId, (count.get(op.operationId) ?? 0) + 1);
  const taken = new Set(count.keys());
  for (const { path, op } of operations) {
    const id = op.operationId;
    if (typeof id !== 'string' || (count.get(id) ?? 0) < 2) continue;
    const segment = (path.split('/').find((s) => s !== '' && !s.startsWith('{')) ?? 'root').replace(/[^A-Za-z0-9]+/g, '_');
    let unique = `${segment}_${id}`;
    for (let n = 2; taken.has(unique); n++) unique = `${segment}_${id}_${n}`;
    taken.add(unique);
    op.operationId = unique;
  }
}
