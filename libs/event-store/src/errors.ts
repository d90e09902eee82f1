import { DomainError, ValidationError } from '@fengqiao/kernel';
import type { StreamRevision } from './event-store.port';

/** The expected revision as the store compares it (`'any'` never conflicts). */
export type ComparedRevision = number | 'no_stream';

/** Optimistic concurrency failure: the stream moved since the writer read it (HTTP 412 at the edge). */
export class WrongExpectedRevisionError extends DomainError {
  static readonly code = 'EVENT_STORE.WRONG_EXPECTED_REVISION';

  constructor(
    readonly streamId: string,
    readonly expected: ComparedRevision,
    readonly actual: StreamRevision,
  ) {
    super(
      WrongExpectedRevisionError.code,
      `事件流 ${streamId} 已被他人修改：期望版本 ${label(expected)}，实际版本 ${label(actual)}，请刷新后重试`,
      'revision_conflict',
      { streamId, expected, actual },
    );
  }
}

/** Some event ids of an append are already stored, but not as this very append (see EventStore.append). */
export class DuplicateEventIdError extends DomainError {
  static readonly code = 'EVENT_STORE.DUPLICATE_EVENT_ID';

  constructor(
    readonly streamId: string,
    readonly eventIds: readonly string[],
    reason: string,
  ) {
    super(DuplicateEventIdError.code, `事件编号已被使用，且与本次写入不一致：${eventIds.join(', ')}（${reason}）`, 'conflict', {
      streamId,
      eventIds: [...eventIds],
      reason,
    });
  }
}

/** An append or read with malformed input (bad envelope, non-JSON data, unsafe revision). */
export class InvalidEventError extends ValidationError {
  static readonly code = 'EVENT_STORE.INVALID_EVENT';

  constructor(message: string, details: Record<string, unknown>) {
    super(InvalidEventError.code, message, details);
  }
}

function label(r: ComparedRevision | StreamRevision): string {
  return r === 'no_stream' ? '无（流不存在）' : String(r);
}
