/**
 * Audit and analytics numbers of issue 12 (not part of `npm run bench`'s report; run on its own):
 *
 *   node -r @swc-node/register bench/audit.ts [--events N] [--matter N] [--normal]
 *
 * --normal: the read store with synchronous=NORMAL (as for a rebuild) instead of FULL (as deployed).
 *
 * 1. Verify a matter of N events (default 1,000) with proofs, in a store that also holds as many
 *    events of other cases: sign a checkpoint, build the evidence bundle (events + inclusion
 *    proofs), serialise it, and verify it offline (`verifyEvidenceBundle`).
 * 2. Rebuild analytics' figures from integration events (default 100,000 generated intake and
 *    grid-dispatch events): the consumer's own handler on the embedded read store (node:sqlite +
 *    mingo) with the inbox check the runtime does per event, then the figures by unit.
 * Prints a Markdown section for BENCHMARKS.md. Benchmarks are never tests: nothing here asserts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { gridDispatchContracts, IntakeCaseFiledV1, IntakeCaseReportedV1, type IntegrationEvent } from '@fengqiao/contracts';
import {
  CheckpointSigner,
  InMemoryCheckpointStore,
  SqliteEventStore,
  StoreAuditor,
  verifyEvidenceBundle,
  EVIDENCE_BUNDLE_FORMAT,
  type NewEvent,
} from '@fengqiao/event-store';
import { EmbeddedReadStore } from '@fengqiao/read-store';
import { newId } from '@fengqiao/kernel';
import { CASE_FACTS, createFiguresConsumer, figures, type CaseFacts } from '@fengqiao/analytics-service';
import type { ContextRuntime } from '@fengqiao/platform';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const MATTER = arg('--matter', 1000);
const EVENTS = arg('--events', 100_000);
const SYNC = process.argv.includes('--normal') ? 'NORMAL' : 'FULL';
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

function event(n: number, corr: string): NewEvent {
  return {
    id: newId(),
    type: 'ProgressNoted',
    schemaVersion: 1,
    occurredAt: '2026-03-01T09:00:00+08:00',
    actor: { userId: 'u-dept-d-cg', role: 'department', unitId: 'dept-d-cg', directoryVersion: 12 },
    correlationId: corr,
    causationId: corr,
    jurisdiction: ['d-fq', 't-1', 'v-1-1', 'g-1-1-1'],
    legalBasis: '济南市12345热线条例§24',
    data: { caseId: 'matter', n, note: `第${n}次处置进展：已联系相关单位现场查看并记录` },
  };
}

async function verifyMatter(): Promise<string[]> {
  const store = new SqliteEventStore({ path: ':memory:' });
  const corr = newId();
  for (let i = 0; i < MATTER; i += 100) {
    await store.append(
      'grid-case-matter',
      Array.from({ length: Math.min(100, MATTER - i) }, (_, k) => event(i + k, corr)),
      { expectedRevision: i === 0 ? 'no_stream' : i - 1 },
    );
    for (let o = 0; o < 10; o++)
      await store.append(
        `grid-case-other-${i}-${o}`,
        Array.from({ length: 10 }, (_, k) => event(k, newId())),
        { expectedRevision: 'no_stream' },
      );
  }
  const signer = CheckpointSigner.generate();
  const auditor = new StoreAuditor({ context: 'bench', events: store, checkpoints: new InMemoryCheckpointStore(), signer });
  let t0 = process.hrtime.bigint();
  await auditor.catchUp();
  const follow = ms(t0);
  t0 = process.hrtime.bigint();
  const log = await auditor.bundleLog(['grid-case-matter']);
  const text = JSON.stringify({
    format: EVIDENCE_BUNDLE_FORMAT,
    matter: { kind: 'grid_case', id: 'matter' },
    exportedAt: '',
    exportedBy: { userId: 'a', role: 'auditor', unitId: 'd' },
    logs: [log],
    keys: auditor.keySet(),
  });
  const build = ms(t0);
  t0 = process.hrtime.bigint();
  const result = verifyEvidenceBundle(JSON.parse(text));
  const verify = ms(t0);
  if (!result.ok) throw new Error(`bundle did not verify: ${JSON.stringify(result.failures[0])}`);
  await store.close();
  return [
    `| follow the store into its Merkle log (${auditor.log.size.toLocaleString('en')} events) | ${follow.toFixed(0)} ms |`,
    `| sign a checkpoint and build the bundle of a matter of ${MATTER.toLocaleString('en')} events with inclusion proofs (${(text.length / 1e6).toFixed(1)} MB JSON) | ${build.toFixed(0)} ms |`,
    `| verify that bundle offline (signature, ${MATTER.toLocaleString('en')} chain links, ${MATTER.toLocaleString('en')} inclusion proofs) | ${verify.toFixed(0)} ms |`,
  ];
}

function integrationEvents(n: number): IntegrationEvent[] {
  const out: IntegrationEvent[] = [];
  const grids = ['g-1-1-1', 'g-1-1-2', 'g-1-2-1', 'g-2-1-1', 'g-2-1-2', 'g-3-1-1'];
  const flow = ['DispatchAccepted', 'FeedbackSubmitted', 'CaseVerified', 'CaseClosed', 'CallbackRecorded'] as const;
  for (let c = 0; out.length < n; c++) {
    const caseId = `case-${c}`;
    const grid = grids[c % grids.length];
    const j = ['d-fq', `t-${grid[2]}`, `v-${grid.slice(2, 5)}`, grid];
    const at = new Date(Date.UTC(2026, c % 12, 1 + (c % 27), 1)).toISOString();
    const base = { source: '/bench', subject: caseId, time: at, correlationId: caseId, causationId: caseId };
    out.push({
      ...base,
      id: newId(),
      type: IntakeCaseReportedV1.type,
      data: {
        caseId,
        channel: 'hotline',
        category: `cat-${c % 19}`,
        description: 'x',
        urgency: 'normal',
        gridId: grid,
        location: { address: `地址${c % 5000}` },
        jurisdiction: j,
        reportedAt: at,
      },
    });
    out.push({
      ...base,
      id: newId(),
      type: IntakeCaseFiledV1.type,
      data: {
        caseId,
        jurisdiction: j,
        filedAt: at,
        level: 'village',
        category: `cat-${c % 19}`,
        urgency: 'normal',
        gridId: grid,
        channel: 'hotline',
        location: {},
      },
    });
    for (const name of flow) {
      out.push({
        ...base,
        id: newId(),
        type: gridDispatchContracts[name].type,
        data: {
          caseId,
          event: name,
          jurisdiction: j,
          at,
          actor: { userId: 'u', role: 'operator', unitId: j[2] },
          status: 's',
          category: `cat-${c % 19}`,
          urgency: 'normal',
          gridId: grid,
          level: 'village',
          unitId: null,
          step: null,
          dueAt: null,
          ...(name === 'CallbackRecorded' ? { rating: 1 + (c % 5) } : {}),
        },
      });
    }
  }
  return out.slice(0, n);
}

async function rebuild(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'fq-bench-analytics-'));
  const readStore = new EmbeddedReadStore({ path: join(dir, 'read-models.sqlite'), synchronous: SYNC });
  const runtime = { infra: { readStore, events: new SqliteEventStore({ path: ':memory:' }) } } as unknown as ContextRuntime;
  const figuresConsumer = createFiguresConsumer();
  await readStore.ensureIndexes(CASE_FACTS, [{ keys: { placeKey: 1 } }, { keys: { month: 1 } }]);
  await readStore.ensureIndexes('inbox', [{ keys: { group: 1 } }]);
  await figuresConsumer.prepare(runtime);
  const events = integrationEvents(EVENTS);
  const t0 = process.hrtime.bigint();
  for (const e of events) {
    const inboxId = `bench/${e.id}`;
    if (await readStore.get('inbox', inboxId)) continue;
    await figuresConsumer.consumer.handle(e, runtime);
    await readStore.upsert('inbox', { _id: inboxId, group: 'bench', eventId: e.id, type: e.type }, { revision: 1 });
  }
  const total = ms(t0);
  const t1 = process.hrtime.bigint();
  const rows = figures(await readStore.find<CaseFacts>(CASE_FACTS, {}), 'unit');
  const fig = ms(t1);
  await readStore.close();
  rmSync(dir, { recursive: true, force: true });
  const rate = EVENTS / (total / 1000);
  return [
    `| rebuild the figures read model from ${EVENTS.toLocaleString('en')} integration events (${Math.ceil(EVENTS / 7).toLocaleString('en')} cases; inbox, facts upsert, early-warning rules per event; SQLite synchronous=${SYNC}) | ${(total / 1000).toFixed(1)} s = ${Math.round(rate).toLocaleString('en')} events/s |`,
    `| … 1,000,000 events at that rate (extrapolated, not measured) | ≈ ${Math.round(1e6 / rate)} s |`,
    `| figures by unit over those cases (${rows.length} units) | ${fig.toFixed(0)} ms |`,
  ];
}

async function main(): Promise<void> {
  const lines = [
    '## Audit and analytics (issue 12)',
    '',
    `Measured with \`node -r @swc-node/register bench/audit.ts\` on ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; one run, other work on the machine.`,
    '',
    '| what | time |',
    '|---|---|',
    ...(await verifyMatter()),
    ...(await rebuild()),
  ];
  console.log(lines.join('\n'));
}

void main();
