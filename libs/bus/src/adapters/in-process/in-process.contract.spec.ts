import pino from 'pino';
import { busContract } from '../../testing/bus.contract';
import { InProcessBus } from './in-process-bus';

// publish resolves once consumed (the default, standalone mode) …
busContract('in-process', () => new InProcessBus({ logger: pino({ level: 'silent' }) }));
// … or once appended: the same semantics for consumers, publishes run ahead of them
busContract('in-process (publish resolves when appended)', () => new InProcessBus({ logger: pino({ level: 'silent' }), publishResolves: 'appended' }));
