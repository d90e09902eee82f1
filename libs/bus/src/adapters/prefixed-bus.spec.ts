import pino from 'pino';
import { eventually, uniqueName } from '@fengqiao/testing';
import type { DeliveredMessage, SubscribeOptions } from '../bus.port';
import { busContract } from '../testing/bus.contract';
import { InProcessBus } from './in-process/in-process-bus';
import { isValidTopicPrefix, PrefixedBus } from './prefixed-bus';

const silent = pino({ level: 'silent' });

// a prefixed bus keeps every promise of the port
busContract('prefixed (in-process)', () => new PrefixedBus(new InProcessBus({ logger: silent }), 'dev'));

describe('PrefixedBus: deployments sharing one broker', () => {
  it('keeps two deployments apart: topics and groups are prefixed on the broker, contract names in the code', async () => {
    const broker = new InProcessBus({ logger: silent });
    const blue = new PrefixedBus(broker, 'blue');
    const green = new PrefixedBus(broker, 'green');
    const topic = uniqueName('intake.case.events.v1');
    const got: Record<string, DeliveredMessage[]> = { blue: [], green: [], raw: [] };
    await blue.subscribe({ groupId: 'grid-dispatch.work-orders', topics: [topic], handler: async (m) => void got.blue.push(m) });
    await green.subscribe({ groupId: 'grid-dispatch.work-orders', topics: [topic], handler: async (m) => void got.green.push(m) });
    await broker.subscribe({ groupId: 'spy', topics: [`blue.${topic}`], handler: async (m) => void got.raw.push(m) });

    await blue.publish(topic, [{ key: 'c-1', value: '{"n":1}' }]);
    await eventually(() => (got.blue.length === 1 && got.raw.length === 1 ? true : undefined), { what: 'blue delivery' });
    expect(got.green).toEqual([]);
    expect(got.blue[0]).toMatchObject({ topic, groupId: 'grid-dispatch.work-orders', key: 'c-1' });
    expect(got.raw[0]).toMatchObject({ topic: `blue.${topic}` });
    await broker.close();
  });

  it('hands a run handler the messages with the contract names, as the single handler gets them', async () => {
    const broker = new InProcessBus({ logger: silent });
    let seen: SubscribeOptions | undefined;
    const subscribe = broker.subscribe.bind(broker);
    broker.subscribe = (options) => {
      seen = options;
      return subscribe(options);
    };
    const topic = uniqueName('intake.case.events.v1');
    const runs: DeliveredMessage[][] = [];
    await new PrefixedBus(broker, 'blue').subscribe({
      groupId: 'analytics.figures',
      topics: [topic],
      handler: async () => undefined,
      runHandler: async (messages) => (runs.push([...messages]), true),
    });
    const onBroker = {
      topic: `blue.${topic}`,
      partition: 0,
      offset: '1',
      key: 'c-1',
      value: '{}',
      headers: {},
      timestamp: '0',
      groupId: 'blue.analytics.figures',
      attempt: 1,
    };
    expect(await seen?.runHandler?.([onBroker, { ...onBroker, offset: '2' }])).toBe(true);
    expect(runs).toEqual([[expect.objectContaining({ topic, groupId: 'analytics.figures', offset: '1' }), expect.objectContaining({ topic, offset: '2' })]]);
    await broker.close();
  });

  it('refuses a prefix that would not make a safe topic name', () => {
    for (const bad of ['', 'Dev', 'a.b', '-x', 'x'.repeat(41), 'a b', '测试']) {
      expect(isValidTopicPrefix(bad)).toBe(false);
      expect(() => new PrefixedBus(new InProcessBus({ logger: silent }), bad)).toThrow(TypeError);
    }
    expect(isValidTopicPrefix('ci-run_42')).toBe(true);
  });
});
