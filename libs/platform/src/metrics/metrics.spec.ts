import { metrics } from './metrics';
import { metricsPlacementOf, startMetricsServer } from './metrics.http';

describe('metrics placement', () => {
  it('serves on the service port by default, or only on METRICS_HOST:METRICS_PORT', () => {
    expect(metricsPlacementOf({})).toEqual({ host: '127.0.0.1' });
    expect(metricsPlacementOf({ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' })).toEqual({ port: 9464, host: '0.0.0.0' });
    expect(() => metricsPlacementOf({ METRICS_PORT: 'ninety' })).toThrow(/METRICS_PORT/);
  });

  it('a listener of its own answers /metrics and nothing else', async () => {
    const { server, url } = await startMetricsServer({ port: 0, host: '127.0.0.1' });
    try {
      metrics.timersFired.inc({ scheduler: 'probe.scheduler', action: 'warn' });
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/fengqiao_deadline_timers_fired_total\{scheduler="probe.scheduler",action="warn"\} 1/);
      expect((await fetch(url.replace('/metrics', '/health'))).status).toBe(404);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('reads scrape-time gauges from the sources contexts register, and drops a stopped one', async () => {
    metrics.gaugeFrom('fengqiao_probe_gauge', 'probe', ['context'], 'a', async () => [{ labels: { context: 'a' }, value: 3 }]);
    metrics.gaugeFrom('fengqiao_probe_gauge', 'probe', ['context'], 'b', async () => {
      throw new Error('store closing');
    });
    expect(await metrics.text()).toMatch(/fengqiao_probe_gauge\{context="a"\} 3/);
    metrics.dropSource('fengqiao_probe_gauge', 'a');
    expect(await metrics.text()).not.toMatch(/fengqiao_probe_gauge\{context="a"\}/);
  });
});
