import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServiceConfig, openApiPath, RunningService, startService } from '@fengqiao/platform';
import { discoverRoutes } from '@fengqiao/platform/testing';
import { endpoints, isCi, missingReason } from '@fengqiao/testing';
import { demoDistrict } from '@fengqiao/demo';
import { appDefinition } from './app';

/**
 * The OpenAPI document as a client generator in another language reads it (openapi-generator and
 * the like; the interop suite also runs Python's openapi-spec-validator on every service's
 * document): unique operation ids, every path parameter declared, `security` exactly on the routes
 * the AuthGuard protects, a media type on every success response, and that media type is what the
 * route really sends.
 */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const PASSWORD = 'fengqiao-demo-2025';
// the interop virtualenv's Python (tools/interop); under CI it must be there
const python = endpoints().python;
const itWithPython = python || isCi() ? it : it.skip;

describe('the OpenAPI document of the standalone app', () => {
  let service: RunningService;
  let dataDir: string;
  let doc: Json;
  const operations: Array<{ path: string; method: string; op: Json; pathItem: Json }> = [];
  /** JSON bodies the routes sent (the GET test collects them), checked against their schemas in Python */
  const bodies: Json[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fq-openapi-'));
    process.env.FENGQIAO_DEMO = 'true';
    service = await startService(
      appDefinition,
      loadServiceConfig('standalone', { port: 0, mode: 'standalone' }, { FENGQIAO_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }),
    );
    doc = (await (await fetch(`${service.url}/api/docs-json`)).json()) as Json;
    for (const [path, pathItem] of Object.entries(doc.paths as Json)) {
      for (const method of METHODS) if (pathItem[method]) operations.push({ path, method, op: pathItem[method], pathItem });
    }
  }, 120_000);

  const login = async (username: string): Promise<string> => {
    const res = await call('POST', '/auth/login', undefined, { username, password: PASSWORD });
    expect(res.status).toBe(200);
    return (res.body as Json).accessToken as string;
  };

  /** One call; the body parsed when it is JSON. */
  const call = async (method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; mediaType: string; body: Json | undefined }> => {
    const res = await fetch(`${service.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const mediaType = (res.headers.get('content-type') ?? '').split(';')[0].trim();
    const text = await res.text();
    return { status: res.status, mediaType, body: mediaType === 'application/json' && text ? (JSON.parse(text) as Json) : undefined };
  };

  afterAll(async () => {
    delete process.env.FENGQIAO_DEMO;
    await service?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  itWithPython(`passes Python's openapi-spec-validator${python ? '' : ` (skipped: ${missingReason('python')})`}`, () => {
    const run = spawnSync(python, [join(__dirname, '..', '..', '..', 'tools', 'interop', 'openapi_check.py')], {
      input: JSON.stringify(doc),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    const checked = JSON.parse(run.stdout) as Json;
    expect(checked.errors).toEqual([]);
    expect(checked.operations).toBe(operations.length);
  });

  it('gives every operation its own operationId', () => {
    const ids = operations.map((o) => o.op.operationId as string);
    expect(operations.length).toBeGreaterThan(100);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    // two controllers of one name in different contexts are told apart by their context
    expect(ids).toEqual(expect.arrayContaining(['mediation_ListCasesController_list', 'intake_ListCasesController_list']));
  });

  it('says in a summary what every operation does (what Swagger UI lists and SDK generators put in their doc comments)', () => {
    expect(operations.filter(({ op }) => !(typeof op.summary === 'string' && op.summary.trim())).map(({ method, path }) => `${method} ${path}`)).toEqual([]);
  });

  it('declares every path parameter', () => {
    const undeclared: string[] = [];
    for (const { path, method, op, pathItem } of operations) {
      const declared = [...(pathItem.parameters ?? []), ...(op.parameters ?? [])].filter((p: Json) => p.in === 'path').map((p: Json) => p.name);
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) if (!declared.includes(name)) undeclared.push(`${method} ${path}: ${name}`);
    }
    expect(undeclared).toEqual([]);
  });

  it('asks for the bearer token exactly on the routes the AuthGuard protects', () => {
    const routes = discoverRoutes(service.app);
    const wrong: string[] = [];
    for (const r of routes) {
      const path = openApiPath(r.path);
      const op = doc.paths[path]?.[r.method.toLowerCase()] as Json | undefined;
      if (!op) {
        wrong.push(`${r.key}: not in the document`);
        continue;
      }
      const asks = Array.isArray(op.security) && op.security.some((s: Json) => 'bearer' in s);
      if (asks !== (r.access.kind !== 'public')) wrong.push(`${r.key}: ${r.access.kind}, security ${JSON.stringify(op.security)}`);
    }
    expect(routes.length).toBe(operations.length);
    expect(wrong).toEqual([]);
  });

  it('names a media type for every success response but 204', () => {
    const bare = operations.flatMap(({ path, method, op }) =>
      Object.entries(op.responses as Json)
        .filter(([status, r]) => /^2\d\d$/.test(status) && status !== '204' && !r.content)
        .map(([status]) => `${method} ${path} ${status}`),
    );
    expect(bare).toEqual([]);
  });

  it('describes every JSON success response: a schema with properties, items or a reference, never an empty object', () => {
    const schemas = (doc.components?.schemas ?? {}) as Json;
    /** The schema says nothing a generated client could type: `{}`, or an object without shape (`$ref`s resolved, arrays by their items). */
    const untyped = (schema: Json | undefined, seen: readonly string[] = []): boolean => {
      if (!schema) return true;
      const ref = schema.$ref as string | undefined;
      if (ref) {
        const name = ref.replace('#/components/schemas/', '');
        return seen.includes(name) ? false : untyped(schemas[name] as Json | undefined, [...seen, name]);
      }
      if (schema.type === 'array') return untyped(schema.items as Json | undefined, seen);
      if (schema.type !== undefined && schema.type !== 'object') return false;
      return !['properties', 'additionalProperties', 'allOf', 'oneOf', 'anyOf'].some((key) => schema[key] !== undefined);
    };
    const offenders = operations.flatMap(({ path, method, op }) =>
      Object.entries(op.responses as Json)
        .filter(([status, r]) => /^2\d\d$/.test(status) && r.content?.['application/json'] && untyped(r.content['application/json'].schema as Json))
        .map(([status]) => `${method} ${path} ${status}`),
    );
    expect(offenders).toEqual([]);
  });

  it('declares the media type each GET route really sends (called as the demo users until one may)', async () => {
    const tokens: Array<string | undefined> = [undefined];
    let loginBody: Json = {};
    for (const username of ['op.d', 'admin', 'audit.d', 'xf.t-1', 'med.v-1-1']) {
      const res = await call('POST', '/auth/login', undefined, { username, password: PASSWORD });
      expect(res.status).toBe(200);
      loginBody = res.body as Json;
      tokens.push(loginBody.accessToken);
    }
    const checked: string[] = [];
    const wrong: string[] = [];
    bodies.push({ method: 'post', path: '/auth/login', status: 200, mediaType: 'application/json', body: loginBody });
    // a case on the board and in a department's queue, so their items are checked too
    const [gridWorker, operator, department] = await Promise.all(['gw.g-1-1-1', 'op.v-1-1', 'dept.d-cg'].map(login));
    const [lng, lat] = demoDistrict.pointInGrid('g-1-1-1');
    const reported = await call('POST', '/intake/cases', gridWorker, {
      channel: 'grid_worker',
      category: 'illegal_parking',
      description: 'OpenAPI 检查：楼道口占道',
      location: { point: { lat, lng } },
    });
    expect(reported.status).toBe(201);
    const caseId = (reported.body as Json).caseId as string;
    expect((await call('POST', `/intake/cases/${caseId}/file`, operator, { level: 'village' })).status).toBeLessThan(300);
    const deadline = Date.now() + 30_000;
    while ((await call('GET', `/grid-dispatch/cases/${caseId}`, operator)).body?.status !== 'dispatched' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    // Open311 picks the format by the suffix of the last segment: the document declares both
    for (const [path, template] of [
      [`/open311/v2/requests/${caseId}.xml`, '/open311/v2/requests/{id}'],
      ['/open311/v2/services/illegal_parking.xml', '/open311/v2/services/{code}'],
      [`/open311/v2/requests/${caseId}.json`, '/open311/v2/requests/{id}'],
      ['/open311/v2/services/illegal_parking', '/open311/v2/services/{code}'],
    ] as const) {
      const res = await call('GET', path);
      expect(`${path} ${res.status}`).toBe(`${path} 200`);
      const declared = Object.keys((doc.paths[template].get.responses as Json)['200'].content as Json);
      expect(declared).toContain(res.mediaType);
      if (res.body !== undefined) bodies.push({ method: 'get', path: template, status: 200, mediaType: res.mediaType, body: res.body });
    }
    for (const [path, template, token] of [
      [`/intake/cases/${caseId}`, '/intake/cases/{id}', operator],
      [`/grid-dispatch/cases/${caseId}`, '/grid-dispatch/cases/{caseId}', operator],
      ['/grid-dispatch/queue', '/grid-dispatch/queue', department],
    ] as const) {
      const res = await call('GET', path, token);
      expect(res.status).toBe(200);
      bodies.push({ method: 'get', path: template, status: 200, mediaType: res.mediaType, body: res.body });
    }
    expect((bodies[bodies.length - 1].body as Json).items).toHaveLength(1);
    // the routes of one mediation case, petition or warning, called with real ids
    const got = async (template: string, path: string, token: string) => {
      const res = await call('GET', path, token);
      expect(`${path} ${res.status}`).toBe(`${path} 200`);
      bodies.push({ method: 'get', path: template, status: 200, mediaType: res.mediaType, body: res.body });
      return res.body as Json;
    };
    /** GET until the route answers 200 (analytics' facts arrive through the bus). */
    const eventually = async (template: string, path: string, token: string) => {
      const until = Date.now() + 30_000;
      while ((await call('GET', path, token)).status === 404 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      return got(template, path, token);
    };
    // signed in above (the login rate limit allows one more, for a mediator of a case below)
    const [districtOperator, auditor, petitionOfficer] = [tokens[1], tokens[3], tokens[4]] as string[];
    const listed = (await got('/mediation/cases', '/mediation/cases?limit=100', auditor)).items as Json[];
    expect(listed.length).toBeGreaterThan(5);
    for (const id of listed.map((c) => c.caseId as string)) {
      await got('/mediation/cases/{id}', `/mediation/cases/${id}`, auditor);
      await got('/mediation/cases/{id}/dossier', `/mediation/cases/${id}/dossier`, auditor);
    }
    const mine = listed[0];
    const mediator = await login(`med.${(mine.committeeId as string).replace(/^mc-/, '')}`);
    const party = ((await got('/mediation/cases/{id}', `/mediation/cases/${mine.caseId}`, mediator)).parties as Json[])[0];
    const recorded = await call('PUT', `/mediation/cases/${mine.caseId}/parties/${party.partyId}`, mediator, { name: '王五', phone: '13800001111' });
    expect(recorded.status).toBe(200);
    bodies.push({ method: 'put', path: '/mediation/cases/{id}/parties/{partyId}', status: 200, mediaType: recorded.mediaType, body: recorded.body });
    await eventually('/analytics/cases/{caseId}', `/analytics/cases/${caseId}`, districtOperator);
    await eventually('/analytics/mediation/cases/{caseId}', `/analytics/mediation/cases/${mine.caseId}`, districtOperator);
    const petitionId = ((await got('/petitions', '/petitions', petitionOfficer)).items as Json[])[0].petitionId as string;
    await got('/petitions/{id}', `/petitions/${petitionId}`, petitionOfficer);
    await eventually('/analytics/petitions/{petitionId}', `/analytics/petitions/${petitionId}`, districtOperator);
    // two more reports at the same place raise a repeated-place warning; an operator acknowledges and resolves it
    for (const n of [2, 3]) {
      const again = await call('POST', '/intake/cases', gridWorker, {
        channel: 'grid_worker',
        category: 'illegal_parking',
        description: `OpenAPI 检查：楼道口占道（第 ${n} 次）`,
        location: { point: { lat, lng } },
      });
      expect(again.status).toBe(201);
    }
    const warningsUntil = Date.now() + 30_000;
    let warning: Json | undefined;
    while (!warning && Date.now() < warningsUntil) {
      const raised = await call('GET', '/analytics/warnings?status=raised', districtOperator);
      warning = ((raised.body?.warnings ?? []) as Json[]).find((w) => w.rule === 'EW.REPEATED_PLACE' && (w.caseIds as string[]).includes(caseId));
      if (!warning) await new Promise((r) => setTimeout(r, 100));
    }
    expect(warning).toBeDefined();
    for (const step of ['acknowledge', 'resolve']) {
      const res = await call('POST', `/analytics/warnings/${warning!.warningId}/${step}`, districtOperator, { note: `OpenAPI 检查：${step}` });
      expect(res.status).toBe(200);
      bodies.push({ method: 'post', path: `/analytics/warnings/{warningId}/${step}`, status: 200, mediaType: res.mediaType, body: res.body });
    }
    await got('/analytics/warnings', '/analytics/warnings', districtOperator);
    for (const { path, op } of operations.filter((o) => o.method === 'get' && !o.path.includes('{'))) {
      const declared = Object.entries(op.responses as Json)
        .filter(([status]) => /^2\d\d$/.test(status))
        .flatMap(([, r]) => Object.keys(r.content ?? {}));
      for (const token of tokens) {
        const res = await call('GET', path, token);
        if (res.status === 401 || res.status === 403) continue;
        if (res.status >= 300) break; // needs a query (e.g. /calendars/as-of): not a success to compare
        checked.push(path);
        if (!declared.includes(res.mediaType)) wrong.push(`GET ${path}: sends ${res.mediaType}, declares ${declared.join(', ')}`);
        if (res.body !== undefined) bodies.push({ method: 'get', path, status: res.status, mediaType: res.mediaType, body: res.body });
        break;
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toEqual(
      expect.arrayContaining(['/analytics/reports/monthly.csv', '/analytics/reports/monthly.xlsx', '/open311/v2/requests.xml', '/grid-dispatch/board']),
    );
    expect(checked.length).toBeGreaterThan(30);
    const board = bodies.find((b) => b.path === '/grid-dispatch/board')!.body as Json;
    expect(board.items).toEqual([expect.objectContaining({ caseId })]);
  }, 90_000);
  itWithPython('sends bodies that match the schemas it declares (openapi-schema-validator, Python)', () => {
    expect(bodies.length).toBeGreaterThan(20);
    const run = spawnSync(python, [join(__dirname, '..', '..', '..', 'tools', 'interop', 'openapi_responses.py')], {
      input: JSON.stringify({ document: doc, responses: bodies }),
      encoding: 'utf8',
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as Json;
    expect(result.errors).toEqual([]);
    expect(result.checked).toBe(bodies.length);
  });
});
