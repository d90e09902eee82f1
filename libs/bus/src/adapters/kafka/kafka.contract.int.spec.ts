/**
 * The Bus contract against a real Kafka broker (found by jest.global-setup.js: KAFKA_BROKERS,
 * deploy/local servers, or testcontainers). Skips with the reason locally, fails under CI=true.
 */
import pino from 'pino';
import { describeIntegration } from '@fengqiao/testing';
import { busContract } from '../../testing/bus.contract';
import { KafkaBus } from './kafka-bus';

describeIntegration('KafkaBus (kafkajs)', ['kafka'], (env) => {
  busContract(
    'kafka',
    () =>
      new KafkaBus({
        brokers: env().kafkaBrokers,
        clientId: 'bus-contract',
        logger: pino({ level: process.env.LOG_LEVEL ?? 'silent' }),
        // a short heartbeat so the second member's join rebalances the group quickly
        heartbeatIntervalMs: 500,
        sessionTimeoutMs: 10_000,
        rebalanceTimeoutMs: 20_000,
        maxWaitTimeInMs: 200,
      }),
    { timeoutMs: 60_000, waitMs: 40_000, mayRedeliverOnRebalance: true },
  );
});
