import { InboxBusyError, NonRetriableError, TransientError } from '@fengqiao/bus';
import { MongoNetworkError, MongoServerSelectionError } from 'mongodb';
import { WrongExpectedRevisionError } from '@fengqiao/event-store';
import { DomainError, IllegalStateError, NotFoundError, ValidationError } from '@fengqiao/kernel';
import { retryableOrDeadLetter } from './context-runtime';

/** What a consumer's failure means for the bus (issue #8: consumers retry only a stale revision). */
describe('retryableOrDeadLetter', () => {
  it('retries a stale revision and errors that are not broken rules', () => {
    const stale = new WrongExpectedRevisionError('grid-case-1', 2, 3);
    expect(retryableOrDeadLetter(stale)).toBe(stale);
    const io = new Error('connection reset');
    expect(retryableOrDeadLetter(io)).toBe(io);
  });

  it.each([
    ['no server to select (FerretDB restarting)', new MongoServerSelectionError('connection 1 to 127.0.0.1:28017 closed', {} as never)],
    ['a connection lost', new MongoNetworkError('connection 3 to 127.0.0.1:28017 closed')],
    ['the same message handled elsewhere', new InboxBusyError('grid-dispatch.work-orders', 'evt-1', 60_000)],
    ['an outage under a wrapper', new Error('append failed', { cause: new MongoNetworkError('socket hang up') })],
  ])('retries an outage without counting it towards the dead-letter topic: %s', (_what, e) => {
    const mapped = retryableOrDeadLetter(e);
    expect(mapped).toBeInstanceOf(TransientError);
    expect((mapped as Error).cause).toBe(e);
  });

  it.each([
    new IllegalStateError('GRID_CASE.CANNOT_DISPATCH_CASE', '工单当前状态为“已归档”，不能派单'),
    new DomainError('MEDIATION.ALREADY_REGISTERED', '已登记', 'conflict'),
    new ValidationError('GRID_CASE.INVALID_URGENCY', '紧急程度无效'),
    new NotFoundError('GRID_CASE.NOT_FOUND', '工单不存在'),
  ])('dead-letters a broken rule at once: $code', (e) => {
    const mapped = retryableOrDeadLetter(e);
    expect(mapped).toBeInstanceOf(NonRetriableError);
    expect((mapped as Error).message).toContain(e.code);
    expect((mapped as Error).cause).toBe(e);
  });
});
