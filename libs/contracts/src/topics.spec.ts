import { consumerGroup, deadLetterTopic, subscriptions, topics } from './topics';

describe('topics', () => {
  it('follow <context>.<aggregate>.events.v<major>', () => {
    for (const t of Object.values(topics)) expect(t).toMatch(/^[a-z-]+\.[a-z-]+\.events\.v\d+$/);
  });
  it('no service subscribes to its own topic', () => {
    for (const [service, subscribed] of Object.entries(subscriptions)) {
      for (const t of subscribed) expect(t.startsWith(`${service}.`)).toBe(false);
    }
  });
  it('names dead-letter topics and consumer groups', () => {
    expect(deadLetterTopic(topics.intakeCase)).toBe('intake.case.events.v1.dlq');
    expect(consumerGroup('analytics', 'case-board')).toBe('analytics.case-board');
  });
});
