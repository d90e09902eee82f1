import { ContractViolation, Schema, unsafeTextReason, validate } from './schema/schema';
import { unsafeTextOf } from './text/safe-text';
import { Topic } from './topics';

/**
 * An integration event: what one context publishes for others (DESIGN §3). It maps 1:1 onto a
 * CloudEvent (id, type, source, subject, time + extensions correlationid, causationid) carried in
 * Kafka's binary content mode (libs/bus). Domain events stay private; one mapper per service
 * turns the stored events it chooses to publish into these.
 */
export interface IntegrationEvent<D = unknown> {
  /** = the id of the stored event it comes from (so consumers dedupe by it) */
  id: string;
  /** `cn.fengqiao.<context>.<aggregate>.<event>.v<major>` */
  type: string;
  /** `/fengqiao/<context>` */
  source: string;
  /** the case id: also the Kafka key, so a case's events stay in order */
  subject: string;
  /** business time (the stored event's occurredAt) */
  time: string;
  correlationId: string;
  causationId: string;
  data: D;
}

export interface ContractDefinition<D> {
  type: string;
  topic: Topic;
  schema: Schema<D>;
  /** Chinese label for people reading a timeline */
  label: string;
}

const registry = new Map<string, ContractDefinition<unknown>>();

/** Declares a contract once; its `type` must be unique across the system. */
export function defineContract<D>(def: ContractDefinition<D>): ContractDefinition<D> {
  if (!/^cn\.fengqiao\.[a-z-]+\.[a-z-]+\.[a-z-]+\.v\d+$/.test(def.type)) throw new Error(`bad contract type ${def.type}`);
  if (registry.has(def.type)) throw new Error(`contract ${def.type} declared twice`);
  registry.set(def.type, def as ContractDefinition<unknown>);
  return def;
}

export function contractOf(type: string): ContractDefinition<unknown> | undefined {
  return registry.get(type);
}

export function allContracts(): ContractDefinition<unknown>[] {
  return [...registry.values()];
}

/** Upcasters for integration events: an older minor shape of a type to the current one. */
type IntegrationUpcaster = (data: Record<string, unknown>) => Record<string, unknown>;
const upcasters = new Map<string, IntegrationUpcaster[]>();

export function registerIntegrationUpcaster(type: string, upcaster: IntegrationUpcaster): void {
  upcasters.set(type, [...(upcasters.get(type) ?? []), upcaster]);
}

const envelopeFields = ['id', 'type', 'source', 'subject', 'time', 'correlationId', 'causationId'] as const;

/**
 * Validates an incoming (or outgoing) integration event against its contract, after upcasting.
 * Throws ContractViolation (a poison message: not retriable) on an unknown type or a bad shape.
 */
export function validateIntegrationEvent(event: unknown): IntegrationEvent {
  if (typeof event !== 'object' || event === null) throw new ContractViolation('integration event', [{ path: '(root)', reason: 'must be an object' }]);
  const e = event as Record<string, unknown>;
  const issues = envelopeFields.flatMap((f) => {
    const value = e[f];
    if (typeof value !== 'string' || value.length === 0) return [{ path: f, reason: 'is required' }];
    const unsafe = unsafeTextOf(value, f, { lineBreaks: false, maxLength: 1000 });
    return unsafe ? [{ path: f, reason: unsafeTextReason(unsafe) }] : [];
  });
  if (issues.length) throw new ContractViolation('integration event', issues);
  const def = registry.get(e.type as string);
  if (!def) throw new ContractViolation(String(e.type), [{ path: 'type', reason: 'is not a known contract' }]);
  let data = e.data as Record<string, unknown>;
  for (const up of upcasters.get(def.type) ?? []) data = up(data);
  return { ...(e as unknown as IntegrationEvent), data: validate(def.type, def.schema, data) };
}
