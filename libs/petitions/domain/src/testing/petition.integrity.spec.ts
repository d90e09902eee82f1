import type { Event } from '@fengqiao/kernel';
import { appendAndVerifyEveryEvent } from '@fengqiao/testing';
import { ev, history } from './petition.fixtures';

/** Issue 12, item 1: every petition event type the fixtures build hashes the same bytes on append and on verify. */
describe('petition events in the event store (append and verify agree)', () => {
  it('for every event type of the fixtures, with a human actor carrying every envelope field', async () => {
    const events: Event[] = Object.values(history).flatMap((build) => (build as () => Event[])());
    // every builder that needs no argument (the others are covered through the histories)
    for (const build of Object.values(ev) as Array<() => Event | Event[]>) {
      if (build.length > 0) continue;
      const built = build();
      events.push(...(Array.isArray(built) ? built : [built]));
    }
    const result = await appendAndVerifyEveryEvent(events, 'petition-');
    expect(result.failures).toEqual([]);
    expect(result.types.length).toBeGreaterThanOrEqual(16);
  });
});
