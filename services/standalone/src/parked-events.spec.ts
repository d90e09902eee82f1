/**
 * Issue 8, "a projection that meets an event it cannot apply records it": events that no view can
 * store (the NUL that once stopped intake and grid-dispatch for good) are written straight into the
 * contexts' event stores, bypassing the HTTP edge that now refuses them. The views park them with
 * the reason, other cases keep updating, /health counts them, and the app restarts, also when
 * the poison was stored while it was down.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent, StoredEvent } from '@fengqiao/event-store';
import { BuiltInIssuer, principalOf } from '@fengqiao/identity';
import { newId } from '@fengqiao/kernel';
import { ContextRuntime, loadServiceConfig, openContextInfrastructure, RunningService, runtimeToken, ServiceConfig, startService } from '@fengqiao/platform';
import { listParkedEvents } from '@fengqiao/read-store';
import { eventually } from '@fengqiao/testing';
import { appDefinition } from './app';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Every string in `value` with a NUL appended (ids included): nothing of it can be stored as a view. */
function poisoned(value: unknown): unknown {
  if (typeof value === 'string') return `${value}\u0000`;
  if (Array.isArray(value)) return value.map(poisoned);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, poisoned(v)]));
  return value;
}

describe('a projection parks an event it cannot apply, and the system goes on', () => {
  let dataDir: string;
  let config: ServiceConfig;
  let service: RunningService | undefined;
  const tokens = new Map<string, string>();

  const start = async () => {
    service = await startService(appDefinition, config);
    tokens.clear();
  };
  const runtime = (context: string) => service!.app.get<ContextRuntime>(runtimeToken(context), { strict: false });
  const token = async (username: string) => {
    if (!tokens.has(username)) {
      const issuer = service!.app.get(BuiltInIssuer, { strict: false });
      const snapshot = issuer.directory.current();
      tokens.set(username, (await issuer.issueAccessToken(principalOf(snapshot.userByUsername(username)!, snapshot))).token);
    }
    return tokens.get(username)!;
  };
  const call = async (method: string, path: string, as?: string, body?: unknown): Promise<{ status: number; body: Json }> => {
    const headers: Record<string, string> = as ? { authorization: `Bearer ${await token(as)}` } : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${service!.url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const report = async (description: string): Promise<string> => {
    const res = await call('POST', '/intake/cases', 'op.v-1-1', {
      channel: 'hotline',
      category: 'fire_lane_blocked',
      description,
      location: { address: '枫源小区3号楼北侧' },
    });
    expect(res.status).toBe(201);
    return res.body.caseId;
  };
  const fileCase = async (caseId: string) => {
    expect((await call('POST', `/intake/cases/${caseId}/file`, 'op.v-1-1', {})).status).toBe(200);
  };
  /** A copy of a stored event in a new stream, with a new id and every string of its data poisoned. */
  const poisonCopy = (stored: StoredEvent, streamPrefix: string) => {
    const caseId = newId();
    const { streamId: _s, revision: _r, globalPosition: _g, recordedAt: _t, hash: _h, ...envelope } = stored as StoredEvent & Record<string, unknown>;
    return { streamId: `${streamPrefix}${caseId}`, event: { ...envelope, id: newId(), data: { ...(poisoned(stored.data) as object), caseId } } as NewEvent };
  };
  const health = async () => {
    const res = await call('GET', '/health');
    return {
      status: res.status,
      intake: res.body.info?.intake ?? res.body.error?.intake,
      gridDispatch: res.body.info?.['grid-dispatch'] ?? res.body.error?.['grid-dispatch'],
    };
  };

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'fq-parked-'));
    config = loadServiceConfig('standalone', { port: 0, mode: 'standalone' }, { FENGQIAO_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  });
  afterAll(async () => {
    await service?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('parks the poison with its reason, keeps other cases updating, reports it on /health, and restarts', async () => {
    await start();
    const first = await report('消防通道被占用');
    const firstReported = (await runtime('intake').infra.events.readAll({ maxCount: 100_000 })).find(
      (e) => e.type === 'CaseReported' && (e.data as Json).caseId === first,
    )!;

    // intake: a report whose description (and everything else) carries a NUL
    const intakePoison = poisonCopy(firstReported, 'grid-case-report-');
    await runtime('intake').infra.events.append(intakePoison.streamId, [intakePoison.event], { expectedRevision: 'no_stream' });

    // other cases keep updating, at once (the command waits for its view)
    const second = await report('楼道堆放杂物');
    expect((await call('GET', `/intake/cases/${second}`, 'op.v-1-1')).status).toBe(200);
    // the case view parks it; so does the relay, which cannot publish it as a contract event
    const parked = await eventually(
      async () => {
        const found = await listParkedEvents(runtime('intake').infra.readStore);
        return found.length >= 2 ? found : undefined;
      },
      { what: 'intake parks the poison in its view and its relay', timeoutMs: 10_000, intervalMs: 50 },
    );
    expect(parked).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          projection: 'intake.case-view',
          eventId: intakePoison.event.id,
          code: 'READ_STORE.INVALID_DOCUMENT',
          reason: expect.stringContaining('NUL'),
        }),
        expect.objectContaining({
          projection: 'intake.relay',
          eventId: intakePoison.event.id,
          code: 'ContractViolation',
          reason: expect.stringContaining('control character U+0000'),
        }),
      ]),
    );

    // grid-dispatch: the first event of a work order, poisoned, in a new case stream
    await fileCase(first);
    const gd = runtime('grid-dispatch');
    const firstWorkOrderEvent = await eventually(
      async () => (await gd.infra.events.readAll({ maxCount: 100_000 })).find((e) => e.streamId.startsWith('grid-case-') && (e.data as Json).caseId === first),
      { what: 'grid-dispatch stores the filed case', timeoutMs: 20_000, intervalMs: 50 },
    );
    const gdPoison = poisonCopy(firstWorkOrderEvent, 'grid-case-');
    await gd.infra.events.append(gdPoison.streamId, [gdPoison.event], { expectedRevision: 'no_stream' });
    await fileCase(second);
    await eventually(async () => ((await call('GET', `/grid-dispatch/cases/${second}`, 'op.v-1-1')).status === 200 ? true : undefined), {
      what: 'grid-dispatch shows the second case',
      timeoutMs: 20_000,
      intervalMs: 50,
    });
    const gdParked = await eventually(
      async () => {
        const found = await listParkedEvents(gd.infra.readStore);
        return found.length > 0 ? found : undefined;
      },
      { what: 'grid-dispatch parks the poison', timeoutMs: 10_000, intervalMs: 50 },
    );
    expect(gdParked.map((p) => p.eventId)).toEqual(expect.arrayContaining([gdPoison.event.id]));
    expect(gdParked.every((p) => p.reason.length > 0 && p.code.length > 0)).toBe(true);

    // /health: up, with the parked events counted
    const up = await health();
    expect(up).toMatchObject({ status: 200, intake: { status: 'up', parkedEvents: 2 }, gridDispatch: { status: 'up' } });
    expect(up.gridDispatch.parkedEvents).toBeGreaterThanOrEqual(1);

    // a poison stored while the app is down is met at start-up
    await service!.close();
    service = undefined;
    const infra = await openContextInfrastructure('intake', config);
    const whileDown = poisonCopy(firstReported, 'grid-case-report-');
    await infra.events.append(whileDown.streamId, [whileDown.event], { expectedRevision: 'no_stream' });
    await infra.close();

    await start();
    await eventually(async () => ((await health()).intake?.parkedEvents === 4 ? true : undefined), {
      what: 'the second poison parked by the view and the relay',
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    expect(await health()).toMatchObject({ status: 200, intake: { status: 'up', parkedEvents: 4 } });
    const third = await report('路灯不亮');
    expect((await call('GET', `/intake/cases/${third}`, 'op.v-1-1')).body).toMatchObject({ caseId: third });
    expect((await call('GET', `/intake/cases/${second}`, 'op.v-1-1')).status).toBe(200);
  }, 120_000);

  it('mediation and petitions park an event their views cannot apply, and keep going', async () => {
    if (!service) await start();
    for (const [context, prefix, projection, isOpening] of [
      ['mediation', 'mediation-', 'mediation.case-view', (e: StoredEvent) => /^mediation-[0-9a-f]{8}-/.test(e.streamId)],
      ['petitions', 'petition-', 'petitions.views', (e: StoredEvent) => e.type === 'PetitionRegistered'],
    ] as const) {
      const rt = runtime(context);
      // the first event of a case the demo seeded through commands
      const opening = await eventually(
        async () => (await rt.infra.events.readAll({ maxCount: 100_000 })).find((e) => e.revision === 0 && e.streamId.startsWith(prefix) && isOpening(e)),
        { what: `${context} stores its demo cases`, timeoutMs: 60_000, intervalMs: 100 },
      );
      const poison = poisonCopy(opening, prefix);
      await rt.infra.events.append(poison.streamId, [poison.event], { expectedRevision: 'no_stream' });
      const parked = await eventually(
        async () => {
          const found = (await listParkedEvents(rt.infra.readStore)).filter((p) => p.projection === projection);
          return found.length > 0 ? found : undefined;
        },
        { what: `${context} parks the poison in its views`, timeoutMs: 20_000, intervalMs: 50 },
      );
      expect(parked).toEqual([expect.objectContaining({ projection, eventId: poison.event.id })]);
      expect(parked[0].reason.length).toBeGreaterThan(0);
    }
    // both contexts still up, with the parked event counted
    const res = await call('GET', '/health');
    expect(res.status).toBe(200);
    for (const context of ['mediation', 'petitions']) {
      expect(res.body.info[context]).toMatchObject({ status: 'up' });
      expect(res.body.info[context].parkedEvents).toBeGreaterThanOrEqual(1);
    }
  }, 120_000);
});
