/**
 * The route matrix for the mediation app (libs/platform auth testing): every route × every role ×
 * inside / outside the user's jurisdiction × no token; success exactly where the role × action
 * table and the jurisdiction allow it, 401/403 with nothing written elsewhere. A mediator acts in
 * their own committee only (mc-v-1-1 ≠ mc-v-1-2); auditors read inside their scope; operators,
 * grid workers, departments, petition officers and admins have no mediation actions.
 */
import { inJurisdiction } from '@fengqiao/platform';
import {
  issuerRows,
  matrixAppOf,
  matrixUsers,
  platformRows,
  routeMatrix,
  type MatrixContext,
  type MatrixUser,
  type RouteMatrixReport,
  type RouteTable,
} from '@fengqiao/platform/testing';
import { LooseJson } from '@fengqiao/testing';
import { caseIn, DrivenState } from './testing/case-driver';
import { MediationTestApp, NEIGHBOURS, startMediationTestApp, TestUser, USERS } from './testing/mediation-test-app';

const MATRIX_USERS: TestUser[] = [
  'mediator11',
  'mediatorDistrict',
  'operator11',
  'gridWorker111',
  'department',
  'petitionOfficer',
  'auditorDistrict',
  'auditorTown2',
  'admin',
];

/** Per user: a committee whose cases are inside their jurisdiction, and one whose are outside. */
const PLACES: Partial<Record<TestUser, { inside: string; outside?: string }>> = {
  mediator11: { inside: 'mc-v-1-1', outside: 'mc-v-1-2' },
  mediatorDistrict: { inside: 'mc-d-fq', outside: 'mc-v-1-1' },
  auditorDistrict: { inside: 'mc-v-1-1' },
  auditorTown2: { inside: 'mc-v-2-1', outside: 'mc-v-1-1' },
};
const DEFAULT_PLACE = { inside: 'mc-v-1-1', outside: 'mc-v-1-2' };
const PASSWORD = 'matrix-password-2025';

describe('mediation route matrix: every route × every role × inside/outside × no token', () => {
  let t: MediationTestApp;
  let users: MatrixUser[];
  let report: RouteMatrixReport;
  let userOfCall: (ctx: MatrixContext, fallback: TestUser) => TestUser;
  const userOf = (ctx: MatrixContext): TestUser => userOfCall(ctx, 'mediator11');
  const placeOf = (ctx: MatrixContext): string | undefined => {
    const p = PLACES[userOf(ctx)] ?? DEFAULT_PLACE;
    return ctx.where === 'inside' ? p.inside : p.outside;
  };
  /** a request on a fresh case in `state` at the caller's inside / outside committee */
  const onCase =
    (state: DrivenState, path: string, body: (c: { caseId: string; partyIds: string[]; mediatorId: string }) => unknown = () => ({})) =>
    async (ctx: MatrixContext) => {
      const committee = placeOf(ctx);
      if (!committee) return undefined;
      const c = await caseIn(t, committee, state);
      return { path: `/mediation/cases/${c.caseId}${path}`, body: body(c) };
    };
  const read = (path: string) => async (ctx: MatrixContext) => {
    const committee = placeOf(ctx);
    if (!committee) return undefined;
    const c = await caseIn(t, committee, 'registered');
    return { path: `/mediation/cases/${c.caseId}${path}` };
  };

  beforeAll(async () => {
    t = await startMediationTestApp();
    ({ users, userOf: userOfCall } = await matrixUsers(MATRIX_USERS, app, PASSWORD));
  }, 60_000);
  afterAll(() => t?.close());
  const app = matrixAppOf<TestUser>(USERS, () => t);

  const snapshot = async () => {
    const events = await t.storedEvents();
    return { events: events.length, last: events.at(-1)?.id ?? null, directory: t.issuer.directory.version };
  };

  const table: RouteTable = {
    // ------------------------------------------------------------------ platform and issuer
    ...platformRows({ app, password: PASSWORD, userOf }),
    ...issuerRows({ app, password: PASSWORD, userOf, otherUser: 'gridWorker111', admin: 'admin' }),

    // ------------------------------------------------------------------ the desk
    'POST /mediation/cases': {
      access: 'mediation.register',
      target: 'resource',
      request: (ctx) => {
        const committeeId = placeOf(ctx);
        return committeeId ? { path: '/mediation/cases', body: { ...NEIGHBOURS, committeeId } } : undefined;
      },
    },
    'GET /mediation/cases': {
      access: 'mediation.list',
      target: 'collection',
      request: async () => {
        await caseIn(t, 'mc-v-1-1', 'registered');
        await caseIn(t, 'mc-v-2-1', 'registered');
        return { path: '/mediation/cases?limit=200' };
      },
      check: (res, ctx) => {
        const items = (res.body as { items: LooseJson[] }).items;
        const leaked = items.filter((c) => !inJurisdiction(ctx.user!.principal, c.jurisdiction, 'mediation.list'));
        return leaked.length ? `listed ${leaked.length} case(s) outside the jurisdiction` : undefined;
      },
    },
    'GET /mediation/figures': { access: 'mediation.list', target: 'collection', request: () => ({ path: '/mediation/figures' }) },
    'GET /mediation/cases/:id': { access: 'mediation.read', target: 'resource', request: read('') },
    'GET /mediation/cases/:id/dossier': { access: 'mediation.read', target: 'resource', request: read('/dossier') },
    'GET /mediation/cases/:id/documents/:document': { access: 'mediation.read', target: 'resource', request: read('/documents/agreement') },
    'PUT /mediation/cases/:id/parties/:partyId': {
      access: 'mediation.register',
      target: 'resource',
      request: async (ctx) => {
        const committee = placeOf(ctx);
        if (!committee) return undefined;
        const c = await caseIn(t, committee, 'registered');
        return { path: `/mediation/cases/${c.caseId}/parties/${c.partyIds[0]}`, body: { name: '王建华' } };
      },
    },

    // ------------------------------------------------------------------ every step of §5.2
    'POST /mediation/cases/:id/request-consent': { access: 'mediation.consent', target: 'resource', request: onCase('registered', '/request-consent') },
    'POST /mediation/cases/:id/consents': {
      access: 'mediation.consent',
      target: 'resource',
      request: onCase('consent_pending', '/consents', (c) => ({ partyId: c.partyIds[0], consented: true })),
    },
    'POST /mediation/cases/:id/decline': {
      access: 'mediation.consent',
      target: 'resource',
      request: onCase('registered', '/decline', () => ({ reason: '不属于民间纠纷' })),
    },
    'POST /mediation/cases/:id/notify-rights': {
      access: 'mediation.consent',
      target: 'resource',
      request: onCase('registered', '/notify-rights', (c) => ({ partyIds: c.partyIds })),
    },
    'POST /mediation/cases/:id/dossier-items': {
      access: 'mediation.archive',
      target: 'resource',
      request: onCase('registered', '/dossier-items', () => ({ item: 'identity_proof', documentRef: '身份证复印件' })),
    },
    'POST /mediation/cases/:id/assign-mediator': {
      access: 'mediation.assign',
      target: 'resource',
      request: onCase('accepted', '/assign-mediator', (c) => ({ mediatorIds: [c.mediatorId], method: 'designated' })),
    },
    'POST /mediation/cases/:id/recuse-mediator': {
      access: 'mediation.assign',
      target: 'resource',
      request: onCase('mediator_assigned', '/recuse-mediator', (c) => ({ mediatorId: c.mediatorId, grounds: 'conflict_of_interest' })),
    },
    'POST /mediation/cases/:id/sessions': {
      access: 'mediation.session',
      target: 'resource',
      request: onCase('mediator_assigned', '/sessions', (c) => ({
        heldAt: t.clock.now().toISOString(),
        mediatorIds: [c.mediatorId],
        attendingPartyIds: c.partyIds,
        summary: '调解',
      })),
    },
    'POST /mediation/cases/:id/risk-reports': {
      access: 'mediation.session',
      target: 'resource',
      request: onCase('mediating', '/risk-reports', () => ({ riskKind: 'public_order', measures: '分开调解', policeUnitId: 'dept-t1-ga' })),
    },
    'POST /mediation/cases/:id/extend': {
      access: 'mediation.session',
      target: 'resource',
      request: onCase('mediating', '/extend', (c) => ({ extendBy: 5, consentingPartyIds: c.partyIds })),
    },
    'POST /mediation/cases/:id/agreement': {
      access: 'mediation.agreement',
      target: 'resource',
      request: onCase('mediating', '/agreement', () => ({ form: 'oral', terms: '互相谅解' })),
    },
    'POST /mediation/cases/:id/agreement/sign': {
      access: 'mediation.agreement',
      target: 'resource',
      request: onCase('agreement_reached', '/agreement/sign', (c) => ({ signedByPartyIds: c.partyIds, mediatorSigned: true, committeeSealed: true })),
    },
    'POST /mediation/cases/:id/terminate': {
      access: 'mediation.terminate',
      target: 'resource',
      request: onCase('mediating', '/terminate', () => ({ grounds: 'no_agreement', routesTold: ['arbitration', 'administrative', 'judicial'] })),
    },
    'POST /mediation/cases/:id/performance': {
      access: 'mediation.performance',
      target: 'resource',
      request: onCase('effective', '/performance', () => ({ complete: true, description: '已履行' })),
    },
    'POST /mediation/cases/:id/performance-failure': {
      access: 'mediation.performance',
      target: 'resource',
      request: onCase('effective', '/performance-failure', (c) => ({ defaultingPartyIds: [c.partyIds[1]], description: '拒不维修' })),
    },
    'POST /mediation/cases/:id/judicial-confirmation': {
      access: 'mediation.confirmation',
      target: 'resource',
      request: onCase('effective', '/judicial-confirmation', (c) => ({
        courtId: 'court-fq',
        filedAt: t.clock.now().toISOString(),
        applicantPartyIds: c.partyIds,
      })),
    },
    'POST /mediation/cases/:id/judicial-confirmation/decision': {
      access: 'mediation.confirmation',
      target: 'resource',
      request: onCase('judicial_confirmation_filed', '/judicial-confirmation/decision', () => ({
        confirmed: true,
        decidedAt: t.clock.now().toISOString(),
        rulingRef: '裁定书',
      })),
    },
    'POST /mediation/cases/:id/resume': { access: 'mediation.confirmation', target: 'resource', request: onCase('not_confirmed', '/resume') },
    'POST /mediation/cases/:id/follow-up-visits': {
      access: 'mediation.follow_up',
      target: 'resource',
      request: onCase('effective', '/follow-up-visits', (c) => ({ visitedPartyIds: c.partyIds, performanceSatisfactory: true, reescalationRisk: false })),
    },
    'POST /mediation/cases/:id/transfer': {
      access: 'mediation.register',
      target: 'resource',
      request: async (ctx) => {
        // the district centre has no committee above it (and the demo no industry committee): nothing to refer up
        if (placeOf(ctx) === 'mc-d-fq') return undefined;
        return onCase('registered', '/transfer', () => ({ toCommitteeId: 'mc-d-fq', reason: '案情复杂' }))(ctx);
      },
    },
    'POST /mediation/cases/:id/archive': { access: 'mediation.archive', target: 'resource', request: onCase('closed_with_dossier', '/archive') },
  };

  it('passes for every route, role and place', async () => {
    report = await routeMatrix(t.service.app, table, { baseUrl: t.url, users, snapshot });
    expect(report.failures).toEqual([]);
    expect(report.calls).toBeGreaterThan(300);
  }, 600_000);
});
