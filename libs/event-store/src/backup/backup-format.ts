/**
 * The portable backup of event stores (issue 16, item 1): a folder with
 *
 *   manifest.json                      format, time, source mode, per context: counts and sha256
 *   <context>/events.ndjson            one stored event per line, in global order, exactly as stored
 *                                      (ids, stream, revision, globalPosition, recordedAt, hash) plus
 *                                      `previousHash`, the hash the event chains to
 *   <context>/checkpoints.ndjson       the signed checkpoints of the context's Merkle log
 *
 * Every line of an NDJSON file ends with "\n", so a cut file is seen (its last line has none, or the
 * manifest counts more lines). The manifest's sha256 of each file catches any other change that the
 * per-record checks (hash chain, previous hash, dense increasing positions) would not.
 */
import type { CheckpointKeySet, SignedCheckpoint } from '../merkle/checkpoint';
import type { StoredEvent } from '../event-store.port';

export const BACKUP_FORMAT = 'fengqiao/backup/v1';
export const MANIFEST_FILE = 'manifest.json';
export const EVENTS_FILE = 'events.ndjson';
export const CHECKPOINTS_FILE = 'checkpoints.ndjson';

/** One line of `events.ndjson`. */
export type BackupEventRecord = StoredEvent & { previousHash: string };

export interface BackupFileSummary {
  /** path relative to the backup folder, `/`-separated */
  file: string;
  /** records (= lines) */
  count: number;
  /** SHA-256 hex of the whole file */
  sha256: string;
  bytes: number;
}

export interface ContextBackupManifest {
  context: string;
  events: BackupFileSummary & {
    streams: number;
    /** position of the last event (0 when empty) */
    lastPosition: number;
    /** the source promised dense positions 1, 2, 3 … (sqlite, mongodb; not KurrentDB) */
    densePositions: boolean;
    /** root (hex) of the Merkle log of every exported event: what the restored log must have */
    logRoot: string;
  };
  checkpoints: BackupFileSummary & {
    /** the latest signed checkpoint, also the last line of the file */
    latest?: SignedCheckpoint;
  };
  /**
   * Public keys of the checkpoint signer known at backup time (may be absent). Verification prefers
   * a key set the operator trusts (`--keys`); this one only says which key the checkpoints name.
   */
  keySet?: CheckpointKeySet;
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  createdAt: string;
  /** where the backup was taken */
  source: { mode: 'standalone' | 'distributed'; eventStore: 'sqlite' | 'mongodb' | 'kurrentdb' };
  contexts: ContextBackupManifest[];
}

/** A backup that is damaged, cut short or not one: names the file and line of the first bad record. */
export class BackupDamagedError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly reason: string,
  ) {
    super(`备份已损坏 / backup damaged: ${file}${line !== undefined ? `:${line}` : ''}: ${reason}`);
    this.name = 'BackupDamagedError';
  }
}

/** The restore target already holds events (or checkpoints) and `--force` was not given. */
export class RestoreTargetNotEmptyError extends Error {
  constructor(
    readonly context: string,
    readonly events: number,
  ) {
    super(`目标不是空的 / target not empty: ${context} 已有 ${events} 个事件（加 --force 先清空再恢复 / use --force to replace it）`);
    this.name = 'RestoreTargetNotEmptyError';
  }
}

/** The restored store does not verify (chains, log against the checkpoint, counts). */
export class RestoreVerificationError extends Error {
  constructor(
    readonly context: string,
    readonly reason: string,
  ) {
    super(`恢复后校验失败 / restored store does not verify: ${context}: ${reason}`);
    this.name = 'RestoreVerificationError';
  }
}

/** Progress of long runs: called every `every` events. */
export interface ProgressReporter {
  every: number;
  report(context: string, phase: 'export' | 'check' | 'import' | 'verify', done: number, total?: number): void;
}
