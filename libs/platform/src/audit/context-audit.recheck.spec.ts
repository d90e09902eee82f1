/**
 * A context's audit restarted on its standalone files (the Merkle log's state resumed from
 * checkpoints.sqlite) after the store's file was edited while the process was down: the re-check
 * of the resumed log (libs/event-store resume-recheck.ts) is logged as an error naming the event,
 * and the checkpoint tried at once is refused against the last signed one (MERKLE.LOG_FORKED, its
 * Chinese message naming the change), as it was when every start rebuilt the log.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { ConsoleLogger, Logger, type LoggerService } from '@nestjs/common';
import pino from 'pino';
import { InProcessBus } from '@fengqiao/bus';
import { MerkleLogForkError } from '@fengqiao/event-store';
import { contractEvent } from '@fengqiao/event-store/testing';
import { loadServiceConfig } from '../config/service-config';
import { openContextInfrastructure } from '../infrastructure/context-infrastructure';
import { ContextRuntime } from '../infrastructure/context-runtime';
import { HealthRegistry } from '../health/health.module';
import { metrics } from '../metrics/metrics';
import { AuditRegistry } from './audit-registry';

/** What the process logged, by level (Nest's logger, as the services run it). */
class RecordingLogger implements LoggerService {
  readonly lines: Array<{ level: string; message: string }> = [];
  log = (message: unknown) => void this.lines.push({ level: 'log', message: String(message) });
  warn = (message: unknown) => void this.lines.push({ level: 'warn', message: String(message) });
  error = (message: unknown) => void this.lines.push({ level: 'error', message: String(message) });
  debug = () => undefined;
  verbose = () => undefined;
  of(level: string): string[] {
    return this.lines.filter((l) => l.level === level).map((l) => l.message);
  }
}

describe('ContextAudit: a store edited while the process was down is reported at start-up (resumed Merkle log re-checked)', () => {
  let dataDir: string;
  const silent = pino({ level: 'silent' });
  const interval = process.env.AUDIT_CHECKPOINT_INTERVAL_MS;
  beforeAll(() => {
    process.env.AUDIT_CHECKPOINT_INTERVAL_MS = '0'; // the first checkpoint only: the tests ask for the others
  });
  afterAll(() => {
    if (interval === undefined) delete process.env.AUDIT_CHECKPOINT_INTERVAL_MS;
    else process.env.AUDIT_CHECKPOINT_INTERVAL_MS = interval;
  });

  /** The grid-dispatch context's audit on its standalone files, attached by the AuditRegistry as a starting process does. */
  const startAudit = async () => {
    const config = loadServiceConfig('grid-dispatch', { port: 0, mode: 'standalone' }, { FENGQIAO_DATA_DIR: dataDir });
    const infra = await openContextInfrastructure('grid-dispatch', config);
    const runtime = new ContextRuntime({ context: 'grid-dispatch' }, infra, new InProcessBus({ logger: silent }));
    const health = new HealthRegistry();
    const registry = new AuditRegistry(config, health);
    const audit = await registry.attach(runtime);
    return {
      infra,
      audit,
      /** what /health says of the audits */
      healthOfAudit: () =>
        health
          .all()
          .find((p) => p.key === 'audit')!
          .check(),
      stop: async () => {
        await registry.beforeApplicationShutdown();
        await infra.close();
      },
    };
  };
  /** The samples of the audit gauges in what /metrics serves. */
  const auditGauges = async () => (await metrics.text()).split('\n').filter((l) => l.startsWith('fengqiao_audit_'));
  let logger: RecordingLogger;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fq-audit-recheck-'));
    Logger.overrideLogger(new RecordingLogger()); // the first run's lines are not what the tests look at
    const first = await startAudit();
    for (const stream of ['grid-case-a', 'grid-case-b', 'grid-case-c'])
      await first.infra.events.append(
        stream,
        Array.from({ length: 8 }, (_, i) => contractEvent({ data: { i } })),
        { expectedRevision: 'no_stream' },
      );
    await first.audit.started();
    expect((await first.audit.auditor.checkpoint()).checkpoint.treeSize).toBe(24);
    await first.stop();
    logger = new RecordingLogger();
    Logger.overrideLogger(logger);
  });
  afterEach(() => {
    Logger.overrideLogger(new ConsoleLogger());
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('untouched: the resumed log is re-checked and said to be as recorded; nothing reported', async () => {
    const again = await startAudit();
    await again.audit.rechecked();
    expect(logger.of('log')).toEqual(
      expect.arrayContaining([
        'Merkle log resumed from its state: 24 events',
        expect.stringMatching(/^Merkle log re-checked against the store: 24 events as recorded/),
      ]),
    );
    expect(logger.of('error')).toEqual([]);
    expect(logger.of('warn')).toEqual([]);
    expect(await again.healthOfAudit()).toEqual({ 'grid-dispatch': { logForked: false, storeChangesFound: 0 } });
    expect(await auditGauges()).toEqual([
      'fengqiao_audit_log_forked{context="grid-dispatch"} 0',
      'fengqiao_audit_store_changes_found{context="grid-dispatch"} 0',
    ]);
    await again.stop();
    expect(await auditGauges()).toEqual([]);
  });

  it("an event's stored hash edited: logged as an error naming it, the log rebuilt and the checkpoint refused with the change named in Chinese", async () => {
    const file = join(dataDir, 'grid-dispatch', 'events.sqlite');
    const db = new DatabaseSync(file);
    db.exec('DROP TRIGGER IF EXISTS events_no_update');
    const target = db.prepare("SELECT id FROM events WHERE stream_id = 'grid-case-b' AND revision = 3").get() as { id: string };
    db.prepare('UPDATE events SET hash = ? WHERE id = ?').run('ab'.repeat(32), target.id);
    db.close();

    const again = await startAudit();
    await again.audit.rechecked();
    const errors = logger.of('error');
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain(`the store changed under its Merkle log: event ${target.id} of stream grid-case-b revision 3 at position 12`);
    expect(errors[0]).toContain('rebuilding the Merkle log from the store');
    expect(errors[1]).toBe(
      `checkpoint failed: 当前日志与已签名的检查点不一致：一致性证明不成立；事件库在审计日志之下被改动：全局位置 12 的事件流 grid-case-b 第 3 版的事件 ${target.id}与日志第 11 号叶子（全局位置 12）记录的哈希不符`,
    );
    expect(logger.of('warn')).toEqual([expect.stringMatching(/^Merkle log rebuilt from the store: the re-check found the store changed/)]);
    // what the audit routes (verify, evidence) meet from now on: the refusal, named
    await expect(again.audit.auditor.checkpoint()).rejects.toThrow(MerkleLogForkError);
    // and what /health and /metrics say, for whoever watches the process rather than its log
    expect(await again.healthOfAudit()).toEqual({
      'grid-dispatch': {
        logForked: true,
        forkedSince: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        forkDetail: expect.stringContaining(
          `当前日志与已签名的检查点不一致：一致性证明不成立；事件库在审计日志之下被改动：全局位置 12 的事件流 grid-case-b 第 3 版的事件 ${target.id}`,
        ),
        storeChangesFound: 1,
      },
    });
    expect(await auditGauges()).toEqual([
      'fengqiao_audit_log_forked{context="grid-dispatch"} 1',
      'fengqiao_audit_store_changes_found{context="grid-dispatch"} 1',
    ]);
    await again.stop();
  });
});
