import { Command, Decider, Event, fold } from '../decider';
import { DomainError, DomainErrorKind } from '../domain-error';

/**
 * given / when / then for deciders (emmett's `DeciderSpecification`), with no test framework
 * dependency: a failed expectation throws an Error with expected and actual, which any runner
 * reports. Domain libs may use it from their specs through `@fengqiao/kernel`.
 *
 * ```ts
 * const spec = deciderSpec(gridCaseDecider);
 * spec.given([caseFiled]).when(dispatch).then([dispatched]);
 * spec.given([]).when(dispatch).thenThrows('GRID_CASE.NOT_FILED');
 * ```
 *
 * Equality is structural; a property whose value is `undefined` counts as absent (as after a
 * JSON round trip through the event store).
 */
export interface DeciderSpecification<State, Cmd extends Command, Evt extends Event> {
  given(events: readonly Evt[]): { when(command: Cmd): DeciderThen<State, Evt> };
}

export interface DeciderThen<State, Evt extends Event> {
  /** decide returns exactly these events, in this order; returns them and the state after them */
  then(expected: readonly Evt[]): { events: Evt[]; state: State };
  /**
   * decide returns as many events as `expected`, each containing the given fields (a partial
   * match, for events whose every field another case already pins); returns events and state
   */
  thenMatch(expected: readonly object[]): { events: Evt[]; state: State };
  /** decide returns no event (an idempotent no-op) */
  thenNothing(): void;
  /**
   * decide throws a DomainError with this code (and kind, if given) whose message is Chinese
   * (messages are for people); returns it for more checks
   */
  thenThrows(code: string, kind?: DomainErrorKind): DomainError;
  /** the state after given + the decided events equals `expected` */
  thenState(expected: State): void;
  /** the decided events, for checks the above do not cover (property tests) */
  events(): Evt[];
}

export function deciderSpec<State, Cmd extends Command, Evt extends Event>(decider: Decider<State, Cmd, Evt>): DeciderSpecification<State, Cmd, Evt> {
  return {
    given(given) {
      return {
        when(command) {
          const run = (): Evt[] => decider.decide(command, fold(decider, given));
          const outcome = (events: Evt[]) => ({ events, state: fold(decider, [...given, ...events]) });
          return {
            then(expected) {
              const events = run();
              assertEqual(events, expected, `${command.type}: events`);
              return outcome(events);
            },
            thenMatch(expected) {
              const events = run();
              if (events.length !== expected.length) {
                throw new Error(`${command.type}: expected ${expected.length} events, got ${events.length}\n${stringify(events)}`);
              }
              expected.forEach((partial, i) => {
                const path = firstMismatch(events[i], partial, `$[${i}]`);
                if (path !== undefined)
                  throw new Error(
                    `${command.type}: event ${i} differs at ${path}\n--- expected (partial)\n${stringify(partial)}\n--- actual\n${stringify(events[i])}`,
                  );
              });
              return outcome(events);
            },
            thenNothing() {
              assertEqual(run(), [], `${command.type}: events`);
            },
            thenThrows(code, kind) {
              let produced: Evt[];
              try {
                produced = run();
              } catch (e) {
                if (!(e instanceof DomainError)) {
                  throw new Error(`${command.type}: expected DomainError ${code}, got ${describeError(e)}`);
                }
                if (e.code !== code) {
                  throw new Error(`${command.type}: expected DomainError ${code}, got ${e.code} (${e.message})`);
                }
                if (kind !== undefined && e.kind !== kind) {
                  throw new Error(`${command.type}: expected ${code} of kind ${kind}, got kind ${e.kind}`);
                }
                if (!/[\u4e00-\u9fff]/.test(e.message)) {
                  throw new Error(`${command.type}: ${code} has no Chinese message (messages are for people): ${e.message}`);
                }
                return e;
              }
              throw new Error(`${command.type}: expected DomainError ${code}, got events ${stringify(produced)}`);
            },
            thenState(expected) {
              const produced = run();
              assertEqual(fold(decider, [...given, ...produced]), expected, `${command.type}: state`);
            },
            events: run,
          };
        },
      };
    },
  };
}

function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

function stringify(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

function assertEqual(actual: unknown, expected: unknown, what: string): void {
  const path = firstDifference(actual, expected, '$');
  if (path !== undefined) {
    throw new Error(`${what} differ at ${path}\n--- expected\n${stringify(expected)}\n--- actual\n${stringify(actual)}`);
  }
}

/** The JSON path of the first field of `partial` that `actual` does not have (arrays compared whole, objects by their given keys). */
export function firstMismatch(actual: unknown, partial: unknown, path = '$'): string | undefined {
  if (typeof partial !== 'object' || partial === null || Array.isArray(partial)) return firstDifference(actual, partial, path);
  if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return path;
  const a = actual as Record<string, unknown>;
  for (const [k, v] of Object.entries(partial)) {
    const d = firstMismatch(a[k], v, `${path}.${k}`);
    if (d !== undefined) return d;
  }
  return undefined;
}

/** The JSON path of the first difference, or undefined when equal. */
export function firstDifference(a: unknown, b: unknown, path = '$'): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return path;
  if (Array.isArray(a) !== Array.isArray(b)) return path;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}.length`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const k of [...keys].sort()) {
    const d = firstDifference(ra[k], rb[k], `${path}.${k}`);
    if (d !== undefined) return d;
  }
  return undefined;
}
