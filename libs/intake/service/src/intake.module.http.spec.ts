import { AcceptCase, toGridCaseReportStreamId } from '@fengqiao/intake-domain';
import { handleCommand } from '@fengqiao/platform';
import { LooseJson } from '@fengqiao/testing';
import { IntakeCases } from './application/intake-cases';
import { IntakeTestApp, pointIn, startIntakeTestApp } from './testing/intake-test-app';

/** The module as a whole: OpenAPI, /health, and a view that follows appends it did not make. */
describe('intake module', () => {
  let t: IntakeTestApp;
  beforeAll(async () => {
    t = await startIntakeTestApp();
  }, 60_000);
  afterAll(() => t?.close());

  it('documents its routes in the OpenAPI document', async () => {
    const doc = await t.call<LooseJson>('GET', '/api/docs-json');
    expect(doc.status).toBe(200);
    const paths = Object.keys(doc.body.paths);
    for (const p of [
      '/intake/cases',
      '/intake/cases/{id}',
      '/intake/cases/{id}/accept',
      '/intake/cases/{id}/decline',
      '/intake/cases/{id}/file',
      '/intake/cases/{id}/merge',
      '/intake/cases/{id}/duplicates',
      '/open311/v2/discovery.json',
      '/open311/v2/services.json',
      '/open311/v2/services/{code}',
      '/open311/v2/requests.json',
      '/open311/v2/requests/{id}',
    ]) {
      expect(paths).toContain(p);
    }
    expect(doc.body.paths['/intake/cases'].post.summary).toBe('上报事件');
    expect(doc.body.components.schemas.ReportCaseRequest.required).toEqual(expect.arrayContaining(['channel', 'category', 'description', 'location']));
  });

  it('reports itself on /health with its relay and consumer', async () => {
    const health = await t.call<LooseJson>('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.info.intake).toMatchObject({ status: 'up', relay: expect.any(Object) });
  });

  it('the case view picks up events another replica appended (the poll), without a request here', async () => {
    const { caseId } = await t.report('districtOperator', {
      channel: 'hotline',
      category: 'road_damage',
      description: '路面塌陷',
      location: { point: pointIn('g-1-3-1') },
    });
    const cases = t.service.app.get(IntakeCases);
    const command: AcceptCase = {
      type: 'AcceptCase',
      data: { caseId },
      meta: { actor: { userId: 'u-other-replica', role: 'operator', unitId: 'd-fq' }, now: t.clock.now().toISOString() },
    };
    // straight into the store, as another process would: no catch-up, no relay wake-up here
    await handleCommand(cases.config, toGridCaseReportStreamId(caseId), command, { expectedRevision: 0 });
    const view = await t.viewWhen(caseId, (v) => v.status === 'accepted', "the poll to project the other replica's event");
    expect(view.reportRevision).toBe(1);
  });
});
