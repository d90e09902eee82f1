import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId } from '@fengqiao/kernel';
import { SqliteEventStore } from '../adapters/sqlite/sqlite-event-store';
import type { NewEvent } from '../event-store.port';
import { CheckpointSigner, InMemoryCheckpointStore } from '../merkle';
import { EVIDENCE_BUNDLE_FORMAT, EvidenceBundle, verifyEvidenceBundle } from './evidence-bundle';
import { StoreAuditor } from './store-auditor';

const ROOT = join(__dirname, '..', '..', '..', '..');

function event(n: number, correlationId: string): NewEvent {
  return {
    id: newId(),
    type: n === 0 ? 'CaseReported' : `Step${n}`,
    schemaVersion: 1,
    occurredAt: '2026-03-01T08:00:00.000+08:00',
    // a human actor carrying every envelope field
    actor: { userId: 'u-op-v-1-1', role: 'operator', unitId: 'v-1-1', directoryVersion: 3 },
    correlationId,
    causationId: correlationId,
    jurisdiction: ['d', 't-1', 'v-1-1'],
    ...(n % 2 === 1 ? { legalBasis: '信访工作条例§22' } : {}),
    data: { caseId: 'c-1', n, note: `第${n}步 说明`, reporter: { name: '张三', phone: '13812345678' } },
  };
}

/** Runs the verifier the way a person would, in a process of its own that has no database. */
function verifyCli(file: string, ...extra: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'verify.mjs'), file, ...extra], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('evidence bundle of a matter, verified offline', () => {
  const signer = CheckpointSigner.generate();
  let bundle: EvidenceBundle;
  const dir = mkdtempSync(join(tmpdir(), 'fq-bundle-'));

  beforeAll(async () => {
    const store = new SqliteEventStore({ path: ':memory:' });
    const corr = newId();
    await store.append(
      'grid-case-report-c-1',
      [0, 1, 2].map((n) => event(n, corr)),
      { expectedRevision: 'no_stream' },
    );
    await store.append('other-case', [event(0, newId())], { expectedRevision: 'no_stream' });
    await store.append(
      'grid-case-c-1',
      [3, 4, 5, 6].map((n) => event(n, corr)),
      { expectedRevision: 'no_stream' },
    );
    const auditor = new StoreAuditor({ context: 'test', events: store, checkpoints: new InMemoryCheckpointStore(), signer });
    const log = await auditor.bundleLog(['grid-case-report-c-1', 'grid-case-c-1']);
    bundle = {
      format: EVIDENCE_BUNDLE_FORMAT,
      matter: { kind: 'grid_case', id: 'c-1' },
      exportedAt: '2026-03-02T00:00:00.000Z',
      exportedBy: { userId: 'u-audit-d', role: 'auditor', unitId: 'd' },
      logs: [log],
      keys: auditor.keySet(),
    };
    await store.close();
  });

  it('verifies untouched: chains, inclusion proofs and the signed checkpoint', () => {
    const result = verifyEvidenceBundle(JSON.parse(JSON.stringify(bundle)), { keys: [signer.publicJwk()] });
    expect(result.failures).toEqual([]);
    expect(result).toMatchObject({ ok: true, eventCount: 7, streamCount: 2 });
    expect(result.checkpoints[0]).toMatchObject({ treeSize: 8, keyId: signer.keyId });
  });

  it('names the event when any string or number of any event is changed', () => {
    const text = JSON.stringify(bundle);
    let mutations = 0;
    bundle.logs[0].streams.forEach((stream, s) =>
      stream.events.forEach(({ event }, i) => {
        const leaves: Array<[string[], unknown]> = [];
        const walk = (v: unknown, path: string[]): void => {
          if (v !== null && typeof v === 'object') for (const [k, c] of Object.entries(v)) walk(c, [...path, k]);
          else leaves.push([path, v]);
        };
        walk(event, []);
        for (const [path, value] of leaves) {
          const copy = JSON.parse(text) as EvidenceBundle;
          let target = copy.logs[0].streams[s].events[i].event as unknown as Record<string, unknown>;
          for (const k of path.slice(0, -1)) target = target[k] as Record<string, unknown>;
          const key = path[path.length - 1];
          target[key] = typeof value === 'number' ? value + 1 : typeof value === 'string' ? `${value}x` : !value;
          const result = verifyEvidenceBundle(copy);
          // the event is named by its id (as altered, when the id itself was the byte changed)
          const named = path.join('.') === 'id' ? `${event.id}x` : event.id;
          expect({ path: path.join('.'), ok: result.ok, eventId: result.failures[0]?.eventId }).toEqual({ path: path.join('.'), ok: false, eventId: named });
          mutations += 1;
        }
      }),
    );
    expect(mutations).toBeGreaterThan(7 * 15);
  });

  it('names the event when an event is removed, two are swapped, a field is added, or a proof is altered', () => {
    const copy = (): EvidenceBundle => JSON.parse(JSON.stringify(bundle)) as EvidenceBundle;
    const stream = (b: EvidenceBundle) => b.logs[0].streams[1].events;
    const ids = stream(bundle).map((e) => e.event.id);

    const removed = copy();
    stream(removed).splice(1, 1);
    expect(verifyEvidenceBundle(removed).failures[0]).toMatchObject({ reason: 'CHAIN_REVISION_GAP', eventId: ids[2] });

    const swapped = copy();
    [stream(swapped)[1], stream(swapped)[2]] = [stream(swapped)[2], stream(swapped)[1]];
    expect(verifyEvidenceBundle(swapped).failures[0]).toMatchObject({ reason: 'CHAIN_REVISION_GAP', eventId: ids[2] });

    const added = copy();
    (stream(added)[3].event as unknown as Record<string, unknown>).globalPosition = 12;
    expect(verifyEvidenceBundle(added).failures[0]).toMatchObject({ reason: 'EVENT_MALFORMED', eventId: ids[3] });

    const badProof = copy();
    const path = stream(badProof)[0].proof.path;
    path[0] = path[0].replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(verifyEvidenceBundle(badProof).failures[0]).toMatchObject({ reason: 'EVENT_NOT_INCLUDED', eventId: ids[0] });

    const otherKey = verifyEvidenceBundle(copy(), { keys: [CheckpointSigner.generate().publicJwk()] });
    expect(otherKey.failures[0]).toMatchObject({ reason: 'CHECKPOINT_SIGNATURE_INVALID' });
  });

  it('npm run verify checks the file in a process without a database; one altered byte fails with the event named', () => {
    const good = join(dir, 'bundle.json');
    const keys = join(dir, 'keys.json');
    const text = JSON.stringify(bundle, null, 2);
    writeFileSync(good, text);
    writeFileSync(keys, JSON.stringify({ keys: [signer.publicJwk()] }));
    const ok = verifyCli(good, '--keys', keys);
    expect(ok.out).toContain('OK: 7 events in 2 streams verify');
    expect(ok.status).toBe(0);

    // one byte inside the note of the third event of grid-case-c-1: 说 → 讲 is several bytes; alter one ASCII digit instead
    const target = bundle.logs[0].streams[1].events[2].event;
    const at = text.indexOf(`"note": "第${target.data.n as number}步 说明"`);
    expect(at).toBeGreaterThan(0);
    const digitAt = text.indexOf(String(target.data.n), at);
    const tampered = `${text.slice(0, digitAt)}9${text.slice(digitAt + 1)}`;
    const bad = join(dir, 'tampered.json');
    writeFileSync(bad, tampered);
    const failed = verifyCli(bad, '--keys', keys);
    expect(failed.status).toBe(1);
    expect(failed.out).toContain(`CHAIN_HASH_MISMATCH at test / grid-case-c-1 / revision 2 / ${target.type} / event ${target.id}`);
  });
});
