import { NonRetriableError, type DeliveredMessage, type MessageHandler } from '../bus.port';
import { CE_HEADERS } from '../cloudevents';
import type { Inbox } from './inbox.port';

/** The CloudEvent id of a message (`ce_id`); a message without one cannot be deduplicated. */
export function cloudEventIdOf(message: DeliveredMessage): string {
  const id = message.headers[CE_HEADERS.id];
  if (!id) throw new NonRetriableError(`message ${message.topic}/${message.partition}@${message.offset} has no ${CE_HEADERS.id}: cannot deduplicate it`);
  return id;
}

/**
 * Wraps a handler so that each message id takes effect once per `group`, however often it is
 * delivered. The id is the CloudEvent id unless `idOf` says otherwise. A failing handler records
 * nothing: the bus retries it, then dead-letters it.
 */
export function idempotentHandler(
  inbox: Inbox,
  group: string,
  handler: MessageHandler,
  idOf: (message: DeliveredMessage) => string = cloudEventIdOf,
): MessageHandler {
  return async (message) => {
    await inbox.runOnce(group, idOf(message), () => handler(message));
  };
}
