import { Logger } from '@nestjs/common';
import { EventStore, StoredEvent } from '@fengqiao/event-store';
import { RegisteredPetition } from '@fengqiao/petitions-domain';
import { applyOrPark, ReadDoc, ReadStore } from '@fengqiao/read-store';
import { projectionParking } from '@fengqiao/platform';
import { PETITIONER_RECORDED, PETITIONER_VIEW, PetitionerDoc } from '../application/petitioners';
import { evolvePetitionView, MatchFound, PETITION_VIEW, PetitionSource, PetitionView } from './petition-view';
import { applyReceptionEvent, RECEPTION_INDEXES } from './reception-views';

export const QUERY_CODES = 'petition_query_codes';
export const REGISTRATION_RECORDED = 'PetitionRegistrationRecorded';
export const toRegistrationRecordStreamId = (petitionId: string): string => `petition-record-${petitionId}`;
const PENDING = 'petition_view_pending';
const CHECKPOINTS = 'petitions_checkpoints';
const CHECKPOINT_ID = 'views';
const BATCH = 500;
const PARKING = projectionParking('petitions.views');

/** What the service found and decided when it registered a petition (stream `petition-record-<id>`). */
export interface RegistrationRecord {
  petitionId: string;
  matterType: string | null;
  addressKeys: string[];
  source: PetitionSource;
  matches: MatchFound[];
  overrideReason?: string;
}

export const VIEW_INDEXES = {
  [PETITION_VIEW]: [
    { keys: { jurisdiction: 1, status: 1 }, multikey: true },
    { keys: { nextTimerAtMs: 1 } },
    { keys: { nextDueAtMs: 1 } },
    { keys: { petitionerIds: 1 }, multikey: true },
    { keys: { addressKeys: 1 }, multikey: true },
    { keys: { 'source.dayId': 1 } },
  ],
  [PETITIONER_VIEW]: [{ keys: { addressKey: 1 } }],
} as const;

/**
 * Feeds the petitions views from the context's OWN event store, in its global order (one feed:
 * each view write is guarded by the global position, so a pass repeated after a crash, or by a
 * second replica, writes nothing twice). Runs after each command (awaited: read your writes), at
 * start, and every `intervalMs` for events another replica appended. Passes are serialised.
 */
export class PetitionsProjector {
  private readonly logger = new Logger('petitions.views');
  private passing: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private failures = 0;
  private position = 0;

  constructor(
    private readonly events: Pick<EventStore, 'readAll'>,
    private readonly store: ReadStore,
    private readonly jurisdictionOf: (s: RegisteredPetition) => string[],
    private readonly intervalMs: number,
  ) {}

  async init(): Promise<void> {
    for (const [collection, indexes] of Object.entries(VIEW_INDEXES)) await this.store.ensureIndexes(collection, indexes);
    for (const [collection, indexes] of Object.entries(RECEPTION_INDEXES)) await this.store.ensureIndexes(collection, indexes);
  }

  catchUp(): Promise<number> {
    const next = this.passing.then(() => this.drain());
    this.passing = next.catch(() => undefined);
    return next;
  }

  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.catchUp()
        .then(
          () => (this.failures = 0),
          (e: unknown) => {
            this.failures++;
            this.logger.error(`views pass failed (${this.failures} in a row): ${e instanceof Error ? e.stack : String(e)}`);
          },
        )
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.intervalMs * Math.min(2 ** this.failures, 64));
        });
    };
    this.timer = setTimeout(tick, this.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.passing;
  }

  health(): { position: number; failures: number } {
    return { position: this.position, failures: this.failures };
  }

  private async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const saved = await this.store.get<{ position: number }>(CHECKPOINTS, CHECKPOINT_ID);
      const after = saved?.position ?? 0;
      const batch = await this.events.readAll({ afterPosition: after, maxCount: BATCH });
      // an event the views cannot apply is parked with its reason (read-store parking), never a stop of the views
      for (const stored of batch) await applyOrPark(this.store, 'petitions.views', stored, () => this.apply(stored), PARKING);
      if (batch.length > 0) {
        this.position = batch[batch.length - 1].globalPosition;
        await this.store.upsert(CHECKPOINTS, { _id: CHECKPOINT_ID, position: this.position }, { revision: this.position });
      } else this.position = after;
      total += batch.length;
      if (batch.length < BATCH) return total;
    }
  }

  /** Loads, changes and writes one document, guarded by the event's global position. */
  private async mutate<T extends object>(collection: string, id: string, at: number, fn: (doc: ReadDoc<T> | null) => T | null): Promise<void> {
    const doc = await this.store.get<T>(collection, id);
    if (doc && doc._revision >= at) return;
    const next = fn(doc);
    if (next) await this.store.upsert(collection, { ...next, _id: id }, { revision: at });
  }

  /** Applies one stored event to every view it concerns (exported for "run twice" tests). */
  async apply(stored: StoredEvent): Promise<void> {
    const at = stored.globalPosition;
    const id = stored.streamId;
    if (id.startsWith('petition-portal-')) {
      const data = stored.data as { petitionId: string; codeHash?: string; stage?: string; rating?: number };
      if (stored.type === 'QueryCodeIssued' && data.codeHash) {
        await this.mutate(QUERY_CODES, data.codeHash, at, () => ({ petitionId: data.petitionId, codeHash: data.codeHash }));
        if (await this.store.get(PETITION_VIEW, data.petitionId)) {
          await this.mutate<PetitionView>(PETITION_VIEW, data.petitionId, at, (doc) => (doc ? { ...doc, hasQueryCode: true } : null));
        } else await this.mutate<Pending>(PENDING, data.petitionId, at, (doc) => ({ ...(doc ?? {}), hasQueryCode: true }));
      } else if (stored.type === 'PetitionRated') {
        await this.mutate<PetitionView>(PETITION_VIEW, data.petitionId, at, (doc) =>
          doc ? { ...doc, ratings: [...doc.ratings, { stage: String(data.stage), rating: Number(data.rating), at: stored.occurredAt }] } : null,
        );
      }
      return;
    }
    if (id.startsWith('petition-record-')) {
      if (stored.type !== REGISTRATION_RECORDED) return;
      const record = stored.data as unknown as RegistrationRecord;
      const existing = await this.store.get<PetitionView>(PETITION_VIEW, record.petitionId);
      if (existing) await this.mutate<PetitionView>(PETITION_VIEW, record.petitionId, at, (doc) => (doc ? withRecord(doc, record) : null));
      else await this.mutate<Pending>(PENDING, record.petitionId, at, (doc) => ({ ...(doc ?? {}), record }));
      return;
    }
    if (id.startsWith('petitioner-')) {
      if (stored.type !== PETITIONER_RECORDED) return;
      const d = stored.data as unknown as PetitionerDoc;
      await this.mutate<PetitionerDoc>(PETITIONER_VIEW, d.petitionerId, at, (doc) => ({
        petitionerId: d.petitionerId,
        name: d.name,
        ...(d.idNumber !== undefined ? { idNumber: d.idNumber } : {}),
        ...(d.phone !== undefined ? { phone: d.phone } : {}),
        ...(d.address !== undefined ? { address: d.address } : {}),
        ...(d.addressKey !== undefined ? { addressKey: d.addressKey } : {}),
        identified: d.identified,
        jurisdiction: [...new Set([...(doc?.jurisdiction ?? []), ...stored.jurisdiction])],
      }));
      return;
    }
    if (id.startsWith('petition-reception-')) {
      await applyReceptionEvent(stored, (collection, docId, fn) => this.mutate(collection, docId, at, fn));
      return;
    }
    if (id.startsWith('petition-')) {
      const petitionId = id.slice('petition-'.length);
      const pending = stored.type === 'PetitionRegistered' ? await this.store.get<Pending>(PENDING, petitionId) : null;
      await this.mutate<PetitionView>(PETITION_VIEW, petitionId, at, (doc) => {
        const next = evolvePetitionView(doc, stored, this.jurisdictionOf);
        if (!next || !pending) return next;
        const withCode = pending.hasQueryCode ? { ...next, hasQueryCode: true } : next;
        return pending.record ? withRecord(withCode, pending.record) : withCode;
      });
    }
  }
}

/** What arrived for a petition before its registration: the service's record, its query code. */
interface Pending {
  record?: RegistrationRecord;
  hasQueryCode?: boolean;
}

function withRecord(doc: PetitionView, r: RegistrationRecord): PetitionView {
  return {
    ...doc,
    matterType: r.matterType,
    addressKeys: r.addressKeys,
    source: r.source,
    matches: r.matches,
    overrideReason: r.overrideReason ?? null,
  };
}
