import { auditStamp } from './audit';
import { expectStatus, required, requireInstant } from './guards';
import { DomainError } from './domain-error';
import { deciderSpec } from './testing';

type S = { status: 'none' } | { status: 'open'; n: number } | { status: 'closed' };
const refusal = {
  code: 'THING.CANNOT_CLOSE',
  noun: '事项',
  statusLabels: { none: '不存在', open: '办理中', closed: '已办结' },
  command: 'Close',
  commandLabel: '办结',
  notFound: { code: 'THING.NOT_FOUND', message: '事项不存在' },
};
const thrown = (f: () => unknown): DomainError => {
  try {
    f();
  } catch (e) {
    return e as DomainError;
  }
  throw new Error('did not throw');
};

describe('decider guards (libs/kernel)', () => {
  it('expectStatus narrows, refuses another state with 409 naming it, and an absent case with 404', () => {
    const open: S = { status: 'open', n: 1 };
    expect(expectStatus(open, ['open'], refusal).n).toBe(1);
    expect(thrown(() => expectStatus({ status: 'closed' } as S, ['open'], refusal))).toMatchObject({
      code: 'THING.CANNOT_CLOSE',
      kind: 'illegal_state',
      message: '事项当前状态为“已办结”，不能办结',
      details: { command: 'Close', status: 'closed', allowed: ['open'] },
    });
    expect(thrown(() => expectStatus({ status: 'none' } as S, ['open'], refusal))).toMatchObject({ code: 'THING.NOT_FOUND', kind: 'not_found' });
  });

  it('required refuses blank or missing text naming the field', () => {
    expect(() => required('x', 'summary', '结案意见', 'THING.FIELD_REQUIRED')).not.toThrow();
    for (const v of [undefined, '', '  ', 3]) {
      expect(thrown(() => required(v, 'summary', '结案意见', 'THING.FIELD_REQUIRED'))).toMatchObject({
        code: 'THING.FIELD_REQUIRED',
        kind: 'validation',
        message: '结案意见不能为空',
        details: { field: 'summary' },
      });
    }
  });

  it("requireInstant refuses a time after now or before the previous step, with the context's codes", () => {
    const now = '2026-03-02T10:00:00+08:00';
    expect(requireInstant('2026-03-02T09:00:00+08:00', { field: 'heldAt', now, context: 'THING' })).toBe(Date.parse('2026-03-02T01:00:00Z'));
    expect(thrown(() => requireInstant('2026-03-02T11:00:00+08:00', { field: 'heldAt', now, context: 'THING' })).code).toBe('THING.TIME_IN_FUTURE');
    const before = thrown(() =>
      requireInstant('2026-03-01T09:00:00+08:00', { field: 'heldAt', now, context: 'THING', notBefore: { at: '2026-03-02T08:00:00+08:00', what: '受理时间' } }),
    );
    expect(before).toMatchObject({ code: 'THING.TIME_BEFORE_PREVIOUS_STEP', message: 'heldAt 不能早于受理时间' });
    expect(thrown(() => requireInstant('yesterday', { field: 'heldAt', now, context: 'THING' })).code).toBe('CALENDAR.INVALID_INSTANT');
  });

  it('auditStamp copies actor, time and a non-blank reason', () => {
    const actor = { userId: 'u', role: 'operator' as const, unitId: 'v' };
    expect(auditStamp({ actor, now: '2026-03-02T10:00:00+08:00', reason: ' ' })).toEqual({ actor, occurredAt: '2026-03-02T10:00:00+08:00' });
    expect(auditStamp({ actor, now: '2026-03-02T10:00:00+08:00', reason: '因' })).toMatchObject({ reason: '因' });
  });

  it('deciderSpec: then returns events and state, thenMatch compares partially, thenThrows wants a Chinese message', () => {
    type E = { type: 'Added'; data: { by: number; note: string } };
    type C = { type: 'Add'; data: { by: number }; meta: { actor: { userId: string; role: 'operator'; unitId: string }; now: string } };
    const decider = {
      initialState: () => 0,
      evolve: (s: number, e: E) => s + e.data.by,
      decide: (c: C, s: number): E[] => {
        if (c.data.by < 0) throw new DomainError('T.NEGATIVE', c.data.by < -1 ? 'negative' : '不能为负', 'validation');
        return [{ type: 'Added', data: { by: c.data.by, note: `from ${s}` } }];
      },
    };
    const spec = deciderSpec(decider);
    const meta = { actor: { userId: 'u', role: 'operator' as const, unitId: 'v' }, now: '2026-03-02T10:00:00+08:00' };
    const given: E[] = [{ type: 'Added', data: { by: 2, note: 'x' } }];
    expect(
      spec
        .given(given)
        .when({ type: 'Add', data: { by: 3 }, meta })
        .then([{ type: 'Added', data: { by: 3, note: 'from 2' } }]).state,
    ).toBe(5);
    expect(
      spec
        .given(given)
        .when({ type: 'Add', data: { by: 3 }, meta })
        .thenMatch([{ data: { by: 3 } }]).state,
    ).toBe(5);
    expect(() =>
      spec
        .given(given)
        .when({ type: 'Add', data: { by: 3 }, meta })
        .thenMatch([{ data: { by: 4 } }]),
    ).toThrow(/\$\[0\]\.data\.by/);
    expect(
      spec
        .given([])
        .when({ type: 'Add', data: { by: -1 }, meta })
        .thenThrows('T.NEGATIVE').message,
    ).toBe('不能为负');
    expect(() =>
      spec
        .given([])
        .when({ type: 'Add', data: { by: -2 }, meta })
        .thenThrows('T.NEGATIVE'),
    ).toThrow(/no Chinese message/);
  });
});
