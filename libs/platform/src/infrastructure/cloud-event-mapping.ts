import { IntegrationEvent } from '@fengqiao/contracts';
import { CloudEventInput, DecodedCloudEvent, traceparentFor } from '@fengqiao/bus';

/** The `dataschema` of an integration event type: the contract's schema id in `libs/contracts`. */
export function dataschemaOf(type: string): string {
  return `urn:fengqiao:contract:${type}`;
}

/**
 * The CloudEvent of an integration event: correlation and causation ids, the contract's major
 * version (`schemaversion`, from the `.v<major>` of its type), the W3C `traceparent` of the
 * request that caused it (its correlation), and the contract's schema id as `dataschema`.
 */
export function toCloudEvent(event: IntegrationEvent): CloudEventInput {
  const major = /\.v(\d+)$/.exec(event.type)?.[1];
  return {
    id: event.id,
    type: event.type,
    source: event.source,
    subject: event.subject,
    time: event.time,
    dataschema: dataschemaOf(event.type),
    extensions: {
      correlationid: event.correlationId,
      causationid: event.causationId,
      ...(major !== undefined ? { schemaversion: major } : {}),
      traceparent: traceparentFor(event.correlationId, event.id),
    },
    data: event.data,
  };
}

export function fromCloudEvent(ce: DecodedCloudEvent): IntegrationEvent {
  return {
    id: ce.id,
    type: ce.type,
    source: ce.source,
    subject: ce.subject ?? ce.partitionkey,
    time: ce.time,
    correlationId: ce.extensions.correlationid ?? ce.id,
    causationId: ce.extensions.causationid ?? ce.id,
    data: ce.data,
  };
}
