import { BaseRpcContext } from '@nestjs/microservices';
import type { DeliveredMessage } from '../bus.port';
import type { DecodedCloudEvent } from '../cloudevents';

type BusContextArgs = [DeliveredMessage, DecodedCloudEvent];

/**
 * `@Ctx()` of a handler served by `BusServer`. Method names follow Nest's `KafkaContext`
 * (`getMessage`, `getTopic`, `getPartition`) so controllers read the same on either transport.
 */
export class BusContext extends BaseRpcContext<BusContextArgs> {
  constructor(args: BusContextArgs) {
    super(args);
  }

  /** The message as delivered: key, value, headers, offset, attempt … */
  getMessage(): DeliveredMessage {
    return this.args[0];
  }

  getTopic(): string {
    return this.args[0].topic;
  }

  getPartition(): number {
    return this.args[0].partition;
  }

  getGroupId(): string {
    return this.args[0].groupId;
  }

  /** 1 for the first delivery, 2 for the first retry … */
  getAttempt(): number {
    return this.args[0].attempt;
  }

  /** The decoded CloudEvent (also the handler's `@Payload()`). */
  getCloudEvent(): DecodedCloudEvent {
    return this.args[1];
  }
}
