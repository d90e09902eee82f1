import { demoDistrict } from '@fengqiao/demo';
import { newId } from '@fengqiao/kernel';
import { GridDispatchHarness } from '../testing/grid-dispatch.harness';

/** Routing rules and deadline rules as versioned reference data in the context's own store. */
describe('rule tables (versioned reference data)', () => {
  let h: GridDispatchHarness;

  beforeAll(async () => {
    h = await GridDispatchHarness.start();
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  const routing = () => h.call('GET', '/grid-dispatch/routing-rules', { as: 'op.v-1-1' });
  const put = (path: string, body: unknown, ifMatch?: string, as = 'admin') => h.call('PUT', path, { as, body, ...(ifMatch !== undefined ? { ifMatch } : {}) });

  it('starts with the demo tables as version 1, recorded in the store', async () => {
    const res = await routing();
    expect(res.status).toBe(200);
    expect(res.etag).toBe('"1"');
    expect(res.body.current).toMatchObject({ version: 1, by: 'system:seed' });
    expect(res.body.current.rules).toHaveLength(demoDistrict.routing.length);
    expect(res.body.versions).toEqual([expect.objectContaining({ version: 1, by: 'system:seed', count: demoDistrict.routing.length })]);
    const deadlines = await h.call('GET', '/grid-dispatch/deadline-rules', { as: 'audit.d' });
    expect(deadlines.body.current).toMatchObject({ version: 1 });
    expect(deadlines.body.current.rules).toHaveLength(demoDistrict.deadlineRules.length);
    const [stored] = await h.runtime.infra.events.readStream('routing-rules');
    expect(stored).toMatchObject({
      type: 'RoutingRulesPublished',
      revision: 0,
      actor: { userId: 'system:seed', role: 'system' },
      data: { version: 1, by: 'system:seed' },
    });
  });

  it('publishes a new routing version (who, when), keeps the old one readable, and routes by the new one', async () => {
    const v1 = (await routing()).body.current;
    const rules = [...v1.rules, { category: 'neighbour_dispute', scope: { villageId: 'v-2-3' }, unitId: 'g-2-3-1' }];
    h.clock.set('2026-03-02T10:00:00+08:00');
    const res = await put('/grid-dispatch/routing-rules', { rules, note: '陈家村邻里纠纷暂由网格员承办' }, '"1"');
    expect(res.status).toBe(200);
    expect(res.etag).toBe('"2"');
    expect(res.body).toMatchObject({ version: 2, by: 'u-admin', at: '2026-03-02T02:00:00.000Z', note: '陈家村邻里纠纷暂由网格员承办' });
    const list = (await routing()).body;
    expect(list.versions.map((v: { version: number; by: string }) => [v.version, v.by])).toEqual([
      [1, 'system:seed'],
      [2, 'u-admin'],
    ]);
    expect((await h.call('GET', '/grid-dispatch/routing-rules/versions/1', { as: 'op.v-1-1' })).body.rules).toEqual(v1.rules);

    const caseId = `c-${newId()}`;
    const [, dispatched] = await h.fileCase({ caseId, category: 'neighbour_dispute', gridId: 'g-2-3-2' });
    expect(dispatched.data).toMatchObject({
      unitId: 'g-2-3-1',
      reason: `按派单规则第 2 版第 ${rules.length} 条自动派单（类别“neighbour_dispute”，范围：村居 v-2-3）`,
    });

    // a stale If-Match (the message names the versions, not stream revisions), none at all, another role: nothing written
    expect(await put('/grid-dispatch/routing-rules', { rules }, '"1"')).toMatchObject({
      status: 412,
      body: {
        code: 'GRID_DISPATCH.TABLE_VERSION_CONFLICT',
        message: '派单规则已更新为第 2 版（您编辑的是第 1 版），请刷新后重试',
        details: { expectedVersion: 1, currentVersion: 2 },
      },
    });
    expect(await put('/grid-dispatch/routing-rules', { rules })).toMatchObject({ status: 412, body: { code: 'COMMAND.IF_MATCH_REQUIRED' } });
    expect(await put('/grid-dispatch/routing-rules', { rules }, 'two')).toMatchObject({ status: 412, body: { code: 'COMMAND.IF_MATCH_INVALID' } });
    expect(await put('/grid-dispatch/routing-rules', { rules }, '"2"', 'op.d')).toMatchObject({ status: 403, body: { code: 'AUTH.ACTION_FORBIDDEN' } });
    expect((await routing()).body.versions).toHaveLength(2);
  });

  it('refuses a routing table that leaves a category × grid without a route, listing the gaps, unless allowUnroutable says so', async () => {
    const current = (await routing()).body;
    const etag = `"${current.current.version}"`;
    const empty = await put('/grid-dispatch/routing-rules', { rules: [] }, etag);
    expect(empty).toMatchObject({ status: 400, body: { code: 'GRID_DISPATCH.ROUTING_GAPS' } });
    expect(empty.body.details.count).toBeGreaterThan(100); // every category × every grid the table routed
    expect(empty.body.details.gaps).toHaveLength(50); // listed up to 50, the count says how many
    expect(empty.body.details.gaps[0]).toEqual({ category: expect.any(String), gridId: expect.stringMatching(/^g-/) });
    // one town's fire-lane rule removed: exactly that town's grids lose their route
    const withoutTown = current.current.rules.filter(
      (r: { category: string; scope: { townId?: string } }) => !(r.category === 'fire_lane_blocked' && r.scope.townId === 't-1'),
    );
    const partial = await put(
      '/grid-dispatch/routing-rules',
      { rules: withoutTown.filter((r: { category: string; scope: object }) => !(r.category === 'fire_lane_blocked' && Object.keys(r.scope).length === 0)) },
      etag,
    );
    expect(partial.body.code).toBe('GRID_DISPATCH.ROUTING_GAPS');
    expect(partial.body.details.gaps.every((g: { category: string }) => g.category === 'fire_lane_blocked')).toBe(true);
    expect(partial.body.message).toMatch(/allowUnroutable/);
    expect((await routing()).body.versions).toHaveLength(current.versions.length);
    // said on purpose: published, and such cases wait in the unroutable queue
    const allowed = await put(
      '/grid-dispatch/routing-rules',
      {
        rules: withoutTown.filter((r: { category: string; scope: object }) => !(r.category === 'fire_lane_blocked' && Object.keys(r.scope).length === 0)),
        allowUnroutable: true,
        note: '暂停消防通道自动派单',
      },
      etag,
    );
    expect(allowed).toMatchObject({ status: 200, body: { version: current.current.version + 1 } });
    // and back to the full table (it leaves no gap)
    expect(await put('/grid-dispatch/routing-rules', { rules: current.current.rules }, `"${current.current.version + 1}"`)).toMatchObject({ status: 200 });
  });

  it('refuses a bad routing table whole', async () => {
    const rule = { category: 'street_vending', scope: { villageId: 'v-1-1' }, unitId: 'dept-t1-cg' };
    const refusals: [unknown, string][] = [
      [{ rules: [rule, { ...rule }] }, 'GRID_DISPATCH.DUPLICATE_ROUTING_RULE'],
      [{ rules: [{ ...rule, unitId: 'dept-nowhere' }] }, 'GRID_DISPATCH.INVALID_ROUTING_RULE'],
      [{ rules: [{ ...rule, scope: { gridId: 'v-1-1' } }] }, 'GRID_DISPATCH.INVALID_ROUTING_RULE'],
      [{ rules: [{ ...rule, scope: { villageId: 'v-1-1', townId: 't-1' } }] }, 'GRID_DISPATCH.INVALID_ROUTING_RULE'],
      [{ rules: [{ ...rule, category: '' }] }, 'VALIDATION_FAILED'],
      [{ rules: [{ category: 'x', unitId: 'dept-t1-cg' }] }, 'VALIDATION_FAILED'],
      [{ rules: [{ ...rule, scope: { districtId: 'd-fq' } }] }, 'VALIDATION_FAILED'],
      [{}, 'VALIDATION_FAILED'],
    ];
    for (const [body, code] of refusals) {
      const res = await put('/grid-dispatch/routing-rules', body);
      expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: 400, code });
    }
    expect((await put('/grid-dispatch/routing-rules', { rules: [{ ...rule, unitId: 'dept-nowhere' }] })).body.message).toBe(
      '第 1 条派单规则无效：单位不存在：dept-nowhere',
    );
    expect(await h.call('GET', '/grid-dispatch/routing-rules/versions/abc', { as: 'op.d' })).toMatchObject({
      status: 400,
      body: { code: 'GRID_DISPATCH.INVALID_VERSION' },
    });
    expect(await h.call('GET', '/grid-dispatch/routing-rules/versions/99', { as: 'op.d' })).toMatchObject({
      status: 404,
      body: { code: 'GRID_DISPATCH.TABLE_VERSION_NOT_FOUND' },
    });
  });

  it('publishes a deadline table that new steps use, and refuses a rule the calendar cannot compute', async () => {
    const v1 = (await h.call('GET', '/grid-dispatch/deadline-rules', { as: 'op.d' })).body.current;
    const rules = [
      ...v1.rules,
      {
        step: 'accept',
        category: 'fire_lane_blocked',
        urgency: 'urgent',
        rule: { ruleId: 'test.accept.fire', legalBasis: '测试配置', duration: 30, unit: 'calendar_days' },
      },
    ];
    const bad = (over: object) => ({
      rules: [...v1.rules, { step: 'accept', category: 'fire_lane_blocked', rule: { ruleId: 'bad', duration: 2, unit: 'working_days', ...over } }],
    });
    expect(await put('/grid-dispatch/deadline-rules', bad({ warnBefore: 2 }))).toMatchObject({
      status: 400,
      body: { code: 'GRID_DISPATCH.INVALID_DEADLINE_RULE' },
    });
    expect(await put('/grid-dispatch/deadline-rules', bad({ duration: 1.5 }))).toMatchObject({
      status: 400,
      body: { code: 'GRID_DISPATCH.INVALID_DEADLINE_RULE' },
    });
    expect(await put('/grid-dispatch/deadline-rules', { rules: [...v1.rules, v1.rules[0]] })).toMatchObject({
      status: 400,
      body: { code: 'GRID_CASE.DUPLICATE_DEADLINE_RULE' },
    });
    expect(await put('/grid-dispatch/deadline-rules', { rules: [{ step: 'lunch', rule: { ruleId: 'x', duration: 1, unit: 'working_days' } }] })).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED' },
    });

    const res = await put('/grid-dispatch/deadline-rules', { rules }, '"1"');
    expect(await put('/grid-dispatch/deadline-rules', { rules }, '"1"')).toMatchObject({
      status: 412,
      body: { code: 'GRID_DISPATCH.TABLE_VERSION_CONFLICT', message: '期限配置已更新为第 2 版（您编辑的是第 1 版），请刷新后重试' },
    });
    expect(res).toMatchObject({ status: 200, body: { version: 2, by: 'u-admin' } });
    const caseId = `c-${newId()}`;
    const [, dispatched] = await h.fileCase({ caseId });
    expect(dispatched.data).toMatchObject({ timer: { step: 'accept', deadline: { ruleId: 'test.accept.fire', duration: 30, unit: 'calendar_days' } } });
    expect(dispatched.legalBasis).toBe('测试配置');
  });

  it('keeps the published versions across a restart and does not seed again', async () => {
    await h.restart();
    expect((await routing()).body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2, 3, 4]);
    expect((await h.call('GET', '/grid-dispatch/deadline-rules', { as: 'op.d' })).body.current.version).toBe(2);
  });

  it('seeds nothing when told not to: every case is then unroutable', async () => {
    const bare = await GridDispatchHarness.start({ seedReferenceData: false });
    try {
      // read before the consumers started, though there was nothing to seed: a later stale read is told apart
      expect([bare.tables.routingRules.isLoaded, bare.tables.deadlineRules.isLoaded]).toEqual([true, true]);
      const res = await bare.call('GET', '/grid-dispatch/routing-rules', { as: 'op.d' });
      expect(res).toMatchObject({ status: 200, etag: '"0"', body: { current: null, versions: [] } });
      const caseId = `c-${newId()}`;
      const [opened] = await bare.fileCase({ caseId }, 1);
      expect(opened.data).toMatchObject({ timer: null });
      await bare.viewsSettled();
      const queue = await bare.call('GET', '/grid-dispatch/queue', { as: 'op.v-1-1' });
      expect(queue.body.items.map((i: { caseId: string }) => i.caseId)).toEqual([caseId]);
    } finally {
      await bare.close();
    }
  }, 60_000);
});
