import { Logger } from '@nestjs/common';
import { EventStore, StoredEvent } from '@fengqiao/event-store';
import { RegisteredPetition } from '@fengqiao/petitions-domain';
import { ReadDoc, ReadStore, StoreProjector, type ProjectedView } from '@fengqiao/read-store';
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
const VIEWS = 'petitions.views';

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
    { keys: { nextTimerBucket: 1 } },
    { keys: { nextDueAtMs: 1 } },
    { keys: { petitionerIds: 1 }, multikey: true },
    { keys: { addressKeys: 1 }, multikey: true },
    { keys: { 'source.dayId': 1 } },
  ],
  [PETITIONER_VIEW]: [{ keys: { addressKey: 1 } }],
} as const;

/** Creates the indexes of every collection the petitions views write (the projector's `init` covers the petition view only). */
export async function ensurePetitionsIndexes(store: ReadStore): Promise<void> {
  for (const [collection, indexes] of Object.entries(VIEW_INDEXES)) await store.ensureIndexes(collection, indexes);
  for (const [collection, indexes] of Object.entries(RECEPTION_INDEXES)) await store.ensureIndexes(collection, indexes);
}

/**
 * Feeds the petitions views from the context's OWN event store, in its global order, through the
 * platform's one projector mechanism (`StoreProjector`, as intake and grid-dispatch): each view
 * write is guarded by the global position, so a pass repeated after a crash, or by a second
 * replica, writes nothing twice. Caught up after each command (awaited: read your writes), at start,
 * and every `intervalMs` for events another replica appended; an event the views cannot apply is
 * parked with its reason, never a stop of the views. `apply` is there for "run twice" tests.
 */
export function petitionsProjector(
  events: Pick<EventStore, 'readAll'>,
  store: ReadStore,
  jurisdictionOf: (s: RegisteredPetition) => string[],
  intervalMs: number,
): StoreProjector<StoredEvent> {
  const logger = new Logger(VIEWS);
  return new StoreProjector<StoredEvent>({
    name: CHECKPOINT_ID,
    feed: { readAll: (o) => events.readAll(o) },
    store,
    views: [new PetitionsViews(jurisdictionOf)],
    checkpoints: CHECKPOINTS,
    pollIntervalMs: intervalMs,
    onError: (m) => logger.error(m),
    parking: projectionParking(VIEWS),
  });
}

/** Every petitions view as one projected view: each event goes to the documents it concerns. */
class PetitionsViews implements ProjectedView<StoredEvent> {
  readonly name = VIEWS;
  readonly collection = PETITION_VIEW;
  readonly indexes = VIEW_INDEXES[PETITION_VIEW];

  constructor(private readonly jurisdictionOf: (s: RegisteredPetition) => string[]) {}

  /** Loads, changes and writes one document, guarded by the event's global position. */
  private async mutate<T extends object>(
    store: ReadStore,
    collection: string,
    id: string,
    at: number,
    fn: (doc: ReadDoc<T> | null) => T | null,
  ): Promise<void> {
    const doc = await store.get<T>(collection, id);
    if (doc && doc._revision >= at) return;
    const next = fn(doc);
    if (next) await store.upsert(collection, { ...next, _id: id }, { revision: at });
  }

  /** Applies one stored event to every view it concerns. */
  async apply(store: ReadStore, stored: StoredEvent): Promise<void> {
    const at = stored.globalPosition;
    const id = stored.streamId;
    if (id.startsWith('petition-portal-')) {
      const data = stored.data as { petitionId: string; codeHash?: string; stage?: string; rating?: number };
      if (stored.type === 'QueryCodeIssued' && data.codeHash) {
        await this.mutate(store, QUERY_CODES, data.codeHash, at, () => ({ petitionId: data.petitionId, codeHash: data.codeHash }));
        if (await store.get(PETITION_VIEW, data.petitionId)) {
          await this.mutate<PetitionView>(store, PETITION_VIEW, data.petitionId, at, (doc) => (doc ? { ...doc, hasQueryCode: true } : null));
        } else await this.mutate<Pending>(store, PENDING, data.petitionId, at, (doc) => ({ ...(doc ?? {}), hasQueryCode: true }));
      } else if (stored.type === 'PetitionRated') {
        await this.mutate<PetitionView>(store, PETITION_VIEW, data.petitionId, at, (doc) =>
          doc ? { ...doc, ratings: [...doc.ratings, { stage: String(data.stage), rating: Number(data.rating), at: stored.occurredAt }] } : null,
        );
      }
      return;
    }
    if (id.startsWith('petition-record-')) {
      if (stored.type !== REGISTRATION_RECORDED) return;
      const record = stored.data as unknown as RegistrationRecord;
      const existing = await store.get<PetitionView>(PETITION_VIEW, record.petitionId);
      if (existing) await this.mutate<PetitionView>(store, PETITION_VIEW, record.petitionId, at, (doc) => (doc ? withRecord(doc, record) : null));
      else await this.mutate<Pending>(store, PENDING, record.petitionId, at, (doc) => ({ ...(doc ?? {}), record }));
      return;
    }
    if (id.startsWith('petitioner-')) {
      if (stored.type !== PETITIONER_RECORDED) return;
      const d = stored.data as unknown as PetitionerDoc;
      await this.mutate<PetitionerDoc>(store, PETITIONER_VIEW, d.petitionerId, at, (doc) => ({
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
      await applyReceptionEvent(stored, (collection, docId, fn) => this.mutate(store, collection, docId, at, fn));
      return;
    }
    if (id.startsWith('petition-')) {
      const petitionId = id.slice('petition-'.length);
      const pending = stored.type === 'PetitionRegistered' ? await store.get<Pending>(PENDING, petitionId) : null;
      await this.mutate<PetitionView>(store, PETITION_VIEW, petitionId, at, (doc) => {
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
