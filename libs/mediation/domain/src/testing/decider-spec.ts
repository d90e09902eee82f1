import { Command, Decider, DomainError, DomainErrorKind, Event, fold, deciderSpec as kernelDeciderSpec } from '@fengqiao/kernel';

/**
 * The kernel's given / when / then (`deciderSpec` from `@fengqiao/kernel`) with three additions
 * this lib's specs use: `then` also returns the produced events and the state after them (for
 * checks on `evolve`), `thenMatch` compares events partially (jest `toMatchObject`, for events whose
 * every field another spec already pins), and `thenThrows` also checks that the message is Chinese.
 * Not exported from the lib's index.
 */
export function deciderSpec<State, Cmd extends Command, Evt extends Event>(decider: Decider<State, Cmd, Evt>) {
  const spec = kernelDeciderSpec(decider);
  return {
    given(given: readonly Evt[]) {
      return {
        when(command: Cmd) {
          const then = spec.given(given).when(command);
          const outcome = (events: Evt[]) => ({ events, state: fold(decider, [...given, ...events]) });
          return {
            then(expected: readonly Evt[]): { events: Evt[]; state: State } {
              then.then(expected);
              return outcome(then.events());
            },
            thenMatch(expected: readonly object[]): { events: Evt[]; state: State } {
              const events = then.events();
              expect(events).toHaveLength(expected.length);
              expected.forEach((partial, i) => expect(events[i]).toMatchObject(partial));
              return outcome(events);
            },
            thenThrows(code: string, kind?: DomainErrorKind): DomainError {
              const error = then.thenThrows(code, kind);
              expect(error.message).toMatch(/[\u4e00-\u9fff]/); // messages are for people: Chinese
              return error;
            },
          };
        },
      };
    },
  };
}
