/**
 * A broken business rule. `code` is stable for programs (e.g. `MEDIATION.CONSENT_REQUIRED`);
 * `message` is Chinese for people. `kind` tells the HTTP edge how to map it.
 */
export type DomainErrorKind = 'validation' | 'not_found' | 'illegal_state' | 'conflict' | 'forbidden';

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
