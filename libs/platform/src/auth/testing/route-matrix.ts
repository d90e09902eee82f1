/**
 * The route matrix (DESIGN §7: "every endpoint checks role and jurisdiction"). For a running app:
 *
 * 1. enumerates every HTTP route from the app's controllers (Nest metadata, not a hand list);
 * 2. fails for any route missing from the table, any table entry without a route, any route whose
 *    decorators (@Public / @RequireAction) disagree with the table, and any unclassified route;
 * 3. calls every route without a token, and as every user inside and outside their jurisdiction,
 *    expecting success exactly where the role × action table and the jurisdiction allow it and
 *    401/403 elsewhere, with nothing written (the `snapshot` of the app's state is unchanged).
 *
 *   const report = await routeMatrix(app, table, { baseUrl, users, snapshot });
 *   expect(report.failures).toEqual([]);
 *
 * Limits: routes under a global prefix need `globalPrefix`; RouterModule paths and versioning are
 * not read.
 */
import type { INestApplication } from '@nestjs/common';
import type { Principal } from '@fengqiao/identity';
import { can, type Action } from '../actions';
import { discoverRoutes, type DiscoveredRoute } from '../route-discovery';

export { discoverRoutes, type DiscoveredRoute } from '../route-discovery';

export interface MatrixUser {
  /** label in failure messages, e.g. `operator@v-fy` */
  name: string;
  principal: Principal;
  token: string;
}

export type MatrixWhere = 'inside' | 'outside';

export interface MatrixRequest {
  /** the concrete path (with query string if any), e.g. `/cases/123` */
  path: string;
  /** JSON, or bytes sent as they are (name the content type in `headers`) */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface MatrixContext {
  /** undefined: the call without a token */
  user: MatrixUser | undefined;
  where: MatrixWhere;
}

export interface RouteSpec {
  /** what the route must declare: `public` (@Public) or its action (@RequireAction) */
  access: Action | 'public';
  /**
   * `resource`: the request names one resource (or creates one in a unit), called once inside and
   * once outside the user's jurisdiction; `collection`: lists or reads within the caller's scope
   * (called once; use `check` to prove nothing outside the scope comes back).
   */
  target: 'resource' | 'collection';
  /**
   * Builds the request (it may set up fresh data first). Undefined: no such resource exists for
   * this user (e.g. nothing lies outside a district-level user); the call is reported as skipped.
   */
  request(ctx: MatrixContext): MatrixRequest | undefined | Promise<MatrixRequest | undefined>;
  /** extra assertion on a successful response; return a message to fail */
  check?(response: { status: number; body: unknown }, ctx: MatrixContext): string | undefined | Promise<string | undefined>;
}

/** keyed by `METHOD /path/:param`, as in `DiscoveredRoute.key` */
export type RouteTable = Record<string, RouteSpec>;

export interface RouteMatrixOptions {
  baseUrl: string;
  users: MatrixUser[];
  /** the app's state (a digest is enough); compared before and after every refused call */
  snapshot(): unknown | Promise<unknown>;
  globalPrefix?: string;
}

export interface RouteMatrixReport {
  routes: DiscoveredRoute[];
  /** empty when the app passes */
  failures: string[];
  /** calls made */
  calls: number;
  skipped: string[];
}

function patternOf(path: string): RegExp {
  const escaped = path
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${escaped}(\\?.*)?$`);
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function sameState(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function codeOf(body: unknown): string {
  return typeof body === 'object' && body !== null && 'code' in body ? String((body as { code: unknown }).code) : '';
}

export async function routeMatrix(app: INestApplication, table: RouteTable, options: RouteMatrixOptions): Promise<RouteMatrixReport> {
  const routes = discoverRoutes(app, { globalPrefix: options.globalPrefix });
  const failures: string[] = [];
  const skipped: string[] = [];
  let calls = 0;

  const byKey = new Map(routes.map((r) => [r.key, r]));
  for (const key of Object.keys(table)) {
    if (!byKey.has(key)) failures.push(`${key}: in the route table but the app has no such route`);
  }

  const runnable: [DiscoveredRoute, RouteSpec][] = [];
  for (const route of routes) {
    const where = `${route.key} (${route.controller}.${route.handler})`;
    const spec = table[route.key];
    if (route.access.kind === 'unclassified') {
      failures.push(`${where}: has neither @Public nor @RequireAction`);
      continue;
    }
    if (!spec) {
      failures.push(`${where}: not in the route table; add it with the action it performs`);
      continue;
    }
    const declared = route.access.kind === 'public' ? 'public' : route.access.action;
    if (declared !== spec.access) {
      failures.push(`${where}: declares ${declared} but the table says ${spec.access}`);
      continue;
    }
    if (route.method === 'ALL') {
      failures.push(`${where}: @All routes cannot be checked; declare each method`);
      continue;
    }
    runnable.push([route, spec]);
  }

  for (const [route, spec] of runnable) {
    const contexts: MatrixContext[] = [{ user: undefined, where: 'inside' }];
    for (const user of options.users) {
      contexts.push({ user, where: 'inside' });
      if (spec.target === 'resource') contexts.push({ user, where: 'outside' });
    }
    for (const ctx of contexts) {
      const label = `${route.key} as ${ctx.user ? ctx.user.name : 'anonymous'}${spec.target === 'resource' ? ` (${ctx.where})` : ''}`;
      const req = await spec.request(ctx);
      if (!req) {
        skipped.push(label);
        continue;
      }
      if (!patternOf(route.path).test(req.path)) {
        failures.push(`${label}: the table's request goes to ${req.path}, not to this route`);
        continue;
      }
      let expected: 'success' | 401 | 403;
      if (spec.access === 'public') expected = 'success';
      else if (!ctx.user) expected = 401;
      else if (!can(ctx.user.principal, spec.access)) expected = 403;
      else if (spec.target === 'resource' && ctx.where === 'outside') expected = 403;
      else expected = 'success';

      const before = expected === 'success' ? undefined : await options.snapshot();
      const headers: Record<string, string> = { ...(req.headers ?? {}) };
      if (ctx.user) headers['authorization'] = `Bearer ${ctx.user.token}`;
      // a byte body (a file upload) goes as it is, with the content type its request names
      const raw = req.body instanceof Uint8Array;
      if (req.body !== undefined && !raw) headers['content-type'] = 'application/json';
      const res = await fetch(`${options.baseUrl}${req.path}`, {
        method: route.method,
        headers,
        ...(req.body !== undefined ? { body: raw ? (req.body as Uint8Array) : JSON.stringify(req.body) } : {}),
      });
      calls++;
      const body = await readBody(res);
      if (expected === 'success') {
        if (res.status < 200 || res.status >= 300) {
          failures.push(`${label}: expected success, got ${res.status} ${codeOf(body)}`.trim());
          continue;
        }
        const problem = await spec.check?.({ status: res.status, body }, ctx);
        if (problem) failures.push(`${label}: ${problem}`);
      } else {
        if (res.status !== expected) failures.push(`${label}: expected ${expected}, got ${res.status} ${codeOf(body)}`.trim());
        if (!sameState(before, await options.snapshot())) failures.push(`${label}: refused, yet the state changed`);
      }
    }
  }
  return { routes, failures, calls, skipped };
}

/** What the shared rows below need of a service's test app and its built-in issuer. */
export interface MatrixApp<K extends string> {
  /** the user name of a test user (e.g. `op.v-1-1`), also the label in failure messages */
  username(key: K): string;
  principal(key: K): Principal;
  token(key: K): Promise<string>;
  issuer: {
    setPassword(userId: string, password: string): Promise<void>;
    login(username: string, password: string): Promise<{ refreshToken: string }>;
  };
}

/** A service test app (started in a `beforeAll`, hence the getter) as the shared rows use it. */
export function matrixAppOf<K extends string>(usernames: Record<K, string>, app: () => Pick<MatrixApp<K>, 'principal' | 'token' | 'issuer'>): MatrixApp<K> {
  return {
    username: (key) => usernames[key],
    principal: (key) => app().principal(key),
    token: (key) => app().token(key),
    get issuer() {
      return app().issuer;
    },
  };
}

export interface MatrixUsers<K extends string> {
  users: MatrixUser[];
  /** the test user behind a call (`fallback` for the call without a token) */
  userOf(ctx: MatrixContext, fallback: K): K;
}

/** The matrix users of a service's test app: each with a token, and `password` set for the login routes. */
export async function matrixUsers<K extends string>(keys: readonly K[], app: MatrixApp<K>, password: string): Promise<MatrixUsers<K>> {
  const keyOf = new Map<string, K>();
  const users = await Promise.all(
    keys.map(async (key) => {
      const name = app.username(key);
      keyOf.set(name, key);
      await app.issuer.setPassword(app.principal(key).userId, password);
      return { name, principal: app.principal(key), token: await app.token(key) };
    }),
  );
  return { users, userOf: (ctx, fallback) => (ctx.user ? keyOf.get(ctx.user.name)! : fallback) };
}

export interface PlatformRowsOptions<K extends string> {
  app: MatrixApp<K>;
  password: string;
  /** the test user behind a call */
  userOf(ctx: MatrixContext): K;
}

let matrixSerial = 0;

/** The rows of the platform's routes every service hosts: health, keys, login, self, units, erasure. */
export function platformRows<K extends string>(o: PlatformRowsOptions<K>): RouteTable {
  return {
    'GET /health': { access: 'public', target: 'collection', request: () => ({ path: '/health' }) },
    'GET /health/ready': { access: 'public', target: 'collection', request: () => ({ path: '/health/ready' }) },
    'GET /health/live': { access: 'public', target: 'collection', request: () => ({ path: '/health/live' }) },
    'GET /.well-known/jwks.json': { access: 'public', target: 'collection', request: () => ({ path: '/.well-known/jwks.json' }) },
    'POST /auth/login': {
      access: 'public',
      target: 'collection',
      request: (ctx) => ({ path: '/auth/login', body: { username: o.app.username(o.userOf(ctx)), password: o.password } }),
    },
    'GET /auth/me': { access: 'self.read', target: 'collection', request: () => ({ path: '/auth/me' }) },
    'GET /directory/units': { access: 'directory.read', target: 'collection', request: () => ({ path: '/directory/units' }) },
    // the platform's erasure route (issue 14): admin only, for a subject of this process
    'POST /privacy/subjects/:subjectId/erasure': {
      access: 'personal_data.erase',
      target: 'collection',
      request: () => ({ path: `/privacy/subjects/matrix-subject-${++matrixSerial}/erasure`, body: { reason: '路由矩阵：本人申请删除' } }),
    },
  };
}

/**
 * The rows of the built-in issuer's routes a standalone service hosts: refresh, logout, directory
 * changes and passwords (the admin is at the district: nothing lies outside). `otherUser` is the
 * user whose password the admin changes.
 */
export function issuerRows<K extends string>(o: PlatformRowsOptions<K> & { otherUser: K; admin: K }): RouteTable {
  const refresh = async (ctx: MatrixContext) => (await o.app.issuer.login(o.app.username(o.userOf(ctx)), o.password)).refreshToken;
  const nothingOutside = (ctx: MatrixContext) => o.userOf(ctx) === o.admin && ctx.where === 'outside';
  return {
    'POST /auth/refresh': {
      access: 'public',
      target: 'collection',
      request: async (ctx) => ({ path: '/auth/refresh', body: { refreshToken: await refresh(ctx) } }),
    },
    'POST /auth/logout': {
      access: 'public',
      target: 'collection',
      request: async (ctx) => ({ path: '/auth/logout', body: { refreshToken: await refresh(ctx) } }),
    },
    'POST /directory/changes': {
      access: 'directory.manage',
      target: 'resource',
      request: (ctx) =>
        nothingOutside(ctx)
          ? undefined
          : { path: '/directory/changes', body: { change: { type: 'UnitRenamed', unitId: 't-3', name: `青山镇${++matrixSerial}` } } },
    },
    'PUT /directory/users/:id/password': {
      access: 'user.manage',
      target: 'resource',
      request: (ctx) =>
        nothingOutside(ctx)
          ? undefined
          : { path: `/directory/users/${o.app.principal(o.otherUser).userId}/password`, body: { password: `another-password-${++matrixSerial}` } },
    },
  };
}
