/**
 * CPU-only integrity workloads: hash-chain verification of a long stream, and the Merkle log
 * (leaf appends, inclusion and consistency proofs with their verification). No Emmett column: Emmett
 * has no hash chain or Merkle log. The "raw" row is the hashing floor: one SHA-256 over
 * `JSON.stringify(event)` per event, without canonical JSON and without chaining.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  MerkleLog,
  SqliteEventStore,
  hashLeaf,
  verifyConsistencyProof,
  verifyInclusionProof,
  verifyStreamChain,
  type StoredEvent,
} from '@fengqiao/event-store';
import { makeEvents } from './lib/events';
import { formatMs, formatRate, progress } from './lib/progress';
import { cpuSecondsSince, nowMs, summarise, type RunSample } from './lib/stats';
import type { WorkloadResult } from './workloads';

export type IntegrityWorkloadId = 'verify-chain' | 'verify-chain-copies' | 'merkle-append' | 'merkle-inclusion' | 'merkle-consistency';

export interface IntegrityResult extends Omit<WorkloadResult, 'workload'> {
  workload: IntegrityWorkloadId;
}

export interface IntegritySizes {
  /** Length of the stream whose chain is verified. */
  chainLength: number;
  /** Leaves appended to a fresh Merkle log per run. */
  merkleLeaves: number;
  /** Proofs generated and verified per run (on the log of `merkleLeaves`). */
  proofs: number;
}

/** A long stream written through the real store (in memory: only the CPU part is timed). */
async function longStream(length: number): Promise<{ events: StoredEvent[]; copies: StoredEvent[] }> {
  const store = new SqliteEventStore({ path: ':memory:' });
  const streamId = 'case-chain-long';
  let revision: number | 'no_stream' = 'no_stream';
  for (let done = 0; done < length; done += 1000) {
    const r = await store.append(streamId, makeEvents(streamId, Math.min(1000, length - done)), { expectedRevision: revision });
    revision = r.nextExpectedRevision;
  }
  const events = await store.readStream(streamId);
  // plain copies from a second read: copying reads each event's data, which would send the events
  // being verified down the re-canonicalising path
  const copies = (await store.readStream(streamId)).map((e) => JSON.parse(JSON.stringify(e)) as StoredEvent);
  await store.close();
  return { events, copies };
}

function line(name: string, kind: string, s: ReturnType<typeof summarise>, unit: string): void {
  const lat = s.p50Ms === undefined ? '' : `, p50 ${formatMs(s.p50Ms)}, p99 ${formatMs(s.p99Ms)}`;
  progress(`integrity ${name} ${kind}: ${formatRate(s.eventsPerSec)} ${unit}/s${lat}`);
}

export async function runIntegrityWorkloads(sizes: IntegritySizes, runs: number): Promise<IntegrityResult[]> {
  const results: IntegrityResult[] = [];

  // --- hash chain
  progress(`integrity verify-chain: writing a ${sizes.chainLength.toLocaleString('en-US')}-event stream …`);
  const { events, copies } = await longStream(sizes.chainLength);
  // untimed warm-up of every code path (JIT), on small inputs
  verifyStreamChain(events.slice(0, Math.min(2000, events.length)));
  for (const e of copies.slice(0, 2000)) createHash('sha256').update(JSON.stringify(e)).digest();
  const warm = new MerkleLog();
  for (let i = 0; i < 20_000; i++) warm.append(randomBytes(32));
  for (let i = 0; i < 200; i++) {
    const leaf = Math.floor(Math.random() * warm.size);
    verifyInclusionProof(warm.inclusionProof(leaf), warm.leafHash(leaf), warm.root());
    const from = 1 + Math.floor(Math.random() * (warm.size - 1));
    verifyConsistencyProof(warm.consistencyProof(from), warm.root(from), warm.root());
  }

  // the same events as plain copies (what an evidence bundle or a test holds): no stored bytes
  // attached, so every event is re-canonicalised
  verifyStreamChain(copies.slice(0, Math.min(2000, copies.length)));
  const chainSamples: RunSample[] = [];
  const copySamples: RunSample[] = [];
  const floorSamples: RunSample[] = [];
  for (let r = 1; r <= runs; r++) {
    let cpu0 = process.cpuUsage();
    let t0 = nowMs();
    const v = verifyStreamChain(events);
    chainSamples.push({ events: events.length, seconds: (nowMs() - t0) / 1000, cpuSeconds: cpuSecondsSince(cpu0) });
    if (!v.ok || v.eventCount !== events.length) throw new Error(`chain verification failed on an untouched stream: ${JSON.stringify(v)}`);
    line(`verify-chain run ${r}/${runs}`, 'ours', summarise(chainSamples.slice(-1)), 'ev');
    cpu0 = process.cpuUsage();
    t0 = nowMs();
    const c = verifyStreamChain(copies);
    copySamples.push({ events: copies.length, seconds: (nowMs() - t0) / 1000, cpuSeconds: cpuSecondsSince(cpu0) });
    if (!c.ok) throw new Error(`chain verification failed on copies of an untouched stream: ${JSON.stringify(c)}`);
    line(`verify-chain (copies) run ${r}/${runs}`, 'ours', summarise(copySamples.slice(-1)), 'ev');
    t0 = nowMs();
    let sink = 0;
    for (const e of copies) sink ^= createHash('sha256').update(JSON.stringify(e)).digest()[0];
    floorSamples.push({ events: events.length + (sink & 0), seconds: (nowMs() - t0) / 1000 });
    line(`verify-chain run ${r}/${runs}`, 'raw', summarise(floorSamples.slice(-1)), 'ev');
  }
  results.push(
    {
      workload: 'verify-chain',
      kind: 'ours',
      label:
        'verifyStreamChain on the events as read from the SQLite store: SHA-256 of the stored canonical bytes, chained, after checking the event still equals them',
      summary: summarise(chainSamples),
    },
    {
      workload: 'verify-chain-copies',
      kind: 'ours',
      label: 'verifyStreamChain on plain copies of the same events (no stored bytes): RFC 8785 JSON + SHA-256 per event, chained',
      summary: summarise(copySamples),
    },
    { workload: 'verify-chain', kind: 'raw', label: 'SHA-256 of JSON.stringify(event), no canonical JSON, no chain', summary: summarise(floorSamples) },
  );

  if (sizes.merkleLeaves <= 0) return results; // `--only verify`: the chain alone

  // --- Merkle log: appends
  const pool = randomBytes(32 * sizes.merkleLeaves);
  const entries = Array.from({ length: sizes.merkleLeaves }, (_, i) => pool.subarray(32 * i, 32 * (i + 1)));
  const appendSamples: RunSample[] = [];
  let log = new MerkleLog();
  for (let r = 1; r <= runs; r++) {
    log = new MerkleLog();
    const t0 = nowMs();
    for (const e of entries) log.append(e);
    appendSamples.push({ events: entries.length, seconds: (nowMs() - t0) / 1000 });
    line(`merkle-append run ${r}/${runs}`, 'ours', summarise(appendSamples.slice(-1)), 'leaves');
  }
  results.push({ workload: 'merkle-append', kind: 'ours', label: 'MerkleLog.append (RFC 9162 leaf + completed subtrees)', summary: summarise(appendSamples) });
  const leafFloor: RunSample[] = [];
  for (let r = 1; r <= runs; r++) {
    const t0 = nowMs();
    for (const e of entries) hashLeaf(e);
    leafFloor.push({ events: entries.length, seconds: (nowMs() - t0) / 1000 });
  }
  results.push({ workload: 'merkle-append', kind: 'raw', label: 'one SHA-256 per leaf (the leaf hash alone)', summary: summarise(leafFloor) });

  // --- Merkle log: proofs on the full log
  const size = log.size;
  const root = log.head().rootHash;
  const inclusion: RunSample[] = [];
  const consistency: RunSample[] = [];
  for (let r = 1; r <= runs; r++) {
    const lat: number[] = [];
    let t0 = nowMs();
    for (let i = 0; i < sizes.proofs; i++) {
      const leaf = Math.floor(Math.random() * size);
      const t = nowMs();
      const proof = log.inclusionProof(leaf, size);
      const ok = verifyInclusionProof(proof, log.leafHash(leaf), root);
      lat.push(nowMs() - t);
      if (!ok) throw new Error(`inclusion proof of leaf ${leaf} did not verify`);
    }
    inclusion.push({ events: sizes.proofs, seconds: (nowMs() - t0) / 1000, latenciesMs: lat });
    line(`merkle-inclusion run ${r}/${runs}`, 'ours', summarise(inclusion.slice(-1)), 'proofs');

    const clat: number[] = [];
    t0 = nowMs();
    for (let i = 0; i < sizes.proofs; i++) {
      const from = 1 + Math.floor(Math.random() * (size - 1));
      const t = nowMs();
      const proof = log.consistencyProof(from, size);
      const ok = verifyConsistencyProof(proof, log.root(from), root);
      clat.push(nowMs() - t);
      if (!ok) throw new Error(`consistency proof ${from} → ${size} did not verify`);
    }
    consistency.push({ events: sizes.proofs, seconds: (nowMs() - t0) / 1000, latenciesMs: clat });
    line(`merkle-consistency run ${r}/${runs}`, 'ours', summarise(consistency.slice(-1)), 'proofs');
  }
  results.push(
    {
      workload: 'merkle-inclusion',
      kind: 'ours',
      label: `inclusionProof + verifyInclusionProof, random leaf of ${size.toLocaleString('en-US')}`,
      summary: summarise(inclusion),
    },
    {
      workload: 'merkle-consistency',
      kind: 'ours',
      label: `root(m) + consistencyProof + verifyConsistencyProof, random m < ${size.toLocaleString('en-US')}`,
      summary: summarise(consistency),
    },
  );
  return results;
}
