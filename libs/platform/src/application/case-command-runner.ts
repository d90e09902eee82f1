import { Principal } from '@fengqiao/identity';
import { Command, CommandMeta, Event, NotFoundError } from '@fengqiao/kernel';
import { StoredEvent, WrongExpectedRevisionError } from '@fengqiao/event-store';
import { Action, actorOf } from '../auth/actions';
import { assertInJurisdiction } from '../auth/jurisdiction';
import { metrics } from '../metrics/metrics';
import { context as otelContext } from '@opentelemetry/api';
import { inSpan } from '@fengqiao/bus';
import { appendDecided, CommandHandlerDeps, NextCommand, foldStream, HandleOptions } from './command-handler';

/**
 * The one command path of every case-like context (STYLE "Adapters"; issue "one shape for every
 * case command"): load the stream ONCE, authorise on that state (role and jurisdiction of the case
 * and of every other case the command names), build the command, decide, append with the expected
 * revision (If-Match), bring the context's views up to date (read-your-writes), wake the relay, and
 * answer one shape. No business rule lives here: the decider decides.
 *
 * Copy this pattern, do not re-implement it: a use case is a controller that validates its DTO and
 * calls `run()` with a `command(loaded, meta)` builder; a handler class exists only where the use
 * case has checks of its own (e.g. a merge target).
 */
export interface CaseRunnerConfig<S, C extends Command, E extends Event> extends CommandHandlerDeps<S, C, E> {
  /** upper-case code prefix of the context, e.g. `INTAKE`, `MEDIATION` */
  context: string;
  /** resource type in denial logs, e.g. `case`, `mediation`, `petition` */
  resourceType: string;
  /** Chinese noun for messages, e.g. 事件, 调解案件, 信访事项 */
  noun: string;
  streamIdOf(caseId: string): string;
  /** false for the decider's initial state (no such case yet) */
  exists(state: S): boolean;
  /** the status the response reports */
  statusOf(state: S): string;
  /** business time of a command, ISO-8601 */
  now(): string;
  /**
   * After a successful append: bring the context's views up to date so the caller reads its own
   * write, and wake the relay. Errors here do not undo the append (it is stored); they are logged
   * by the caller's projector, which catches up on its next pass.
   */
  afterAppend?(): Promise<void>;
  /**
   * Before each command (HTTP or not): bring what the decider closes over up to date, e.g. the
   * deadline table in force. Optional.
   */
  prepare?(): Promise<void>;
}

/** A case as its stream holds it, loaded once per command. */
export interface LoadedCase<S> {
  caseId: string;
  streamId: string;
  state: S;
  /** stream revision, -1 when the stream does not exist */
  revision: number;
  /** unit path recorded on the case's last event (empty for a new case) */
  jurisdiction: string[];
  events: StoredEvent[];
}

export interface CaseCommandRequest<S, C> {
  caseId: string;
  principal: Principal;
  action: Action;
  /** from If-Match: a different current revision is 412; absent: a concurrent append makes the runner decide again */
  expectedRevision?: number | undefined;
  correlationId?: string | undefined;
  /** reason or opinion of the actor, recorded on the events when not blank */
  reason?: string | undefined;
  /**
   * `existing` (default): the case must exist (404) and lie in the principal's jurisdiction for
   * `action` (403). `create`: the command opens the case; the caller checked where it may create.
   */
  mode?: 'existing' | 'create';
  /** checks of this use case on the loaded state, e.g. the jurisdiction of a merge target */
  authorize?(loaded: LoadedCase<S>): void | Promise<void>;
  /** builds the command from the loaded case and the meta (actor, time, correlation, reason) */
  command(loaded: LoadedCase<S>, meta: CommandMeta): C | Promise<C>;
}

/** What every case command answers (the ETag header carries `revision` too). */
export interface CaseCommandResult {
  caseId: string;
  status: string;
  /** stream revision after the command: the new ETag, the next If-Match */
  revision: number;
  /** the events the command recorded, e.g. ["CaseAccepted"]; empty when it changed nothing */
  events: string[];
}

const MAX_ATTEMPTS = 5;

/** Options of `execute` (a command that is not an HTTP request). */
export interface ExecuteOptions<S = unknown, C = unknown> extends Pick<HandleOptions, 'eventId'> {
  /**
   * A command that follows on the state after this one (e.g. routing's dispatch right after the
   * opening), or null for none: its events are appended in the same commit as the first command's
   * (one append, one expected revision, one catch-up). When the follow-up is refused (its decide
   * throws), the first command's events are appended alone and the refusal is thrown after; when
   * `next` itself throws, nothing is appended.
   */
  next?(state: S): NextCommand<C> | null | Promise<NextCommand<C> | null>;
  /**
   * No caller reads right after this command (a reaction to a message): the views and the relay
   * are woken, not awaited (`afterAppend` runs in the background; the projector's and the relay's
   * polls take the events up if it fails).
   */
  background?: boolean;
}

export class CaseCommandRunner<S, C extends Command, E extends Event> {
  constructor(readonly config: CaseRunnerConfig<S, C, E>) {}

  /** The case as its stream holds it (revision -1 and initial state when there is none). */
  async read(caseId: string): Promise<LoadedCase<S>> {
    const streamId = this.config.streamIdOf(caseId);
    return this.loadedFrom(caseId, streamId, await this.config.store.readStream(streamId));
  }

  private loadedFrom(caseId: string, streamId: string, events: StoredEvent[]): LoadedCase<S> {
    const state = foldStream(this.config, events);
    const last = events[events.length - 1];
    return {
      caseId,
      streamId,
      state,
      revision: last ? last.revision : -1,
      jurisdiction: last ? [...last.jurisdiction] : [],
      events,
    };
  }

  /** The case, or 404 `<CONTEXT>.CASE_NOT_FOUND`. */
  async load(caseId: string): Promise<LoadedCase<S>> {
    const loaded = await this.read(caseId);
    if (!this.config.exists(loaded.state)) throw this.notFound(caseId);
    return loaded;
  }

  /** The case, checked to exist (404) and to lie in the principal's jurisdiction for `action` (403). */
  async loadFor(principal: Principal, caseId: string, action: Action): Promise<LoadedCase<S>> {
    const loaded = await this.load(caseId);
    this.authorizeOn(principal, loaded, action);
    return loaded;
  }

  /**
   * Another case a command names (a merge target, a linked case): must exist and lie in the
   * principal's jurisdiction. An unknown case and one outside the jurisdiction give the same 404,
   * so a caller cannot probe which case ids exist elsewhere.
   */
  async loadOther(principal: Principal, caseId: string, action: Action, code = `${this.config.context}.TARGET_NOT_FOUND`): Promise<LoadedCase<S>> {
    const loaded = await this.read(caseId);
    if (!this.config.exists(loaded.state)) throw this.targetNotFound(caseId, code);
    try {
      this.authorizeOn(principal, loaded, action);
    } catch {
      throw this.targetNotFound(caseId, code);
    }
    return loaded;
  }

  authorizeOn(principal: Principal, loaded: LoadedCase<S>, action: Action): void {
    assertInJurisdiction(principal, loaded.jurisdiction, action, { type: this.config.resourceType, id: loaded.caseId });
  }

  meta(principal: Principal, action: Action, correlationId?: string, reason?: string): CommandMeta {
    const trimmed = reason?.trim();
    return {
      actor: actorOf(principal, action),
      now: this.config.now(),
      ...(correlationId ? { correlationId } : {}),
      ...(trimmed ? { reason: trimmed } : {}),
    };
  }

  /** Runs a command from HTTP: load once, authorise, decide, append, catch up, answer. */
  async run(request: CaseCommandRequest<S, C>): Promise<CaseCommandResult> {
    return this.measured((seen) => this.runOnce(request, seen));
  }

  /**
   * Runs a command that is not an HTTP request (a reaction to a message, a timer): no principal,
   * the command carries its own meta; deterministic event ids make a redelivery a no-op. Re-decides
   * on a concurrent append.
   */
  async execute(caseId: string, command: C, options: ExecuteOptions<S, C> = {}): Promise<CaseCommandResult> {
    return this.measured(async (seen) => {
      seen.command = command.type;
      for (let attempt = 1; ; attempt++) {
        // the first read goes along with `prepare` (they do not depend on each other): one round trip less on the way
        const loaded = attempt === 1 ? await this.readPrepared(caseId) : await this.read(caseId);
        try {
          return await this.apply(loaded, command, options);
        } catch (e) {
          if (!(e instanceof WrongExpectedRevisionError) || attempt >= MAX_ATTEMPTS) throw e;
        }
      }
    });
  }

  /** `prepare` and the read of the case at the same time; the stream is folded once both are done (prepare may change the decider). */
  private async readPrepared(caseId: string): Promise<LoadedCase<S>> {
    const streamId = this.config.streamIdOf(caseId);
    const [events] = await Promise.all([this.config.store.readStream(streamId), this.config.prepare?.()]);
    return this.loadedFrom(caseId, streamId, events);
  }

  /** Counts the command by type and outcome (appended, unchanged or the error kind) and times it. */
  private async measured(work: (seen: { command: string }) => Promise<CaseCommandResult>): Promise<CaseCommandResult> {
    // a span of its own (child of the request's or the consumer's): the events it appends carry it
    return inSpan(
      `${this.config.context} command`,
      { attributes: { 'fengqiao.context': this.config.context.toLowerCase() } },
      otelContext.active(),
      async (span) => {
        const seen = { command: 'unknown' };
        try {
          const result = await this.counted(work, seen);
          span.setAttribute('fengqiao.events', result.events.join(','));
          span.setAttribute('fengqiao.case.id', result.caseId);
          return result;
        } finally {
          span.updateName(`${this.config.context} ${seen.command}`);
          span.setAttribute('fengqiao.command', seen.command);
        }
      },
    );
  }

  private async counted(work: (seen: { command: string }) => Promise<CaseCommandResult>, seen: { command: string }): Promise<CaseCommandResult> {
    const started = process.hrtime.bigint();
    const context = this.config.context.toLowerCase();
    try {
      const result = await work(seen);
      metrics.commands.inc({ context, command: seen.command, outcome: result.events.length > 0 ? 'appended' : 'unchanged' });
      if (result.events.length > 0) metrics.appendedEvents.inc({ context }, result.events.length);
      return result;
    } catch (e) {
      const kind = (e as { kind?: unknown }).kind;
      metrics.commands.inc({ context, command: seen.command, outcome: typeof kind === 'string' ? kind : 'error' });
      throw e;
    } finally {
      metrics.commandDuration.observe({ context, command: seen.command }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  private async runOnce(request: CaseCommandRequest<S, C>, seen: { command: string }): Promise<CaseCommandResult> {
    const mode = request.mode ?? 'existing';
    await this.config.prepare?.();
    for (let attempt = 1; ; attempt++) {
      const loaded = await this.read(request.caseId);
      if (mode === 'existing' && !this.config.exists(loaded.state)) throw this.notFound(request.caseId);
      if (request.expectedRevision !== undefined && request.expectedRevision !== loaded.revision) {
        throw new WrongExpectedRevisionError(loaded.streamId, request.expectedRevision, loaded.revision < 0 ? 'no_stream' : loaded.revision);
      }
      if (mode === 'existing') this.authorizeOn(request.principal, loaded, request.action);
      await request.authorize?.(loaded);
      const meta = this.meta(request.principal, request.action, request.correlationId, request.reason);
      const command = await request.command(loaded, meta);
      seen.command = command.type;
      try {
        return await this.apply(loaded, command);
      } catch (e) {
        const retry = e instanceof WrongExpectedRevisionError && request.expectedRevision === undefined && attempt < MAX_ATTEMPTS;
        if (!retry) throw e;
      }
    }
  }

  /** What follows an append (views caught up, relay woken), e.g. after events appended without the runner. */
  async afterAppend(): Promise<void> {
    await this.config.afterAppend?.();
  }

  private async apply(loaded: LoadedCase<S>, command: C, options: ExecuteOptions<S, C> = {}): Promise<CaseCommandResult> {
    const expected = loaded.revision < 0 ? 'no_stream' : loaded.revision;
    const outcome = await appendDecided(this.config, loaded.streamId, loaded.state, expected, command, options);
    if (outcome.appended.length > 0) {
      // a failure here leaves the append stored: the projector and the relay log it and take the events up on their polls
      if (options.background) void this.config.afterAppend?.().catch(() => undefined);
      else await this.config.afterAppend?.();
    }
    if (outcome.refused !== undefined) throw outcome.refused;
    if (!this.config.exists(outcome.state)) throw this.notFound(loaded.caseId);
    return {
      caseId: loaded.caseId,
      status: this.config.statusOf(outcome.state),
      revision: outcome.revision === 'no_stream' ? -1 : outcome.revision,
      events: outcome.appended.map((e) => e.type),
    };
  }

  private notFound(caseId: string): NotFoundError {
    return new NotFoundError(`${this.config.context}.CASE_NOT_FOUND`, `${this.config.noun} ${caseId} 不存在`, { caseId });
  }

  private targetNotFound(caseId: string, code: string): NotFoundError {
    return new NotFoundError(code, `${this.config.noun} ${caseId} 不存在或不在您的管辖范围内`, { caseId });
  }
}
