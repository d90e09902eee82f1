/**
 * A broken business rule. `code` is stable for programs (e.g. `MEDIATION.CONSENT_REQUIRED`);
 * `message` is Chinese for people. `kind` tells the HTTP edge how to map it:
 * `validation` 400, `forbidden` 403, `not_found` 404, `illegal_state` 409 (the case is not in a state
 * that allows this), `conflict` 409 (it already exists), `revision_conflict` 412 (the caller decided
 * on a stale revision: refresh and retry; the only kind a consumer retries as a race).
 */
export type DomainErrorKind = 'validation' | 'not_found' | 'illegal_state' | 'conflict' | 'revision_conflict' | 'forbidden';

export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: DomainErrorKind = 'illegal_state',
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, 'validation', details);
  }
}

export class NotFoundError extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, 'not_found', details);
  }
}

export class IllegalStateError extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, 'illegal_state', details);
  }
}

export class ForbiddenError extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, 'forbidden', details);
  }
}
