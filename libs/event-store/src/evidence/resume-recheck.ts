/**
 * The re-check of a resumed audit log against its store (DESIGN §4, issue 15).
 *
 * A StoreAuditor on a persisted state (standalone: the log's nodes in SQLite tiles) resumes after
 * one read of the log's last leaf, so the service listens at once whatever the store's size. That
 * one read cannot see an event edited in the store's file while the process was down (its data
 * changed and its hash and the chain after it recomputed, so every chain still verifies): when
 * every start rebuilt the log from the store, the rebuilt log no longer extended the last signed
 * checkpoint and the first checkpoint at start-up was refused. This re-check gives that back
 * without the rebuild: in the background after a resume, it reads the store from the start up to
 * the resumed size, page by page with a turn of the event loop between pages, and compares each
 * event's leaf hash and global position with what the persisted log holds for that leaf. Memory
 * stays one page: nothing is collected.
 *
 * The first difference is a StoreChange (where, what the store holds there, in English for logs
 * and Chinese for people); the auditor then starts its log over from the store, so the next
 * checkpoint is checked against the last signed one and refused, as before the resume existed.
 * The tiles' own nodes are not re-checked: tiles edited to match a forged store no longer give a
 * consistency proof to the last signed checkpoint.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { EventStore, StoredEvent } from '../event-store.port';
import { eventHashLeaf, hashLeaf } from '../merkle/merkle-hash';
import type { MerkleLog } from '../merkle/merkle-log';

/** The first leaf of a resumed log whose event the store no longer holds as the log recorded it. */
export interface StoreChange {
  /** Leaf index (0-based) in the log. */
  leaf: number;
  /** Global position the log recorded for the leaf. */
  position: number | undefined;
  /**
   * `changed`: the store holds another hash at the leaf's position; `removed`: the leaf's event is
   * no longer in the store; `added`: the store holds an event before it that the log does not.
   */
  kind: 'changed' | 'removed' | 'added';
  /** What the store holds where the leaf's event was expected (none when the store ends before it). */
  event?: Pick<StoredEvent, 'id' | 'streamId' | 'revision' | 'globalPosition' | 'hash'>;
  /** English, for logs. */
  detail: string;
  /** Chinese, for people. */
  message: string;
}

export interface RecheckProgress {
  /** Leaves of the resumed log (what is re-checked). */
  treeSize: number;
  /** Leaves compared so far. */
  checked: number;
  seconds: number;
  done: boolean;
}

export interface RecheckResult extends RecheckProgress {
  /** The first difference found (the re-check stops there). */
  change?: StoreChange;
  /** Stopped before the end: the auditor stopped, or its log started over. */
  stopped?: boolean;
}

export interface ResumeRecheckOptions {
  events: EventStore;
  /** The resumed log: its leaves below `treeSize` are compared. */
  log: MerkleLog;
  /** Global positions of persisted leaves from `leaf` on, at most `count` (AuditFollowerState.positionsOf). */
  positionsOf: (leaf: number, count: number) => number[];
  treeSize: number;
  pageSize: number;
  /** Told every `progressEvery` leaves. */
  progressEvery: number;
  onProgress?: (progress: RecheckProgress) => void;
  /** Asked before each page is compared: true ends the re-check (the state may have been cleared). */
  stopped: () => boolean;
}

/** Reads the store from the start up to `treeSize` events and compares each with its leaf; resolves with the first difference. */
export async function recheckResumedLog(o: ResumeRecheckOptions): Promise<RecheckResult> {
  const started = Date.now();
  let leaf = 0;
  let after = 0;
  let told = 0;
  const result = (extra: Partial<RecheckResult> = {}): RecheckResult => ({
    treeSize: o.treeSize,
    checked: leaf,
    seconds: (Date.now() - started) / 1000,
    done: true,
    ...extra,
  });
  while (leaf < o.treeSize) {
    if (o.stopped()) return result({ stopped: true });
    const page = await o.events.readAll({ afterPosition: after, maxCount: Math.min(o.pageSize, o.treeSize - leaf) });
    // the state may have been cleared while the store was read
    if (o.stopped()) return result({ stopped: true });
    // the positions of the page's leaves in one read of the state (one per leaf cost half the re-check)
    const positions = o.positionsOf(leaf, Math.max(page.length, 1));
    if (page.length === 0) return result({ change: storeChange(leaf, positions[0], undefined, 'removed') });
    for (const [i, e] of page.entries()) {
      const position = positions[i];
      if (e.globalPosition !== position) {
        const kind = position !== undefined && e.globalPosition < position ? 'added' : 'removed';
        return result({ change: storeChange(leaf, position, e, kind) });
      }
      if (!o.log.leafHash(leaf).equals(hashLeaf(eventHashLeaf(e.hash)))) return result({ change: storeChange(leaf, position, e, 'changed') });
      leaf += 1;
    }
    after = page[page.length - 1].globalPosition;
    if (leaf - told >= o.progressEvery && leaf < o.treeSize) {
      told = leaf;
      o.onProgress?.(result({ done: false }));
    }
    await nextTurn();
  }
  return result();
}

function storeChange(leaf: number, position: number | undefined, e: StoredEvent | undefined, kind: StoreChange['kind']): StoreChange {
  const at = `leaf ${leaf} (position ${position ?? '?'})`;
  const atZh = `日志第 ${leaf} 号叶子（全局位置 ${position ?? '?'}）`;
  const change = { leaf, position, kind };
  if (!e) {
    return {
      ...change,
      detail: `the store changed under its Merkle log: it ends before ${at}`,
      message: `事件库在审计日志之下被改动：${atZh}起的事件已不在事件库中`,
    };
  }
  const event = { id: e.id, streamId: e.streamId, revision: e.revision, globalPosition: e.globalPosition, hash: e.hash };
  const named = `event ${e.id} of stream ${e.streamId} revision ${e.revision}`;
  const namedZh = `事件流 ${e.streamId} 第 ${e.revision} 版的事件 ${e.id}`;
  const detail = {
    changed: `${named} at position ${e.globalPosition} no longer hashes to ${at}`,
    added: `it holds ${named} at position ${e.globalPosition}, which the log does not (${at} comes after it)`,
    removed: `the event of ${at} is no longer in the store (the next one is ${named} at position ${e.globalPosition})`,
  }[kind];
  const message = {
    changed: `全局位置 ${e.globalPosition} 的${namedZh}与${atZh}记录的哈希不符`,
    added: `全局位置 ${e.globalPosition} 多出日志中没有的${namedZh}（${atZh}在其后）`,
    removed: `${atZh}的事件已不在事件库中`,
  }[kind];
  return { ...change, event, detail: `the store changed under its Merkle log: ${detail}`, message: `事件库在审计日志之下被改动：${message}` };
}
