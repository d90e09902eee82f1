import { parseInstant } from './calendar';
import { IllegalStateError, NotFoundError, ValidationError } from './domain-error';

/**
 * Guards every decider uses in `decide` (written once here, not once per case kind). Each throws a
 * DomainError with the caller's stable code and a Chinese message; none reads a clock.
 */

/** How a case kind names its states and a command, for `expectStatus`'s refusal. */
export interface StatusRefusal {
  /** code of the refusal, e.g. `MEDIATION.INVALID_STATE` or `GRID_CASE.CANNOT_CLOSE_CASE` */
  code: string;
  /** Chinese noun of the case, e.g. 案件, 工单, 信访事项 */
  noun: string;
  /** Chinese label of each status */
  statusLabels: Readonly<Record<string, string>>;
  /** the command's type (details) and its Chinese label (message), e.g. 结案 */
  command: string;
  commandLabel: string;
  /** for the initial state (`none`): 404 with this code and message instead of 409 */
  notFound?: { code: string; message: string };
}

/**
 * The state, narrowed to `allowed`; otherwise 409 `refusal.code` ("<noun>当前状态为“…”，不能…"), or
 * 404 `refusal.notFound` when the case does not exist yet.
 */
export function expectStatus<S extends { status: string }, K extends S['status']>(
  state: S,
  allowed: readonly K[],
  refusal: StatusRefusal,
): Extract<S, { status: K }> {
  if ((allowed as readonly string[]).includes(state.status)) return state as Extract<S, { status: K }>;
  if (state.status === 'none' && refusal.notFound) {
    throw new NotFoundError(refusal.notFound.code, refusal.notFound.message, { command: refusal.command });
  }
  throw new IllegalStateError(refusal.code, `${refusal.noun}当前状态为“${refusal.statusLabels[state.status] ?? state.status}”，不能${refusal.commandLabel}`, {
    command: refusal.command,
    status: state.status,
    allowed: [...allowed],
  });
}

/** A text field that must not be blank: 400 `code` ("<label>不能为空", the field named). */
export function required(value: unknown, field: string, label: string, code: string): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ValidationError(code, `${label}不能为空`, { field });
  }
}

/**
 * An instant given on a command (a session held, a decision received): a valid ISO instant (400
 * CALENDAR.INVALID_INSTANT), not after the command's `now` (`<context>.TIME_IN_FUTURE`) and not
 * before `notBefore` (`<context>.TIME_BEFORE_PREVIOUS_STEP`). Returns it in epoch ms.
 */
export function requireInstant(value: string, options: { field: string; now: string; context: string; notBefore?: { at: string; what: string } }): number {
  const { field, now, context, notBefore } = options;
  const ms = parseInstant(value);
  if (ms > parseInstant(now)) {
    throw new ValidationError(`${context}.TIME_IN_FUTURE`, `${field} 不能晚于当前时间`, { field, value, now });
  }
  if (notBefore && ms < parseInstant(notBefore.at)) {
    throw new ValidationError(`${context}.TIME_BEFORE_PREVIOUS_STEP`, `${field} 不能早于${notBefore.what}`, { field, value, notBefore: notBefore.at });
  }
  return ms;
}
