/**
 * Which event store a distributed context opens: MongoDB by default, KurrentDB when KURRENTDB_URL
 * names one (the KurrentDB contract suite itself runs in libs/event-store wherever a server exists).
 */
import { KurrentDbEventStore, MongoEventStore } from '@fengqiao/event-store';
import { describeIntegration, uniqueName } from '@fengqiao/testing';
import { loadServiceConfig } from '../config/service-config';
import { openContextInfrastructure } from './context-infrastructure';

describeIntegration('context infrastructure (distributed)', ['mongo', 'kafka'], (env) => {
  const config = (extra: Record<string, string> = {}) =>
    loadServiceConfig(
      'intake',
      { port: 0, mode: 'distributed' },
      {
        KAFKA_BROKERS: env().kafkaBrokers.join(','),
        MONGO_URL: `${env().mongoUrl.replace(/\/[^/]*$/, '')}/${uniqueName('fq_infra').replace(/-/g, '_')}`,
        ...extra,
      },
    );

  it('keeps the event store on MongoDB by default', async () => {
    const infra = await openContextInfrastructure('intake', config());
    try {
      expect(infra.events).toBeInstanceOf(MongoEventStore);
    } finally {
      await infra.close();
    }
  });

  it('puts the event store on KurrentDB when KURRENTDB_URL is set', async () => {
    // no KurrentDB server runs here: the client connects lazily, so the choice can be checked
    const infra = await openContextInfrastructure('intake', config({ KURRENTDB_URL: 'kurrentdb://127.0.0.1:1?tls=false' }));
    try {
      expect(infra.events).toBeInstanceOf(KurrentDbEventStore);
    } finally {
      await infra.close();
    }
  });
});
