/**
 * The HTTP spec every work-order command gets (one `describe` per use-case folder): the one
 * response shape with its ETag, If-Match (412 on a stale revision), the role table (403), the
 * case's jurisdiction (403), an unknown case (404), no token (401), and 400 with the field named
 * for bad bodies; every refused call writes nothing. A use case adds its own tests beside it.
 */
import { newId } from '@fengqiao/kernel';
import { GridDispatchHarness } from './grid-dispatch.harness';

export const OP = 'op.v-1-1'; // 枫源社区 centre
export const OP_TOWN = 'op.t-1';
export const DEPT = 'dept.t1-xf'; // assigned by routing to fire-lane cases in t-1
export const NO_ROUTE = 'spec_unrouted'; // a category no routing rule covers

export interface CaseCommandSpec {
  /** the route's last segment, e.g. `accept` */
  command: string;
  /** builds a case in the state the command needs (the harness's helpers below) */
  setup(h: GridDispatchHarness): Promise<string>;
  /** who succeeds, and with what body */
  as: string;
  body?(caseId: string, h: GridDispatchHarness): unknown | Promise<unknown>;
  /** the answer: status after the command and the events it recorded */
  then: { status: string; events: string[] };
  /** users whose role the table refuses for this action (403 AUTH.ACTION_FORBIDDEN) */
  forbidden: string[];
  /** a user of an allowed role outside the case's jurisdiction (403 AUTH.OUT_OF_JURISDICTION) */
  outside: string;
  /** bodies refused with 400 naming the field */
  invalid?: [body: unknown, field: string][];
}

/** A fire-lane case in g-1-1-1, opened and routed to dept-t1-xf. */
export async function dispatchedCase(h: GridDispatchHarness): Promise<string> {
  const caseId = `c-${newId()}`;
  await h.fileCase({ caseId });
  return caseId;
}

/** A case routing cannot place, filed in `gridId` (waits for dispatch by hand). */
export async function unroutedCase(h: GridDispatchHarness, gridId = 'g-1-1-1'): Promise<string> {
  const caseId = `c-${newId()}`;
  await h.fileCase({ caseId, category: NO_ROUTE, gridId }, 1);
  return caseId;
}

/** Runs `command` as `as` and fails the test with the answer unless it is 200. */
export async function ok(
  h: GridDispatchHarness,
  caseId: string,
  command: string,
  as: string,
  body: unknown = {},
): Promise<{ status: string; events: string[]; revision: number }> {
  const res = await h.command(caseId, command, as, body);
  if (res.status !== 200) throw new Error(`${command} as ${as}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function inProgressCase(h: GridDispatchHarness): Promise<string> {
  const caseId = await dispatchedCase(h);
  await ok(h, caseId, 'accept', DEPT);
  return caseId;
}

export async function feedbackCase(h: GridDispatchHarness): Promise<string> {
  const caseId = await inProgressCase(h);
  await ok(h, caseId, 'feedback', DEPT, { result: '已处置' });
  return caseId;
}

export async function closedCase(h: GridDispatchHarness): Promise<string> {
  const caseId = await feedbackCase(h);
  await ok(h, caseId, 'verify', OP, { result: 'pass', findings: '属实' });
  await ok(h, caseId, 'close', OP, { summary: '办结' });
  return caseId;
}

export function describeCaseCommand(spec: CaseCommandSpec, more?: (h: () => GridDispatchHarness) => void): void {
  const route = `POST /grid-dispatch/cases/:caseId/${spec.command}`;
  describe(route, () => {
    let h: GridDispatchHarness;
    beforeAll(async () => {
      h = await GridDispatchHarness.start();
    }, 60_000);
    afterAll(async () => {
      await h?.close();
    });
    const body = async (caseId: string) => (spec.body ? await spec.body(caseId, h) : {});

    it('answers { caseId, status, revision, events } with the new ETag, on the revision the caller read', async () => {
      const caseId = await spec.setup(h);
      const seen = await h.call('GET', `/grid-dispatch/cases/${caseId}`, { as: spec.as });
      const before = await h.events(caseId);
      expect(seen.etag).toBe(`"${before.length - 1}"`);
      const res = await h.command(caseId, spec.command, spec.as, await body(caseId), seen.etag!);
      const revision = before.length - 1 + spec.then.events.length;
      expect(res).toMatchObject({ status: 200, etag: `"${revision}"` });
      expect(res.body).toEqual({ caseId, status: spec.then.status, revision, events: spec.then.events });
      expect((await h.types(caseId)).slice(before.length)).toEqual(spec.then.events);
      // read-your-writes: the case view shows the command at once
      const after = await h.call('GET', `/grid-dispatch/cases/${caseId}`, { as: spec.as });
      expect({ etag: after.etag, status: after.body.status }).toEqual({ etag: `"${revision}"`, status: spec.then.status });
    });

    it('412 on a stale or unreadable If-Match; 404 for an unknown case; nothing written', async () => {
      const caseId = await spec.setup(h);
      const before = await h.events(caseId);
      const stale = await h.command(caseId, spec.command, spec.as, await body(caseId), `"${before.length + 3}"`);
      expect(stale).toMatchObject({ status: 412, body: { code: 'EVENT_STORE.WRONG_EXPECTED_REVISION' } });
      const garbage = await h.command(caseId, spec.command, spec.as, await body(caseId), 'yesterday');
      expect(garbage).toMatchObject({ status: 412, body: { code: 'COMMAND.IF_MATCH_INVALID' } });
      const unknown = await h.command(`c-${newId()}`, spec.command, spec.as, await body(caseId));
      expect(unknown).toMatchObject({ status: 404, body: { code: 'GRID_DISPATCH.CASE_NOT_FOUND' } });
      expect(await h.events(caseId)).toEqual(before);
    });

    it('403 for roles the table refuses and outside the jurisdiction; 401 without a token; nothing written', async () => {
      const caseId = await spec.setup(h);
      const before = await h.events(caseId);
      const b = await body(caseId);
      for (const user of spec.forbidden) {
        expect({ user, ...(await h.command(caseId, spec.command, user, b)) }).toMatchObject({ user, status: 403, body: { code: 'AUTH.ACTION_FORBIDDEN' } });
      }
      expect(await h.command(caseId, spec.command, spec.outside, b)).toMatchObject({ status: 403, body: { code: 'AUTH.OUT_OF_JURISDICTION' } });
      expect((await h.call('POST', `/grid-dispatch/cases/${caseId}/${spec.command}`, { body: b })).status).toBe(401);
      expect(await h.events(caseId)).toEqual(before);
    });

    if (spec.invalid?.length) {
      it('400 naming the field for a bad body; nothing written', async () => {
        const caseId = await spec.setup(h);
        const before = await h.events(caseId);
        for (const [bad, field] of spec.invalid!) {
          const res = await h.command(caseId, spec.command, spec.as, bad);
          expect({ field, status: res.status, fields: (res.body.details?.fields ?? []).map((f: { field: string }) => f.field) }).toEqual({
            field,
            status: 400,
            fields: expect.arrayContaining([field]),
          });
        }
        expect(await h.events(caseId)).toEqual(before);
      });
    }

    more?.(() => h);
  });
}
