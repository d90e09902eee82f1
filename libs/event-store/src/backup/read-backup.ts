/**
 * Reads a backup back, checking every record as it passes, so a damaged or cut backup is refused
 * with the first bad record named (file and line) before anything is written to a store:
 * - each line is JSON of a complete stored event, ending in "\n";
 * - global positions strictly increase (and are dense 1, 2, 3 … where the source promised it);
 * - per stream: revisions 0, 1, 2 …, `previousHash` is the hash of the stream's previous event, and
 *   the event's hash recomputes (DESIGN §4: one altered byte of content changes it);
 * - the file holds as many records as the manifest says, and its sha256 is the manifest's;
 * - the Merkle log of the event hashes has the manifest's root, and extends every signed checkpoint.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StoredEvent } from '../event-store.port';
import { GENESIS_HASH, hashEvent } from '../integrity/hash-chain';
import { verifyCheckpoint, type CheckpointKeySet, type SignedCheckpoint } from '../merkle/checkpoint';
import { eventHashLeaf, toHex } from '../merkle/merkle-hash';
import { MerkleLog } from '../merkle/merkle-log';
import {
  BACKUP_FORMAT,
  BackupDamagedError,
  MANIFEST_FILE,
  type BackupEventRecord,
  type BackupFileSummary,
  type BackupManifest,
  type ContextBackupManifest,
  type ProgressReporter,
} from './backup-format';
import { readNdjson } from './ndjson';

const HEX64 = /^[0-9a-f]{64}$/;

export function readManifest(dir: string): BackupManifest {
  let text: string;
  try {
    text = readFileSync(join(dir, MANIFEST_FILE), 'utf8');
  } catch (e) {
    throw new BackupDamagedError(MANIFEST_FILE, undefined, `读不到清单 / cannot read the manifest: ${(e as Error).message}`);
  }
  let m: BackupManifest;
  try {
    m = JSON.parse(text) as BackupManifest;
  } catch (e) {
    throw new BackupDamagedError(MANIFEST_FILE, undefined, `清单不是 JSON / manifest is not JSON: ${(e as Error).message}`);
  }
  if (m?.format !== BACKUP_FORMAT || !Array.isArray(m.contexts)) {
    throw new BackupDamagedError(MANIFEST_FILE, undefined, `不是枫桥备份 / not a Fengqiao backup (format ${String(m?.format)})`);
  }
  return m;
}

function shapeProblem(r: Partial<BackupEventRecord>): string | undefined {
  const str = (v: unknown) => typeof v === 'string' && v.length > 0;
  const int = (v: unknown, min: number) => Number.isSafeInteger(v) && (v as number) >= min;
  if (!str(r.id)) return 'id';
  if (!str(r.streamId)) return 'streamId';
  if (!int(r.revision, 0)) return 'revision';
  if (!int(r.globalPosition, 1)) return 'globalPosition';
  if (!str(r.type)) return 'type';
  if (!int(r.schemaVersion, 1)) return 'schemaVersion';
  if (!str(r.occurredAt)) return 'occurredAt';
  if (!str(r.recordedAt)) return 'recordedAt';
  const a = r.actor as unknown as Record<string, unknown> | undefined;
  if (!a || typeof a !== 'object' || !str(a.userId) || !str(a.role) || !str(a.unitId)) return 'actor';
  if (!str(r.correlationId)) return 'correlationId';
  if (!str(r.causationId)) return 'causationId';
  if (!Array.isArray(r.jurisdiction)) return 'jurisdiction';
  if (r.legalBasis !== undefined && !str(r.legalBasis)) return 'legalBasis';
  if (r.data === null || typeof r.data !== 'object' || Array.isArray(r.data)) return 'data';
  if (typeof r.hash !== 'string' || !HEX64.test(r.hash)) return 'hash';
  if (typeof r.previousHash !== 'string' || !HEX64.test(r.previousHash)) return 'previousHash';
  return undefined;
}

function checkSummary(summary: BackupFileSummary, lines: number, digest: { sha256: string }): void {
  if (lines < summary.count) {
    throw new BackupDamagedError(
      summary.file,
      lines + 1,
      `文件被截断：清单记录 ${summary.count} 条，文件只有 ${lines} 条 / file cut short: ${lines} of ${summary.count} records`,
    );
  }
  if (lines > summary.count) {
    throw new BackupDamagedError(summary.file, summary.count + 1, `文件比清单多出记录 / more records than the manifest lists (${lines} > ${summary.count})`);
  }
  if (digest.sha256 !== summary.sha256) {
    throw new BackupDamagedError(summary.file, undefined, `sha256 与清单不符 / sha256 differs from the manifest (${digest.sha256} ≠ ${summary.sha256})`);
  }
}

/**
 * Signed checkpoints of a context, checked line by line. `checkFile()` then compares the count and
 * sha256 with the manifest: call it after the per-record checks (signatures, roots), so that a bad
 * record is named by its line rather than the whole file by its digest.
 */
export async function readCheckpoints(dir: string, entry: ContextBackupManifest): Promise<{ checkpoints: SignedCheckpoint[]; checkFile: () => void }> {
  const file = entry.checkpoints.file;
  const { lines, digest } = readNdjson(join(dir, file));
  const out: SignedCheckpoint[] = [];
  let n = 0;
  for await (const line of lines) {
    n = line.lineNo;
    if (line.unterminated) throw new BackupDamagedError(file, line.lineNo, '文件被截断（最后一行不完整）/ file cut short (last line incomplete)');
    let c: SignedCheckpoint;
    try {
      c = JSON.parse(line.text) as SignedCheckpoint;
    } catch {
      throw new BackupDamagedError(file, line.lineNo, '不是 JSON / not JSON');
    }
    const cp = c?.checkpoint;
    if (!cp || typeof c.signature !== 'string' || !Number.isSafeInteger(cp.treeSize) || typeof cp.rootHash !== 'string' || typeof cp.keyId !== 'string') {
      throw new BackupDamagedError(file, line.lineNo, '不是签名检查点 / not a signed checkpoint');
    }
    if (out.length > 0 && cp.treeSize <= out[out.length - 1].checkpoint.treeSize) {
      throw new BackupDamagedError(file, line.lineNo, '检查点的树大小没有递增 / tree sizes do not increase');
    }
    out.push(c);
  }
  const d = digest();
  return { checkpoints: out, checkFile: () => checkSummary(entry.checkpoints, n, d) };
}

export interface ReadEventsOptions {
  /** receives the checked events in global order, in batches (e.g. an importer); nothing when only checking */
  onBatch?: (events: StoredEvent[]) => Promise<void>;
  batchSize?: number;
  progress?: ProgressReporter;
  phase?: 'check' | 'import';
}

export interface ContextBackupCheck {
  count: number;
  streams: number;
  log: MerkleLog;
}

/** Streams and checks the events of a context's backup; throws BackupDamagedError at the first bad record. */
export async function readContextEvents(dir: string, entry: ContextBackupManifest, options: ReadEventsOptions = {}): Promise<ContextBackupCheck> {
  const file = entry.events.file;
  const dense = entry.events.densePositions;
  const batchSize = options.batchSize ?? 500;
  const { lines, digest } = readNdjson(join(dir, file));
  const heads = new Map<string, { revision: number; hash: string }>();
  const log = new MerkleLog();
  let lastPosition = 0;
  let n = 0;
  let batch: StoredEvent[] = [];
  for await (const line of lines) {
    n = line.lineNo;
    const bad = (reason: string): never => {
      throw new BackupDamagedError(file, line.lineNo, reason);
    };
    if (line.unterminated) bad('文件被截断（最后一行不完整）/ file cut short (last line incomplete)');
    let r: BackupEventRecord;
    try {
      r = JSON.parse(line.text) as BackupEventRecord;
    } catch {
      return bad('不是 JSON / not JSON');
    }
    if (r === null || typeof r !== 'object') bad('不是事件记录 / not an event record');
    const field = shapeProblem(r);
    if (field) bad(`字段 ${field} 缺失或无效 / field ${field} missing or invalid`);
    if (r.globalPosition <= lastPosition) bad(`全局位置 ${r.globalPosition} 没有递增（前一条 ${lastPosition}）/ position does not increase`);
    if (dense && r.globalPosition !== lastPosition + 1) bad(`全局位置 ${r.globalPosition} 不连续（应为 ${lastPosition + 1}）/ position gap`);
    const head = heads.get(r.streamId);
    const expectedRevision = head ? head.revision + 1 : 0;
    if (r.revision !== expectedRevision) bad(`事件流 ${r.streamId} 的版本 ${r.revision} 应为 ${expectedRevision} / revision out of order`);
    const expectedPrevious = head ? head.hash : GENESIS_HASH;
    if (r.previousHash !== expectedPrevious) bad(`事件 ${r.id} 的前一哈希与事件流不符 / previousHash does not match the stream`);
    const { previousHash: _previous, ...event } = r;
    if (hashEvent(r.previousHash, event) !== r.hash)
      bad(`事件 ${r.id}（${r.streamId} 第 ${r.revision} 版）的哈希不能复算：内容被改动 / hash does not recompute: content altered`);
    heads.set(r.streamId, { revision: r.revision, hash: r.hash });
    log.append(eventHashLeaf(r.hash));
    lastPosition = r.globalPosition;
    if (options.onBatch) {
      batch.push(event);
      if (batch.length >= batchSize) {
        await options.onBatch(batch);
        batch = [];
      }
    }
    if (options.progress && n % options.progress.every === 0) options.progress.report(entry.context, options.phase ?? 'check', n, entry.events.count);
  }
  checkSummary(entry.events, n, digest());
  if (options.onBatch && batch.length > 0) await options.onBatch(batch);
  const root = toHex(log.root());
  if (root !== entry.events.logRoot) {
    throw new BackupDamagedError(file, undefined, `默克尔根与清单不符 / Merkle root differs from the manifest (${root} ≠ ${entry.events.logRoot})`);
  }
  return { count: n, streams: heads.size, log };
}

export interface CheckpointCheck {
  /** checkpoints whose tree the log extends */
  consistent: number;
  /** checkpoints whose signature verified against the trusted key set (0 when none was given) */
  signaturesVerified: number;
}

/**
 * The log rebuilt from the backup extends every signed checkpoint (its root at the checkpoint's
 * size is the signed root), and, with a trusted key set, every signature verifies.
 */
export function checkCheckpointsAgainstLog(file: string, checkpoints: readonly SignedCheckpoint[], log: MerkleLog, keySet?: CheckpointKeySet): CheckpointCheck {
  let signaturesVerified = 0;
  checkpoints.forEach((c, i) => {
    const line = i + 1;
    const { treeSize, rootHash } = c.checkpoint;
    if (treeSize > log.size)
      throw new BackupDamagedError(file, line, `检查点覆盖 ${treeSize} 个事件，备份只有 ${log.size} 个 / checkpoint covers more events than the backup holds`);
    if (toHex(log.root(treeSize)) !== rootHash)
      throw new BackupDamagedError(file, line, `前 ${treeSize} 个事件的默克尔根与签名检查点不符 / log inconsistent with the signed checkpoint`);
    if (keySet) {
      const v = verifyCheckpoint(c, { keySet });
      if (!v.ok) throw new BackupDamagedError(file, line, `检查点签名无效 / checkpoint signature invalid: ${v.reason} ${v.detail}`);
      signaturesVerified += 1;
    }
  });
  return { consistent: checkpoints.length, signaturesVerified };
}
