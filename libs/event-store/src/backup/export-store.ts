/**
 * Exports one context's event store while it runs, through the EventStore port only (so every
 * adapter, KurrentDB included, exports the same way).
 *
 * Consistency: the signed checkpoints are listed first, then `readAll` is followed page by page
 * until a page comes back empty. The port never skips an event and positions become visible in
 * increasing order, so what is written is exactly the store as it was at one moment (a prefix of
 * its log): every stream's chain is whole up to that moment, and every checkpoint listed covers a
 * prefix of it. Appends that arrive meanwhile are either in the file or after its last position.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EventStore } from '../event-store.port';
import { GENESIS_HASH } from '../integrity/hash-chain';
import type { CheckpointKeySet } from '../merkle/checkpoint';
import type { CheckpointStore } from '../merkle/checkpoint.store';
import { eventHashLeaf } from '../merkle/merkle-hash';
import { MerkleLog } from '../merkle/merkle-log';
import { toHex } from '../merkle/merkle-hash';
import { CHECKPOINTS_FILE, EVENTS_FILE, type BackupEventRecord, type ContextBackupManifest, type ProgressReporter } from './backup-format';
import { NdjsonWriter } from './ndjson';

export interface ExportContextOptions {
  context: string;
  events: EventStore;
  checkpoints: CheckpointStore;
  /** the backup folder; the context's files go to `<dir>/<context>/` */
  dir: string;
  densePositions: boolean;
  keySet?: CheckpointKeySet;
  progress?: ProgressReporter;
  /** events per `readAll` page, default 1000 */
  pageSize?: number;
}

export async function exportContext(options: ExportContextOptions): Promise<ContextBackupManifest> {
  const { context, dir, progress } = options;
  const pageSize = options.pageSize ?? 1000;
  mkdirSync(join(dir, context), { recursive: true });
  const rel = (file: string) => `${context}/${file}`;

  // 1. checkpoints first: each one covers a prefix of what step 2 reads
  const cpWriter = new NdjsonWriter(join(dir, context, CHECKPOINTS_FILE));
  const signed = await options.checkpoints.list({});
  for (const c of signed) await cpWriter.write(c);
  const cpSummary = await cpWriter.close();

  // 2. the events, in global order, each with the hash it chains to
  const writer = new NdjsonWriter(join(dir, context, EVENTS_FILE));
  const heads = new Map<string, string>();
  const log = new MerkleLog();
  let last = 0;
  const follow = async (): Promise<void> => {
    for (;;) {
      const page = await options.events.readAll({ afterPosition: last, maxCount: pageSize });
      if (page.length === 0) break;
      for (const e of page) {
        const record: BackupEventRecord = { ...e, previousHash: heads.get(e.streamId) ?? GENESIS_HASH };
        await writer.write(record);
        heads.set(e.streamId, e.hash);
        log.append(eventHashLeaf(e.hash));
        last = e.globalPosition;
        if (progress && writer.count % progress.every === 0) progress.report(context, 'export', writer.count);
      }
    }
  };
  try {
    await follow();
  } catch (error) {
    await writer.close().catch(() => undefined);
    throw error;
  }
  const summary = await writer.close();
  const latest = signed.length > 0 ? signed[signed.length - 1] : undefined;
  if (latest && latest.checkpoint.treeSize > summary.count) {
    // cannot happen with a store that keeps its promises; refuse rather than write a backup that cannot verify
    throw new Error(`${context}: checkpoint covers ${latest.checkpoint.treeSize} events, the store showed ${summary.count}`);
  }
  return {
    context,
    events: {
      file: rel(EVENTS_FILE),
      ...summary,
      streams: heads.size,
      lastPosition: last,
      densePositions: options.densePositions,
      logRoot: toHex(log.root()),
    },
    checkpoints: { file: rel(CHECKPOINTS_FILE), ...cpSummary, ...(latest ? { latest } : {}) },
    ...(options.keySet ? { keySet: options.keySet } : {}),
  };
}
