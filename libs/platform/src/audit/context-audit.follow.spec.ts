/**
 * Between two checkpoints a context's audit keeps its Merkle log up with the store
 * (`AUDIT_FOLLOW_INTERVAL_MS`), so that a checkpoint never reads a minute of events in one go (on
 * FerretDB that held up every request on the server for seconds: issue 15), and a matter stored a
 * moment ago is already found by the audit routes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { InProcessBus } from '@fengqiao/bus';
import { contractEvent } from '@fengqiao/event-store/testing';
import { eventually } from '@fengqiao/testing';
import { loadServiceConfig } from '../config/service-config';
import { openContextInfrastructure } from '../infrastructure/context-infrastructure';
import { ContextRuntime } from '../infrastructure/context-runtime';
import { HealthRegistry } from '../health/health.module';
import { AuditRegistry } from './audit-registry';
import { FOLLOW_EVERY_MS, FOLLOW_PAGE_SIZE } from './context-audit';

describe('ContextAudit: the Merkle log follows the store between checkpoints', () => {
  const saved = { checkpoint: process.env.AUDIT_CHECKPOINT_INTERVAL_MS, follow: process.env.AUDIT_FOLLOW_INTERVAL_MS };
  let dataDir: string;
  let stop: (() => Promise<void>) | undefined;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'fq-audit-follow-'));
    process.env.AUDIT_CHECKPOINT_INTERVAL_MS = '0'; // the first checkpoint only: none signed while the test runs
  });
  afterEach(async () => {
    await stop?.();
    stop = undefined;
    rmSync(dataDir, { recursive: true, force: true });
    for (const [name, value] of [
      ['AUDIT_CHECKPOINT_INTERVAL_MS', saved.checkpoint],
      ['AUDIT_FOLLOW_INTERVAL_MS', saved.follow],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  const startAudit = async (followMs: string | undefined) => {
    if (followMs === undefined) delete process.env.AUDIT_FOLLOW_INTERVAL_MS;
    else process.env.AUDIT_FOLLOW_INTERVAL_MS = followMs;
    const config = loadServiceConfig('grid-dispatch', { port: 0, mode: 'standalone' }, { FENGQIAO_DATA_DIR: dataDir });
    const infra = await openContextInfrastructure('grid-dispatch', config);
    const runtime = new ContextRuntime({ context: 'grid-dispatch' }, infra, new InProcessBus({ logger: pino({ level: 'silent' }) }));
    const registry = new AuditRegistry(config, new HealthRegistry());
    const audit = await registry.attach(runtime);
    stop = async () => {
      await registry.beforeApplicationShutdown();
      await infra.close();
    };
    await audit.started();
    return { infra, audit };
  };

  it('takes up events appended after the first checkpoint without signing another, and finds their matter', async () => {
    const { infra, audit } = await startAudit('50');
    expect(audit.auditor.log.size).toBe(0);
    await infra.events.append(
      'grid-case-followed',
      Array.from({ length: 5 }, (_, i) => contractEvent({ data: { i } })),
      { expectedRevision: 'no_stream' },
    );
    await eventually(() => audit.auditor.log.size === 5 || undefined, { timeoutMs: 5_000, what: 'the log to take up the 5 events' });
    expect(await audit.findStreams({ ids: ['followed'], correlationIds: [] })).toEqual(['grid-case-followed']);
    // the checkpoints are still only the first one (of the empty log): following signs nothing
    expect((await audit.auditor.listCheckpoints()).map((c) => c.checkpoint.treeSize)).toEqual([0]);
  });

  it('follows every second by default, in pages of 250 events', async () => {
    const { infra, audit } = await startAudit(undefined);
    expect((audit as unknown as { options: { followEveryMs?: number } }).options.followEveryMs).toBe(FOLLOW_EVERY_MS);
    expect(FOLLOW_EVERY_MS).toBe(1_000);
    const pages: number[] = [];
    const readAll = infra.events.readAll.bind(infra.events);
    infra.events.readAll = async (options) => {
      const page = await readAll(options);
      pages.push(page.length);
      return page;
    };
    await infra.events.append(
      'grid-case-paged',
      Array.from({ length: 600 }, (_, n) => contractEvent({ data: { n } })),
      { expectedRevision: 'no_stream' },
    );
    await eventually(() => audit.auditor.log.size === 600 || undefined, { timeoutMs: 10_000, what: 'the log to take up the 600 events' });
    expect(pages.filter((n) => n > 0)).toEqual([FOLLOW_PAGE_SIZE, FOLLOW_PAGE_SIZE, 100]);
  });

  it('with AUDIT_FOLLOW_INTERVAL_MS=0 the log moves only at a checkpoint, as before', async () => {
    const { infra, audit } = await startAudit('0');
    await infra.events.append('grid-case-still', [contractEvent()], { expectedRevision: 'no_stream' });
    await new Promise((r) => setTimeout(r, 300));
    expect(audit.auditor.log.size).toBe(0);
    expect((await audit.auditor.checkpoint()).checkpoint.treeSize).toBe(1);
  });
});
