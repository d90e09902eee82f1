/**
 * Restores one context's backup into an empty store and proves it: the backup is read twice, once
 * to check every record before anything is written (`checkContextBackup`), once to import; then
 * the restored store is verified through the port like an auditor would (`verifyStore`: every
 * chain recomputes, positions dense and increasing, the log extends the exported checkpoints) and
 * its event count and Merkle root must be the manifest's.
 */
import type { EventStore, StoredEvent } from '../event-store.port';
import type { CheckpointKeySet, SignedCheckpoint } from '../merkle/checkpoint';
import type { CheckpointStore } from '../merkle/checkpoint.store';
import { verifyStore, type StoreVerification } from '../tamper/verify-store';
import { RestoreTargetNotEmptyError, RestoreVerificationError, type ContextBackupManifest, type ProgressReporter } from './backup-format';
import type { RawEventImport } from './raw-import';
import { checkCheckpointsAgainstLog, readCheckpoints, readContextEvents, type CheckpointCheck } from './read-backup';

export interface CheckedContextBackup {
  entry: ContextBackupManifest;
  checkpoints: SignedCheckpoint[];
  events: number;
  streams: number;
  checkpointCheck: CheckpointCheck;
}

/** Checks a context's files without writing anything; throws BackupDamagedError at the first bad record. */
export async function checkContextBackup(
  dir: string,
  entry: ContextBackupManifest,
  keySet?: CheckpointKeySet,
  progress?: ProgressReporter,
): Promise<CheckedContextBackup> {
  const { checkpoints, checkFile } = await readCheckpoints(dir, entry);
  const read = await readContextEvents(dir, entry, { ...(progress ? { progress } : {}), phase: 'check' });
  const checkpointCheck = checkCheckpointsAgainstLog(entry.checkpoints.file, checkpoints, read.log, keySet);
  checkFile();
  return { entry, checkpoints, events: read.count, streams: read.streams, checkpointCheck };
}

export interface RestoreContextTarget {
  raw: RawEventImport;
  checkpoints: CheckpointStore;
}

export interface RestoreContextOptions {
  dir: string;
  checked: CheckedContextBackup;
  target: RestoreContextTarget;
  progress?: ProgressReporter;
}

/**
 * Imports a checked backup into an empty target. Positions are kept when the source's were dense
 * (sqlite, mongodb); a KurrentDB backup is renumbered 1, 2, 3 … in the same order (positions are
 * not hashed; the Merkle log depends on the order only).
 */
export async function importContextBackup(options: RestoreContextOptions): Promise<{ imported: number; renumbered: boolean }> {
  const { dir, checked, target, progress } = options;
  const { entry } = checked;
  const already = await target.raw.count();
  if (already > 0 || (await target.checkpoints.latest()) !== undefined) throw new RestoreTargetNotEmptyError(entry.context, already);
  const renumber = !entry.events.densePositions;
  let next = 1;
  let imported = 0;
  await readContextEvents(dir, entry, {
    phase: 'import',
    ...(progress ? { progress } : {}),
    onBatch: async (events: StoredEvent[]) => {
      const batch = renumber ? events.map((e) => ({ ...e, globalPosition: next++ })) : events;
      await target.raw.insert(batch);
      imported += batch.length;
    },
  });
  for (const c of checked.checkpoints) await target.checkpoints.save(c);
  return { imported, renumbered: renumber };
}

/** Verifies the restored store against the manifest and the exported checkpoints; throws RestoreVerificationError. */
export async function verifyRestoredContext(store: EventStore, checked: CheckedContextBackup, keySet?: CheckpointKeySet): Promise<StoreVerification> {
  const { entry } = checked;
  const withSignatures = keySet !== undefined && checked.checkpoints.length > 0;
  const result = await verifyStore(store, {
    densePositions: true,
    ...(withSignatures ? { checkpoints: checked.checkpoints, keySet } : {}),
    checks: withSignatures ? ['log_order', 'chain', 'checkpoint'] : ['log_order', 'chain'],
  });
  const fail = (reason: string): never => {
    throw new RestoreVerificationError(entry.context, reason);
  };
  if (!result.ok) {
    const f = result.firstFailure;
    fail(`${f?.reason ?? 'FAILED'} ${f?.detail ?? ''}${f?.event ? ` (event ${f.event.id}, ${f.event.streamId}#${f.event.revision})` : ''}`);
  }
  if (result.eventCount !== entry.events.count) fail(`事件数 ${result.eventCount} ≠ 清单 ${entry.events.count} / event count differs from the manifest`);
  if (result.streamCount !== entry.events.streams) fail(`事件流数 ${result.streamCount} ≠ 清单 ${entry.events.streams} / stream count differs`);
  if (result.rootHash !== entry.events.logRoot) fail(`默克尔根 ${result.rootHash} ≠ 清单 ${entry.events.logRoot} / Merkle root differs`);
  // without a key set the signatures are not checked, but the log must still extend each checkpoint's root
  const latest = checked.checkpoints[checked.checkpoints.length - 1];
  if (latest && latest.checkpoint.treeSize > result.treeSize) fail('恢复后的日志短于导出的检查点 / restored log is shorter than the exported checkpoint');
  return result;
}
