import { Command, Decider, Event, newId } from '@fengqiao/kernel';
import { EventStore, NewEvent, StoredEvent, StreamRevision, WrongExpectedRevisionError } from '@fengqiao/event-store';
import { activeTraceparent } from '@fengqiao/bus';

/**
 * The one shape of every command handler (STYLE "Adapters"): load the stream, fold it, decide,
 * append with the expected revision, return. No business rule lives here.
 */
export interface CommandHandlerDeps<S, C extends Command, E extends Event> {
  store: EventStore;
  decider: Decider<S, C, E>;
  /** unit path (district → … → unit) of the case after these events, recorded on each event */
  jurisdictionOf: (state: S, command: C) => string[];
  /** schema version of each event type written now; default 1 */
  schemaVersionOf?: (type: string) => number;
  /** maps a stored event back to the decider's event (after upcasting); default type/data/legalBasis */
  toDomainEvent?: (stored: StoredEvent) => E;
}

export interface HandleOptions {
  /**
   * The revision the caller saw (HTTP If-Match). When given, a different current revision is a
   * conflict (412) — the caller decided on stale state. When absent, a concurrent append makes the
   * handler re-read and decide again (decide is pure, so this is safe).
   */
  expectedRevision?: number | 'no_stream';
  /** ids for the new events; default fresh UUIDv7, deterministic ones for reactions to messages */
  eventId?: (index: number, event: Event) => string;
  /** attempts on a concurrent append without an explicit expected revision; default 5 */
  maxAttempts?: number;
}

export interface HandleResult<S> {
  state: S;
  /** the events this command appended (empty when the decider decided nothing) */
  appended: Event[];
  /** revision of the stream after the command */
  revision: StreamRevision;
  /** global position of the last appended event (to wait for projections), if any */
  lastPosition?: number;
}

function defaultToDomain<E extends Event>(stored: StoredEvent): E {
  const e: Event = { type: stored.type, data: stored.data };
  if (stored.legalBasis !== undefined) e.legalBasis = stored.legalBasis;
  return e as E;
}

/** Folds stored events into the decider's state. */
export function foldStream<S, C extends Command, E extends Event>(deps: CommandHandlerDeps<S, C, E>, events: readonly StoredEvent[]): S {
  const toDomain = deps.toDomainEvent ?? defaultToDomain<E>;
  return events.reduce<S>((s, e) => deps.decider.evolve(s, toDomain(e)), deps.decider.initialState());
}

export async function loadState<S, C extends Command, E extends Event>(
  deps: CommandHandlerDeps<S, C, E>,
  streamId: string,
): Promise<{ state: S; revision: StreamRevision; events: StoredEvent[] }> {
  const events = await deps.store.readStream(streamId);
  const state = foldStream(deps, events);
  const last = events[events.length - 1];
  const revision: StreamRevision = last === undefined ? 'no_stream' : last.revision;
  return { state, revision, events };
}

/** A command decided right after another one, on the state the first one leads to. */
export interface NextCommand<C> {
  command: C;
  /** ids for its events (deterministic ones for reactions to messages) */
  eventId?: HandleOptions['eventId'];
}

/**
 * Decides on a state already loaded at `revision` and appends what was decided with that expected
 * revision (a concurrent append throws WrongExpectedRevisionError). The envelope (actor, time,
 * correlation, jurisdiction, legal basis) is filled from the command's meta.
 *
 * `next` (optional) names a command that follows on the state after this one: its events go into
 * the same append (one commit, one expected revision), each with its own command's envelope. When
 * its decide throws, the first command's events are appended alone and the refusal is returned as
 * `refused` (not thrown: the first command's events are stored); when `next` itself throws,
 * nothing is appended.
 */
export async function appendDecided<S, C extends Command, E extends Event>(
  deps: CommandHandlerDeps<S, C, E>,
  streamId: string,
  state: S,
  revision: StreamRevision,
  command: C,
  options: Pick<HandleOptions, 'eventId'> & { next?: (state: S) => NextCommand<C> | null | Promise<NextCommand<C> | null> } = {},
): Promise<HandleResult<S> & { refused?: unknown }> {
  const first = decideStep(deps, state, command, options.eventId);
  const steps = [first];
  let refused: unknown;
  const next = await options.next?.(first.after);
  if (next) {
    try {
      steps.push(decideStep(deps, first.after, next.command, next.eventId));
    } catch (e) {
      refused = e;
    }
  }
  const after = steps[steps.length - 1].after;
  const newEvents = steps.flatMap((s) => s.events);
  const appended = steps.flatMap((s) => s.decided);
  const refusal = refused === undefined ? {} : { refused };
  if (newEvents.length === 0) return { state: after, appended, revision, ...refusal };
  const result = await deps.store.append(streamId, newEvents, { expectedRevision: revision });
  return { state: after, appended, revision: result.nextExpectedRevision, lastPosition: result.lastPosition, ...refusal };
}

/** One command decided on `state`: its events, as the decider's and as the store's (envelope from its meta), and the state after them. */
function decideStep<S, C extends Command, E extends Event>(
  deps: CommandHandlerDeps<S, C, E>,
  state: S,
  command: C,
  eventId: HandleOptions['eventId'] | undefined,
): { decided: E[]; events: NewEvent[]; after: S } {
  const decided = deps.decider.decide(command, state);
  if (decided.length === 0) return { decided, events: [], after: state };
  const after = decided.reduce<S>((s, e) => deps.decider.evolve(s, e), state);
  const jurisdiction = deps.jurisdictionOf(after, command);
  const meta = command.meta;
  // the span deciding (the command's, inside the request's or the consumer's): the relay continues it
  const traceparent = activeTraceparent();
  const events: NewEvent[] = decided.map((e, i) => ({
    id: eventId ? eventId(i, e) : newId(),
    type: e.type,
    schemaVersion: deps.schemaVersionOf?.(e.type) ?? 1,
    occurredAt: meta.now,
    actor: {
      userId: meta.actor.userId,
      role: meta.actor.role,
      unitId: meta.actor.unitId,
      ...(meta.actor.directoryVersion !== undefined ? { directoryVersion: meta.actor.directoryVersion } : {}),
    },
    correlationId: meta.correlationId ?? newId(),
    causationId: meta.causationId ?? meta.correlationId ?? 'command',
    jurisdiction,
    ...(e.legalBasis !== undefined ? { legalBasis: e.legalBasis } : {}),
    data: e.data as Record<string, unknown>,
    ...(traceparent !== undefined ? { traceparent } : {}),
  }));
  return { decided, events, after };
}

export async function handleCommand<S, C extends Command, E extends Event>(
  deps: CommandHandlerDeps<S, C, E>,
  streamId: string,
  command: C,
  options: HandleOptions = {},
): Promise<HandleResult<S>> {
  const maxAttempts = options.expectedRevision === undefined ? (options.maxAttempts ?? 5) : 1;
  for (let attempt = 1; ; attempt++) {
    const { state, revision } = await loadState(deps, streamId);
    if (options.expectedRevision !== undefined && options.expectedRevision !== revision) {
      throw new WrongExpectedRevisionError(streamId, options.expectedRevision, revision);
    }
    try {
      return await appendDecided(deps, streamId, state, revision, command, options);
    } catch (e) {
      if (e instanceof WrongExpectedRevisionError && attempt < maxAttempts) continue;
      throw e;
    }
  }
}
