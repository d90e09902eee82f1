/**
 * The decider pattern (emmett, Oskar Dudycz's samples): pure functions, no I/O, no clock, no random.
 * Time and ids arrive on the command (`meta`), never from `Date.now()` or `Math.random()`.
 */
export interface Actor {
  userId: string;
  role: Role;
  unitId: string;
  /**
   * Version of the directory (units, users, roles) in force when the actor acted — from their
   * token — so a past decision can be checked against the directory of its day.
   */
  directoryVersion?: number;
}

export type Role = 'operator' | 'grid_worker' | 'department' | 'mediator' | 'petition_officer' | 'auditor' | 'admin' | 'system';

/** Metadata every command carries: who, when (business time), and the ids for the resulting events. */
export interface CommandMeta {
  actor: Actor;
  /** ISO-8601 instant with timezone, business time of the command. */
  now: string;
  correlationId?: string;
  causationId?: string;
  /** Reason or opinion given by the actor, recorded on the events. */
  reason?: string;
}

export interface Command<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  meta: CommandMeta;
}

/** A domain event as produced by `decide` (the store adds id, revision, position, hash). */
export interface Event<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  /** Legal or configured rule applied, e.g. `信访工作条例§34`. */
  legalBasis?: string;
}

export interface Decider<State, Cmd extends Command, Evt extends Event> {
  decide(command: Cmd, state: State): Evt[];
  evolve(state: State, event: Evt): State;
  initialState(): State;
}

/** Folds events into state with a decider's `evolve`. */
export function fold<State, Evt extends Event>(decider: Pick<Decider<State, Command, Evt>, 'evolve' | 'initialState'>, events: readonly Evt[]): State {
  return events.reduce<State>((s, e) => decider.evolve(s, e), decider.initialState());
}

/** Exhaustiveness check for `switch` statements over discriminated unions. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
