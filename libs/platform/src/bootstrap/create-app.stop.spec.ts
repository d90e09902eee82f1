/**
 * Stopping a service (`RunningService.close`, what SIGTERM runs): the relays stop before any module's
 * `onModuleDestroy`, so what those hooks wait for does not queue behind a relay's replay.
 */
import { Injectable, Module, type OnModuleDestroy } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bus, Relay } from '@fengqiao/bus';
import { loadServiceConfig } from '../config/service-config';
import { BUS } from '../infrastructure/context-runtime';
import { relayGateOf } from '../infrastructure/relay-gate';
import { startService } from './create-app';

/** Stands in for a context's relay in the gate: records when it was told to stop. */
const relay = { stops: [] as string[], stop: async () => void relay.stops.push('relay') };

@Injectable()
class DestroyProbe implements OnModuleDestroy {
  static seen: string[] = [];
  onModuleDestroy(): void {
    DestroyProbe.seen.push(`module destroyed after ${relay.stops.length} relay stop(s)`);
  }
}

@Module({ providers: [DestroyProbe] })
class ProbeModule {}

describe('RunningService.close', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'fq-platform-stop-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("stops the relays before any module's onModuleDestroy runs", async () => {
    const config = loadServiceConfig('probe', { port: 0, mode: 'standalone' }, { FENGQIAO_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const service = await startService({ name: 'probe', title: 'probe', imports: [ProbeModule] }, config);
    const gate = relayGateOf(service.app.get<Bus>(BUS));
    gate.register('probe-context');
    gate.arrive('probe-context', () => undefined, relay as unknown as Relay);

    await service.close();

    expect(DestroyProbe.seen).toEqual(['module destroyed after 1 relay stop(s)']);
    // BusLifecycle stops them again later (an app closed without closeService): harmless
    expect(relay.stops.length).toBeGreaterThanOrEqual(1);
  });
});
