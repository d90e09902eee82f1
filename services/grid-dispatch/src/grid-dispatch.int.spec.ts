import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromCloudEventMessage, KafkaBus, Subscription, toCloudEventMessage } from '@fengqiao/bus';
import { IntakeCaseFiledV1, IntegrationEvent, topics, validateIntegrationEvent, WorkOrderEventData } from '@fengqiao/contracts';
import { demoDistrict } from '@fengqiao/demo';
import { newId } from '@fengqiao/kernel';
import { fromCloudEvent, toCloudEvent } from '@fengqiao/platform';
import { describeIntegration, eventually, ServiceProcess, spawnService, uniqueName } from '@fengqiao/testing';

/**
 * The grid-dispatch deployable in distributed mode, as its own OS process on real Kafka and
 * MongoDB (FerretDB): intake's CaseFiled on Kafka opens and routes a work order, which comes back
 * out on grid-dispatch.case.events.v1 through the relay.
 */
describeIntegration('grid-dispatch deployable, distributed mode', ['kafka', 'mongo'], (env) => {
  let proc: ServiceProcess;
  let bus: KafkaBus;
  let subscription: Subscription;
  let dataDir: string;
  const published: IntegrationEvent<WorkOrderEventData>[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fq-gd-int-'));
    const url = new URL(env().mongoUrl);
    url.pathname = `/${uniqueName('gd').replace(/[^A-Za-z0-9_]/g, '_')}`;
    proc = await spawnService('grid-dispatch', {
      FENGQIAO_MODE: 'distributed',
      KAFKA_BROKERS: env().kafkaBrokers.join(','),
      MONGO_URL: url.toString(),
      FENGQIAO_DATA_DIR: dataDir,
      AUTH_ISSUER: 'urn:fengqiao:grid-dispatch-int',
      AUTH_BUILTIN_ISSUER: 'false',
      AUTH_JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json',
      GRID_DISPATCH_SEED_REFERENCE_DATA: 'true',
    });
    bus = new KafkaBus({ brokers: env().kafkaBrokers, clientId: uniqueName('gd-int') });
    subscription = await bus.subscribe({
      groupId: uniqueName('gd-int.published'),
      topics: [topics.gridDispatchCase],
      handler: async (message) => {
        published.push(validateIntegrationEvent(fromCloudEvent(fromCloudEventMessage(message))) as IntegrationEvent<WorkOrderEventData>);
      },
    });
  }, 120_000);

  afterAll(async () => {
    await subscription?.close();
    await bus?.close();
    await proc?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('serves /health with its context up', async () => {
    const health = await eventually(
      async () => {
        const body = (await (await fetch(`${proc.url}/health`)).json()) as { status: string; info?: Record<string, { status: string }> };
        return body.status === 'ok' ? body : undefined;
      },
      { what: 'grid-dispatch healthy', timeoutMs: 30_000 },
    );
    expect(health.info?.['grid-dispatch']?.status).toBe('up');
  });

  it('opens and routes a work order from CaseFiled on Kafka, and publishes both events', async () => {
    const caseId = `int-${newId()}`;
    const time = new Date().toISOString();
    const filed: IntegrationEvent = {
      id: newId(),
      type: IntakeCaseFiledV1.type,
      source: '/fengqiao/intake',
      subject: caseId,
      time,
      correlationId: newId(),
      causationId: newId(),
      data: {
        caseId,
        jurisdiction: demoDistrict.unitPath('g-1-1-1'),
        filedAt: time,
        level: 'village',
        category: 'fire_lane_blocked',
        urgency: 'urgent',
        gridId: 'g-1-1-1',
        channel: 'grid_worker',
        location: {},
      },
    };
    // the consumer group may still be joining: deliver until the work order shows up (the inbox drops repeats)
    const mine = await eventually(
      async () => {
        const events = published.filter((e) => e.subject === caseId);
        if (events.length >= 2) return events;
        await bus.publish(topics.intakeCase, [toCloudEventMessage(toCloudEvent(filed), caseId)]);
        return undefined;
      },
      { what: 'the work order on grid-dispatch.case.events.v1', timeoutMs: 90_000, intervalMs: 2000 },
    );
    expect(mine.map((e) => e.data.event)).toEqual(['WorkOrderOpened', 'CaseDispatched']);
    expect(mine[1].data).toMatchObject({ status: 'dispatched', unitId: 'dept-t1-xf', step: 'accept' });
    expect(mine[1].correlationId).toBe(filed.correlationId);
    // without a directory in this process, the handling unit is recorded by its id
    expect(mine[1].data.jurisdiction).toEqual([...demoDistrict.unitPath('g-1-1-1'), 'dept-t1-xf']);
  }, 120_000);
});
