/**
 * The read-only audit of one context's own store (DESIGN §2 journey 4, §4), hosted by the context
 * itself: every context gets one through `buildContextModule`, with its routes under
 * `/audit/stores/<context>` (context-audit.http.controller.ts). The audit API (analytics) reads
 * other contexts' stores only through this: in-process in standalone (AuditRegistry), over HTTP in
 * distributed mode — never by opening another context's store.
 *
 * It signs checkpoints of the store's Merkle log on a schedule, finds the streams of a matter
 * (by case id, correlation id or a linking field), replays them with the context's versioned
 * `evolve`, verifies them (chains, inclusion, consistency with a held checkpoint, replay = read
 * model, complete envelopes), and builds their part of an evidence bundle. Parties' personal
 * data is masked unless the auditor's scope covers it; when it is shown, the read is recorded as
 * a `PersonalDataRead` event in this store (stream `audit-personal-data-reads`).
 *
 * Standalone resumes the Merkle log from its state on a restart and re-checks it against the store
 * in the background: a store edited while the process was down is logged as an error naming the
 * event, the log is rebuilt from the store and the checkpoint tried at once is refused against the
 * last signed one (`MERKLE.LOG_FORKED`, in Chinese on the audit routes, naming the change).
 */
import { Logger } from '@nestjs/common';
import { newId, systemClock, type Clock } from '@fengqiao/kernel';
import {
  AuditorStoppedError,
  BundledLog,
  ExportedCheckpoint,
  GENESIS_HASH,
  KurrentDbEventStore,
  MerkleLogForkError,
  Replayer,
  SignedCheckpoint,
  StatePoint,
  StoreAuditor,
  StoredEvent,
  verifyStore,
  verifyStreamChain,
  type CheckpointKeySet,
  type CheckpointSigner,
} from '@fengqiao/event-store';
import type { Principal } from '@fengqiao/identity';
import { actorOf } from '../auth/actions';
import { inJurisdiction, mayReadPersonalData } from '../auth/jurisdiction';
import { MASKS } from '../auth/personal-data';
import type { ContextRuntime } from '../infrastructure/context-runtime';
import { redactOutOfScope, type ScopedStoreVerification } from './scope-redaction';
import { AuditedStreamKind, ContextAuditOptions, PERSONAL_DATA_KEYS, PERSONAL_FIELD_KINDS } from './context-audit.options';

export const PERSONAL_DATA_READ = 'PersonalDataRead';
export const ACCESS_LOG_STREAM = 'audit-personal-data-reads';
const LINK_FIELDS = ['caseId', 'sourceCaseId', 'gridCaseId', 'linkedCaseId', 'referredFrom', 'fromCaseId', 'mediationCaseId', 'petitionId', 'targetCaseId'];

export interface MatterQuery {
  ids: string[];
  correlationIds: string[];
}

export interface AuditStream {
  context: string;
  streamId: string;
  kind?: string;
  kindLabel?: string;
  events: StoredEvent[];
  /** status after each event (by revision), when the kind is replayed */
  statusAfter?: Array<string | undefined>;
  personalData: 'shown' | 'masked' | 'none';
}

export interface StreamVerification {
  streamId: string;
  eventCount: number;
  chain: { ok: boolean; reason?: string; detail?: string; eventId?: string; revision?: number };
  included: { ok: boolean; treeSize: number; missing: string[] };
  envelope: { ok: boolean; incomplete: Array<{ eventId: string; missing: string[] }> };
  readModel: { checked: boolean; ok: boolean; differences: string[] };
}

export interface MatterVerification {
  context: string;
  ok: boolean;
  checkpoint: ExportedCheckpoint;
  consistency?: { ok: boolean; reason?: string; detail?: string; fromSize: number; toSize: number };
  streams: StreamVerification[];
}

/**
 * How a context's Merkle log stands against its signed checkpoints, for /health and /metrics: a
 * store changed under the log (found by the re-check at start-up) makes every checkpoint after it
 * refused (MERKLE.LOG_FORKED) until someone looks; only the error log said so before.
 */
export interface AuditIntegrity {
  /** The last checkpoint tried was refused: the log does not extend the last signed checkpoint. */
  logForked: boolean;
  /** Since when checkpoints are refused (the first refusal of this run), and the refusal's message. */
  forkedSince?: string;
  forkDetail?: string;
  /** Changes of the store under the resumed log that the re-check found since this process started. */
  storeChangesFound: number;
}

/**
 * The keys under which the audit follower indexes an event's stream (StoreAuditor.streamKeys):
 * `n:` its stream id and every part of it after a `-` (a matter named by id finds `grid-case-<id>`),
 * `l:` the ids its linking fields name, `c:` its correlation id.
 */
export function matterKeysOf(e: StoredEvent): string[] {
  const keys = [`n:${e.streamId}`, `c:${e.correlationId}`];
  for (let i = e.streamId.indexOf('-'); i >= 0; i = e.streamId.indexOf('-', i + 1)) keys.push(`n:${e.streamId.slice(i + 1)}`);
  const data = e.data as Record<string, unknown>;
  for (const f of LINK_FIELDS) if (typeof data[f] === 'string') keys.push(`l:${data[f] as string}`);
  return keys;
}
const MATTER_KEYS_VERSION = `matter-keys/1 ${LINK_FIELDS.join(',')}`;

/**
 * How often a context's Merkle log follows its store between checkpoints (ms;
 * `AUDIT_FOLLOW_INTERVAL_MS`, 0: only at a checkpoint). Each follow reads what was stored since the
 * last in pages on the event loop: at 100 cases/s a follow every 5 s held the standalone process's
 * requests for 100-300 ms each time (its p99), every second for a fifth of that (issue 15).
 */
export const FOLLOW_EVERY_MS = 1_000;
/** Events per page the log follows the store by (one event-loop task each). */
export const FOLLOW_PAGE_SIZE = 250;

export class ContextAudit {
  readonly context: string;
  readonly auditor: StoreAuditor;
  private timer: NodeJS.Timeout | undefined;
  private followTimer: NodeJS.Timeout | undefined;
  /** A catch-up between checkpoints in progress (awaited by `stop`). */
  private following: Promise<unknown> | undefined;
  private first: Promise<void> | undefined;
  /** The checkpoint that follows a store change found by the re-check (it rebuilds the log first). */
  private afterChange: Promise<void> | undefined;
  private readonly logger: Logger;
  private readonly clock: Clock;
  /** The first refusal of a checkpoint as forked since the last one signed (see `integrity`). */
  private forked: { at: string; message: string } | undefined;
  private storeChangesFound = 0;

  constructor(
    private readonly runtime: ContextRuntime,
    signer: CheckpointSigner,
    private readonly options: ContextAuditOptions & { retiredKeys?: CheckpointKeySet; intervalMs?: number; followEveryMs?: number; clock?: Clock } = {},
  ) {
    this.context = runtime.context;
    this.clock = options.clock ?? systemClock;
    this.logger = new Logger(`${this.context}.audit`);
    this.auditor = new StoreAuditor({
      context: this.context,
      events: runtime.infra.events,
      checkpoints: runtime.infra.checkpoints,
      signer,
      clock: this.clock,
      // standalone: the log's nodes and the matter index in SQLite beside the checkpoints, resumed on a restart
      ...(runtime.infra.auditState ? { state: runtime.infra.auditState } : {}),
      // the follower's pages run on the event loop one at a time (a turn between them): a page of
      // 1,000 events held up the process's requests for 50-70 ms (issue 15)
      pageSize: FOLLOW_PAGE_SIZE,
      streamKeys: matterKeysOf,
      streamKeysVersion: MATTER_KEYS_VERSION,
      onResume: ({ treeSize, resumed, reason }) =>
        resumed
          ? this.logger.log(`Merkle log resumed from its state: ${treeSize} events`)
          : this.logger.warn(`Merkle log rebuilt from the store: ${reason ?? ''}`),
      // following a large store into its Merkle log (at start-up, in the background) says how far it got
      onProgress: ({ treeSize, added, seconds, done }) =>
        this.logger.log(
          done
            ? `Merkle log caught up with the store: ${treeSize} events (${added} added in ${seconds.toFixed(1)} s)`
            : `following the store into its Merkle log: ${treeSize} events so far (${seconds.toFixed(1)} s)`,
        ),
      // a resumed log is re-checked against the store in the background: long ones say how far they got
      onRecheck: ({ treeSize, checked, seconds, done, change, stopped, error }) => {
        if (error) this.logger.warn(`the Merkle log could not be re-checked against the store: ${error}`);
        else if (!done) this.logger.log(`re-checking the resumed Merkle log against the store: ${checked} of ${treeSize} events (${seconds.toFixed(1)} s)`);
        else if (!change && !stopped) this.logger.log(`Merkle log re-checked against the store: ${checked} events as recorded (${seconds.toFixed(1)} s)`);
      },
      // the store was edited while the process was down: said loudly, and the log is rebuilt from the
      // store so that the checkpoint signed next is refused against the last one (MERKLE.LOG_FORKED)
      onStoreChanged: (change) => {
        this.storeChangesFound += 1;
        this.logger.error(`${change.detail}; rebuilding the Merkle log from the store, its next checkpoint is checked against the last signed one`);
        this.afterChange = this.checkpointQuietly();
      },
      ...(options.retiredKeys ? { retiredKeys: options.retiredKeys } : {}),
    });
  }

  /**
   * Signs a first checkpoint (in the background: following a large store into its Merkle log takes
   * a while and must not hold up the start) and then one per interval when the log grew. Between
   * checkpoints the log follows the store every `followEveryMs` (`FOLLOW_EVERY_MS`): a checkpoint that
   * first read a minute of events in one go (on FerretDB, seconds of the server's CPU in whole
   * read-all pages) held up every request of the process and of the others on that server for as
   * long (issue 15: the distributed benchmark's p99 came from those minutes). The matter index is
   * fresher for it too.
   */
  start(): void {
    this.first = this.checkpointQuietly();
    const every = this.options.intervalMs ?? 60_000;
    if (every > 0) {
      this.timer = setInterval(() => void this.checkpointQuietly(), every);
      this.timer.unref();
    }
    const follow = this.options.followEveryMs ?? FOLLOW_EVERY_MS;
    if (follow > 0) {
      this.followTimer = setInterval(() => {
        // one at a time (catchUp is shared with a checkpoint's); a failure shows at the next checkpoint, which logs it
        this.following ??= this.auditor
          .catchUp()
          .catch(() => undefined)
          .finally(() => (this.following = undefined));
      }, follow);
      this.followTimer.unref();
    }
  }

  /** Resolves once the first checkpoint after start is signed (or failed and was logged). */
  started(): Promise<void> {
    return this.first ?? Promise.resolve();
  }

  /**
   * Resolves once a resumed log was re-checked against the store and, when the store changed
   * under it, the log rebuilt and its checkpoint tried (and refused, and logged).
   */
  async rechecked(): Promise<void> {
    await this.started();
    await this.auditor.rechecked();
    await this.afterChange;
  }

  /** Stops the schedule and waits for a checkpoint in progress, so the stores can close. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.followTimer) clearInterval(this.followTimer);
    this.timer = this.followTimer = undefined;
    await this.auditor.stop();
    await this.following;
    await this.first;
    await this.afterChange;
  }

  /** How the Merkle log stands against the signed checkpoints (see `AuditIntegrity`). */
  integrity(): AuditIntegrity {
    const f = this.forked;
    return { logForked: f !== undefined, ...(f ? { forkedSince: f.at, forkDetail: f.message } : {}), storeChangesFound: this.storeChangesFound };
  }

  /** Signs a checkpoint of the log (or refuses it), noting a refusal as forked for `integrity`. */
  private async sign(): Promise<SignedCheckpoint> {
    try {
      const signed = await this.auditor.checkpoint();
      this.forked = undefined;
      return signed;
    } catch (e) {
      if (e instanceof MerkleLogForkError) this.forked ??= { at: this.clock.now().toISOString(), message: e.message };
      throw e;
    }
  }

  private async checkpointQuietly(): Promise<void> {
    try {
      await this.sign();
    } catch (e) {
      // stopping while following the store: what it followed is kept, the next start goes on from there
      if (e instanceof AuditorStoppedError) this.logger.log(`${e.message}; the next start goes on from there`);
      else this.logger.error(`checkpoint failed: ${(e as Error).message}`);
    }
  }

  kindOf(streamId: string): AuditedStreamKind<unknown> | undefined {
    return (this.options.streams ?? [])
      .filter((k) => streamId.startsWith(k.prefix) && !k.exclude?.some((x) => streamId.startsWith(x)))
      .sort((a, b) => b.prefix.length - a.prefix.length)[0];
  }

  /** Streams of this store that belong to the matter: named by id, linked by a field, or sharing a correlation id. */
  async findStreams(query: MatterQuery): Promise<string[]> {
    const keys = [...query.ids.flatMap((id) => [`n:${id}`, `l:${id}`]), ...query.correlationIds.map((c) => `c:${c}`)];
    const streams = await this.auditor.streamsWithKeys(keys);
    return streams.filter((s) => s !== ACCESS_LOG_STREAM);
  }

  private async readStream(streamId: string): Promise<StoredEvent[]> {
    return this.runtime.infra.events.readStream(streamId);
  }

  private inScope(principal: Principal, events: readonly StoredEvent[], action: 'audit.timeline' | 'audit.verify' | 'audit.export'): boolean {
    const last = events[events.length - 1];
    return last !== undefined && inJurisdiction(principal, last.jurisdiction, action);
  }

  /** The streams of a matter the principal may see, each with its events (personal data masked or logged). */
  async matter(principal: Principal, query: MatterQuery, purpose: string): Promise<AuditStream[]> {
    const out: AuditStream[] = [];
    for (const streamId of await this.findStreams(query)) {
      const events = await this.readStream(streamId);
      if (!this.inScope(principal, events, 'audit.timeline')) continue;
      const shown = await this.disclose(principal, events, purpose);
      const kind = this.kindOf(streamId);
      const stream: AuditStream = { context: this.context, streamId, events: shown.events, personalData: shown.personalData };
      if (kind) {
        stream.kind = kind.kind;
        stream.kindLabel = kind.label;
        stream.statusAfter = this.statuses(kind, events);
      }
      out.push(stream);
    }
    return out;
  }

  private statuses(kind: AuditedStreamKind<unknown>, events: readonly StoredEvent[]): Array<string | undefined> {
    let state = kind.evolver.initialState();
    return events.map((e) => {
      const upcast = kind.upcasters ? kind.upcasters.upcast(e) : e;
      state = kind.evolver.evolve(state, kind.toEvent ? kind.toEvent(upcast) : upcast);
      return kind.statusOf?.(state);
    });
  }

  /** The state of a stream at a revision or an instant, replayed with the context's versioned evolve. */
  async stateAt(principal: Principal, streamId: string, point: StatePoint) {
    const events = await this.readStream(streamId);
    if (events.length === 0 || !this.inScope(principal, events, 'audit.timeline')) return undefined;
    const kind = this.kindOf(streamId);
    if (!kind) return { streamId, replayed: false as const, reason: 'AUDIT.KIND_NOT_REPLAYED' };
    const replayer = new Replayer(this.runtime.infra.events, kind.evolver, {
      ...(kind.upcasters ? { upcasters: kind.upcasters } : {}),
      ...(kind.toEvent ? { toEvent: kind.toEvent } : {}),
    });
    const at = await replayer.stateAt(streamId, point);
    const shown = await this.disclose(principal, at.lastEvent ? [at.lastEvent] : [], 'state');
    return {
      streamId,
      kind: kind.kind,
      replayed: true as const,
      revision: at.revision,
      status: kind.statusOf?.(at.state),
      state: shown.personalData === 'masked' ? maskEventPersonalData(at.state) : at.state,
      lastEvent: shown.events[0],
      integrity: at.integrity.ok ? { ok: true } : { ok: false, reason: at.integrity.reason, eventId: at.integrity.event.id },
    };
  }

  /** Verifies the streams of a matter in this store; `held` is a checkpoint the auditor kept. */
  async verifyMatter(principal: Principal, streamIds: readonly string[], held?: SignedCheckpoint): Promise<MatterVerification> {
    const signed = await this.sign();
    const treeSize = signed.checkpoint.treeSize;
    const streams: StreamVerification[] = [];
    for (const streamId of streamIds) {
      const events = await this.readStream(streamId);
      if (!this.inScope(principal, events, 'audit.verify')) continue;
      const chain = verifyStreamChain(events, { prevHash: GENESIS_HASH });
      const missing = events.filter((e) => !this.auditor.inclusionProof(e, treeSize)).map((e) => e.id);
      const incomplete = events.map((e) => ({ eventId: e.id, missing: missingEnvelope(e) })).filter((x) => x.missing.length > 0);
      streams.push({
        streamId,
        eventCount: events.length,
        chain: chain.ok ? { ok: true } : { ok: false, reason: chain.reason, detail: chain.detail, eventId: chain.event.id, revision: chain.event.revision },
        included: { ok: missing.length === 0, treeSize, missing },
        envelope: { ok: incomplete.length === 0, incomplete },
        readModel: await this.compareReadModel(streamId),
      });
    }
    let consistency: MatterVerification['consistency'];
    if (held) {
      const r = await this.auditor.checkAgainst(held);
      consistency = r.ok
        ? { ok: true, fromSize: r.checkpointSize, toSize: r.logSize }
        : { ok: false, reason: r.reason, detail: r.detail, fromSize: r.checkpointSize, toSize: r.logSize };
    }
    const ok = streams.every((s) => s.chain.ok && s.included.ok && s.envelope.ok && s.readModel.ok) && (consistency?.ok ?? true);
    return { context: this.context, ok, checkpoint: this.auditor.exported(signed), ...(consistency ? { consistency } : {}), streams };
  }

  private async compareReadModel(streamId: string): Promise<StreamVerification['readModel']> {
    const kind = this.kindOf(streamId);
    if (!kind?.readModel) return { checked: false, ok: true, differences: [] };
    const replayer = new Replayer(this.runtime.infra.events, kind.evolver, {
      ...(kind.upcasters ? { upcasters: kind.upcasters } : {}),
      ...(kind.toEvent ? { toEvent: kind.toEvent } : {}),
    });
    const { finalState } = await replayer.history(streamId);
    const doc = await this.runtime.infra.readStore.get(kind.readModel.collection, kind.readModel.idOf(streamId));
    if (!doc) return { checked: true, ok: false, differences: ['read model has no document for this stream'] };
    const differences = kind.readModel.compare(finalState, doc as unknown as Record<string, unknown>);
    return { checked: true, ok: differences.length === 0, differences };
  }

  /** This store's part of an evidence bundle (raw events: the hashes cover personal data too, so showing them is logged). */
  async evidence(principal: Principal, streamIds: readonly string[]): Promise<BundledLog> {
    const allowed: string[] = [];
    for (const streamId of streamIds) {
      const events = await this.readStream(streamId);
      if (!this.inScope(principal, events, 'audit.export')) continue;
      allowed.push(streamId);
      if (containsPersonalData(events)) await this.logRead(principal, events, 'evidence');
    }
    return this.auditor.bundleLog(allowed);
  }

  /**
   * The whole store: every chain, the log order, every stored checkpoint (verifyStore). The result
   * says whether the store verifies to any auditor; failures about events outside the principal's
   * scope are shown without their reference (scope-redaction.ts).
   */
  async verifyWholeStore(principal: Principal): Promise<ScopedStoreVerification> {
    const checkpoints = await this.auditor.listCheckpoints();
    // the sqlite and mongodb stores number positions 1, 2, 3 …; KurrentDB uses its log's commit positions
    const densePositions = !(this.runtime.infra.events instanceof KurrentDbEventStore);
    const result = await verifyStore(this.runtime.infra.events, { checkpoints, keySet: this.auditor.keySet(), origin: this.auditor.origin, densePositions });
    return redactOutOfScope(result, async (streamId) => this.inScope(principal, await this.readStream(streamId), 'audit.verify'));
  }

  /** Masks personal data, or shows it and records the read, per the principal's scope. */
  private async disclose(
    principal: Principal,
    events: StoredEvent[],
    purpose: string,
  ): Promise<{ events: StoredEvent[]; personalData: AuditStream['personalData'] }> {
    if (!containsPersonalData(events)) return { events, personalData: 'none' };
    const last = events[events.length - 1];
    if (mayReadPersonalData(principal, last.jurisdiction)) {
      await this.logRead(principal, events, purpose);
      return { events, personalData: 'shown' };
    }
    return { events: events.map((e) => ({ ...e, data: maskEventPersonalData(e.data) as Record<string, unknown> })), personalData: 'masked' };
  }

  private async logRead(principal: Principal, events: readonly StoredEvent[], purpose: string): Promise<void> {
    const id = newId();
    const read = events.filter((e) => containsPersonalData([e]));
    await this.runtime.infra.events.append(
      ACCESS_LOG_STREAM,
      [
        {
          id,
          type: PERSONAL_DATA_READ,
          schemaVersion: 1,
          occurredAt: this.clock.now().toISOString(),
          actor: actorOf(principal, 'personal_data.read'),
          correlationId: id,
          causationId: id,
          jurisdiction: [...events[events.length - 1].jurisdiction],
          data: { purpose, streamIds: [...new Set(read.map((e) => e.streamId))], eventIds: read.map((e) => e.id) },
        },
      ],
      { expectedRevision: 'any' },
    );
  }
}

function missingEnvelope(e: StoredEvent): string[] {
  const missing: string[] = [];
  if (!e.actor?.userId || !e.actor.role || !e.actor.unitId) missing.push('actor');
  if (!e.occurredAt || Number.isNaN(Date.parse(e.occurredAt))) missing.push('occurredAt');
  if (!e.recordedAt || Number.isNaN(Date.parse(e.recordedAt))) missing.push('recordedAt');
  if (!e.correlationId) missing.push('correlationId');
  if (!e.causationId) missing.push('causationId');
  return missing;
}

export function containsPersonalData(events: readonly StoredEvent[]): boolean {
  const has = (v: unknown, depth: number): boolean => {
    if (depth > 6 || typeof v !== 'object' || v === null) return false;
    if (Array.isArray(v)) return v.some((x) => has(x, depth + 1));
    return Object.entries(v).some(([k, x]) => ((PERSONAL_DATA_KEYS as readonly string[]).includes(k) && x != null) || has(x, depth + 1));
  };
  return events.some((e) => has(e.data, 0));
}

/** A copy with every value under a personal-data key masked (names, phones, ID numbers, addresses). */
export function maskEventPersonalData(value: unknown, inside = false, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => maskEventPersonalData(v, inside, key));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, maskEventPersonalData(v, inside || (PERSONAL_DATA_KEYS as readonly string[]).includes(k), k)]),
    );
  }
  if (!inside || typeof value !== 'string') return value;
  const kind = PERSONAL_FIELD_KINDS[key];
  return kind ? MASKS[kind](value) : '***';
}
