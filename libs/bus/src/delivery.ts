/**
 * Delivery of one message to a handler with retries and backoff, then the dead-letter topic:
 * the part of the semantics both adapters share, so they cannot drift apart.
 */
import pino from 'pino';
import {
  DLQ_HEADERS,
  NonRetriableError,
  TransientError,
  backoffDelayMs,
  deadLetterTopic,
  type BusLogger,
  type DeliveredMessage,
  type MessageHandler,
  type OutgoingMessage,
  type RetryPolicy,
} from './bus.port';

export type DeliveryOutcome =
  /** the handler resolved on attempt `attempts` */
  | { kind: 'handled'; attempts: number }
  /** every attempt failed (or a NonRetriableError): the message is on `<topic>.dlq` */
  | { kind: 'dead-lettered'; attempts: number; error: unknown }
  /** stopped (close, rebalance) before the message was handled: do not commit it */
  | { kind: 'abandoned'; attempts: number };

export interface DeliveryRun {
  message: Omit<DeliveredMessage, 'attempt'>;
  handler: MessageHandler;
  policy: RetryPolicy;
  /** Aborted when the member stops owning the partition: no further attempt, no commit. */
  signal: AbortSignal;
  /** Publishes the dead-letter message; a failure propagates (the message is not committed). */
  deadLetter: (topic: string, message: OutgoingMessage) => Promise<void>;
  logger: BusLogger;
}

const MAX_ERROR_MESSAGE = 2_000;
const MAX_ERROR_STACK = 8_000;

/**
 * A stack trace fit for a header other programs read: one line (frames joined by " | "), and file
 * paths relative to the working directory, so the machine's layout does not leak into the topic.
 */
export function portableStack(stack: string, cwd = process.cwd()): string {
  const root = cwd.endsWith('/') ? cwd : `${cwd}/`;
  return stack
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) =>
      line
        .split(root)
        .join('')
        .replace(/file:\/\/\/?[^\s()]*\/node_modules\//g, 'node_modules/')
        .replace(/(\(|\s)\/[^\s()]*\/node_modules\//g, '$1node_modules/'),
    )
    .join(' | ');
}

/** The message as published to `<topic>.dlq`: same key, value and headers, plus `DLQ_HEADERS`. */
export function deadLetterMessage(message: Omit<DeliveredMessage, 'attempt'>, error: unknown, attempts: number, now = new Date()): OutgoingMessage {
  const e = error instanceof Error ? error : undefined;
  return {
    key: message.key,
    value: message.value,
    headers: {
      ...message.headers,
      [DLQ_HEADERS.originalTopic]: message.topic,
      [DLQ_HEADERS.originalPartition]: String(message.partition),
      [DLQ_HEADERS.originalOffset]: message.offset,
      [DLQ_HEADERS.originalTimestamp]: message.timestamp,
      [DLQ_HEADERS.consumerGroup]: message.groupId,
      [DLQ_HEADERS.attempts]: String(attempts),
      [DLQ_HEADERS.errorName]: e?.name ?? typeof error,
      [DLQ_HEADERS.errorMessage]: truncate(e ? e.message : describe(error), MAX_ERROR_MESSAGE),
      [DLQ_HEADERS.errorStack]: truncate(portableStack(e?.stack ?? ''), MAX_ERROR_STACK),
      [DLQ_HEADERS.failedAt]: now.toISOString(),
    },
  };
}

/**
 * Hands the message to the handler until it resolves, retrying with backoff; dead-letters it after
 * `policy.maxAttempts` failures (or at once for a NonRetriableError). A TransientError is retried
 * until the handler succeeds or the subscription stops, and never counts as one of those failures.
 */
export async function deliver(run: DeliveryRun): Promise<DeliveryOutcome> {
  const { message, handler, policy, signal, logger } = run;
  // failures that count towards the dead-letter topic: a TransientError (an outage) does not
  let failures = 0;
  for (let attempt = 1; ; attempt++) {
    if (signal.aborted) return { kind: 'abandoned', attempts: attempt - 1 };
    try {
      await handler({ ...message, attempt });
      return { kind: 'handled', attempts: attempt };
    } catch (error) {
      const ctx = {
        topic: message.topic,
        partition: message.partition,
        offset: message.offset,
        key: message.key,
        groupId: message.groupId,
        attempt,
        err: error,
      };
      const poison = error instanceof NonRetriableError;
      if (!(error instanceof TransientError)) failures++;
      if (poison || failures >= policy.maxAttempts) {
        await run.deadLetter(deadLetterTopic(message.topic), deadLetterMessage(message, error, attempt));
        logger.error(
          ctx,
          poison ? 'message not retriable: sent to the dead-letter topic' : `handler failed ${attempt} times: message sent to the dead-letter topic`,
        );
        return { kind: 'dead-lettered', attempts: attempt, error };
      }
      const delay = backoffDelayMs(policy, attempt);
      logger.warn({ ...ctx, retryInMs: delay }, 'handler failed: retrying');
      if (!(await sleep(delay, signal))) return { kind: 'abandoned', attempts: attempt };
    }
  }
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Logger used when none is given: pino on stdout, level from LOG_LEVEL (default `info`). */
export function defaultLogger(name: string): BusLogger {
  return pino({ name, level: process.env.LOG_LEVEL ?? 'info' });
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
