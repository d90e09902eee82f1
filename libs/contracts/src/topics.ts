/**
 * Kafka topics: `<context>.<aggregate>.events.v<major>`, message key = case id so each case's
 * events stay in order (DESIGN §3). One topic per aggregate, never one per event type.
 */
export const topics = {
  intakeCase: 'intake.case.events.v1',
  gridDispatchCase: 'grid-dispatch.case.events.v1',
  mediationCase: 'mediation.case.events.v1',
  petitionsPetition: 'petitions.petition.events.v1',
  /** the holiday-notice table (reference data, key 'calendar-notices'), published by the calendar module */
  calendarNotices: 'calendar.notices.events.v1',
  /** erasure requests of data subjects (key = subject id), published by the context that took the request */
  privacySubject: 'privacy.subject.events.v1',
  /** directory changes (units, grids, users; key 'directory'), published by the directory's host, applied by every other service */
  identityDirectory: 'identity.directory.events.v1',
} as const;

export type Topic = (typeof topics)[keyof typeof topics];

export const contexts = ['intake', 'grid-dispatch', 'mediation', 'petitions', 'analytics'] as const;
export type ContextName = (typeof contexts)[number];

/** Dead-letter topic of a topic: poison messages go there after the retries. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

/** Consumer group names: `<service>.<purpose>`, e.g. `analytics.case-board`. */
export function consumerGroup(service: ContextName, purpose: string): string {
  return `${service}.${purpose}`;
}

/** Which topics each service reacts to; a service never reads another service's store. */
export const subscriptions: Record<ContextName, readonly Topic[]> = {
  intake: [topics.gridDispatchCase],
  'grid-dispatch': [topics.intakeCase, topics.mediationCase, topics.petitionsPetition, topics.calendarNotices],
  mediation: [topics.gridDispatchCase, topics.calendarNotices],
  petitions: [topics.gridDispatchCase, topics.calendarNotices],
  analytics: [topics.intakeCase, topics.gridDispatchCase, topics.mediationCase, topics.petitionsPetition],
};
