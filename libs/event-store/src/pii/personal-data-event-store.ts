/**
 * The EventStore port with personal data protected at its edge (issue 14 §2): appends seal what
 * the context's policy names and the personal data found in free text (event-protection.ts);
 * reads open it for the application (the deciders get clear values, or `已删除` once the subject
 * was erased). The inner store, its hash chain and its Merkle log see ciphertext only, so the audit
 * verifies the inner store directly. Events stored in clear before this existed read as they are.
 */
import type { AppendOptions, AppendResult, EventStore, NewEvent, ReadAllOptions, ReadStreamOptions, StoredEvent, StreamRevision } from '../event-store.port';
import { PersonalDataProtector } from './event-protection';

export class PersonalDataEventStore implements EventStore {
  constructor(
    readonly inner: EventStore,
    readonly protector: PersonalDataProtector,
  ) {}

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const sealed: NewEvent[] = [];
    for (const e of events) sealed.push(await this.protector.protect(streamId, e));
    return this.inner.append(streamId, sealed, options);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    return this.openAll(await this.inner.readStream(streamId, options));
  }

  async readAll(options?: ReadAllOptions): Promise<StoredEvent[]> {
    return this.openAll(await this.inner.readAll(options));
  }

  streamRevision(streamId: string): Promise<StreamRevision> {
    return this.inner.streamRevision(streamId);
  }

  /** The inner store belongs to the context's infrastructure, which closes it. */
  async close(): Promise<void> {
    return undefined;
  }

  private async openAll(events: StoredEvent[]): Promise<StoredEvent[]> {
    const out: StoredEvent[] = [];
    for (const e of events) out.push({ ...e, data: await this.protector.reveal(e.data) });
    return out;
  }
}
