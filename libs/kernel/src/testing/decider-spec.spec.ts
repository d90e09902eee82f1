import { assertNever, Command, CommandMeta, Decider, Event } from '../decider';
import { IllegalStateError, ValidationError } from '../domain-error';
import { deciderSpec, firstDifference } from './decider-spec';

type Evt = Event<'Opened', { by: string }> | Event<'Closed', { by: string }>;
type Cmd = Command<'Open', Record<string, never>> | Command<'Close', Record<string, never>>;
type State = { status: 'none' } | { status: 'open' } | { status: 'closed' };

const door: Decider<State, Cmd, Evt> = {
  initialState: () => ({ status: 'none' }),
  decide: (c, s) => {
    switch (c.type) {
      case 'Open':
        if (s.status === 'open') return [];
        return [{ type: 'Opened', data: { by: c.meta.actor.userId } }];
      case 'Close':
        if (s.status !== 'open') throw new IllegalStateError('DOOR.NOT_OPEN', '门未打开');
        return [{ type: 'Closed', data: { by: c.meta.actor.userId } }];
      default:
        return assertNever(c, 'command');
    }
  },
  evolve: (_s, e) => {
    switch (e.type) {
      case 'Opened':
        return { status: 'open' };
      case 'Closed':
        return { status: 'closed' };
      default:
        return assertNever(e, 'event');
    }
  },
};

const meta: CommandMeta = { actor: { userId: 'u1', role: 'operator', unitId: 'x' }, now: '2024-01-01T00:00:00Z' };
const open: Cmd = { type: 'Open', data: {}, meta };
const close: Cmd = { type: 'Close', data: {}, meta };
const opened: Evt = { type: 'Opened', data: { by: 'u1' } };
const spec = deciderSpec(door);

describe('deciderSpec', () => {
  it('passes when decide returns the expected events, and fails otherwise', () => {
    spec.given([]).when(open).then([opened]);
    expect(() =>
      spec
        .given([])
        .when(open)
        .then([{ type: 'Opened', data: { by: 'u2' } }]),
    ).toThrow(/events differ at \$\[0\]\.data\.by/);
    expect(() => spec.given([]).when(open).then([])).toThrow(/\$\.length/);
  });

  it('folds the given events first', () => {
    spec.given([opened]).when(open).thenNothing();
    expect(() => spec.given([]).when(open).thenNothing()).toThrow(/differ/);
    spec.given([opened]).when(close).thenState({ status: 'closed' });
    expect(() => spec.given([opened]).when(close).thenState({ status: 'open' })).toThrow(/state differ/);
  });

  it('thenThrows checks code and kind, and fails when events come back or another error is thrown', () => {
    expect(spec.given([]).when(close).thenThrows('DOOR.NOT_OPEN', 'illegal_state').message).toBe('门未打开');
    expect(() => spec.given([]).when(close).thenThrows('DOOR.OTHER')).toThrow(/got DOOR.NOT_OPEN/);
    expect(() => spec.given([]).when(close).thenThrows('DOOR.NOT_OPEN', 'validation')).toThrow(/kind/);
    expect(() => spec.given([]).when(open).thenThrows('DOOR.NOT_OPEN')).toThrow(/got events/);
    const broken = deciderSpec<State, Cmd, Evt>({
      ...door,
      decide: () => {
        throw new TypeError('boom');
      },
    });
    expect(() => broken.given([]).when(open).thenThrows('X')).toThrow(/TypeError: boom/);
    expect(new ValidationError('A', 'b')).toBeInstanceOf(Error);
  });

  it('firstDifference treats undefined properties as absent', () => {
    expect(firstDifference({ a: 1, b: undefined }, { a: 1 })).toBeUndefined();
    expect(firstDifference({ a: [1, { c: 2 }] }, { a: [1, { c: 3 }] })).toBe('$.a[1].c');
    expect(firstDifference([1], { 0: 1 })).toBe('$');
    expect(firstDifference(null, {})).toBe('$');
  });
});
