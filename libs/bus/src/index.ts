// The Bus port and its adapters (DESIGN §3): kafka | in-process, relay, inbox, retry + DLQ,
// CloudEvents binding, NestJS transport.
export * from './bus.port';
export { deliver, deadLetterMessage, type DeliveryOutcome, type DeliveryRun } from './delivery';
export * from './cloudevents';
export * from './adapters/in-process/in-process-bus';
export * from './adapters/kafka/kafka-bus';
export { mendKafkajsRequestQueue } from './adapters/kafka/kafkajs-request-queue';
export * from './adapters/prefixed-bus';
export * from './trace-context';
export * from './relay/relay';
export * from './relay/relay-checkpoint.store';
export * from './relay/sqlite-relay-checkpoint.store';
export * from './relay/mongodb-relay-checkpoint.store';
export * from './inbox/inbox.port';
export * from './inbox/claiming-inbox';
export * from './inbox/sqlite-inbox';
export * from './inbox/mongodb-inbox';
export * from './inbox/idempotent-handler';
export * from './nest/bus.server';
export * from './nest/bus.context';
export * from './nest/bus-exception.filter';
