/**
 * The EventStore contract against a real KurrentDB. No server can be installed on our machines: this
 * suite runs when KURRENTDB_URL is set (or Docker answers, see jest.global-setup.js) and otherwise
 * skips with the reason. KurrentDB has no databases: a unique stream prefix per run isolates it.
 */
// The shared integration harness is test-only code; the module-boundary rule has no test exception for infra libs.

import { describeIntegration, uniqueName } from '@fengqiao/testing';
import { eventStoreContract } from '../../testing/event-store.contract';
import { KurrentDbEventStore } from './kurrentdb-event-store';

describeIntegration('KurrentDbEventStore', ['kurrentdb'], (env) => {
  eventStoreContract('kurrentdb', () => KurrentDbEventStore.connect(env().kurrentdbUrl, { streamPrefix: `${uniqueName('fq')}_` }), {
    detectsIdsInOtherStreams: false,
  });
});
