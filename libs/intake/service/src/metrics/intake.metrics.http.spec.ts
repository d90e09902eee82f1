import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { IntakeTestApp, pointIn, startIntakeTestApp } from '../testing/intake-test-app';

interface Sample {
  labels?: Record<string, string>;
  value?: string;
  count?: string;
}
interface Family {
  name: string;
  type: string;
  metrics: Sample[];
}

/** `/metrics` of a running service: no login, exposition format, counters that move with the work. */
describe('metrics (GET /metrics)', () => {
  let t: IntakeTestApp;
  beforeAll(async () => {
    t = await startIntakeTestApp();
  }, 60_000);
  afterAll(() => t?.close());

  async function scrape(): Promise<Family[]> {
    const res = await fetch(`${t.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheusTextFormat(await res.text()) as Family[];
  }
  const value = (families: Family[], name: string, labels: Record<string, string>): number => {
    const family = families.find((f) => f.name === name);
    const sample = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
    return Number(sample?.value ?? sample?.count ?? 0);
  };

  it('counts requests by route template and status, with latency, readable by a Prometheus parser', async () => {
    const before = await scrape();
    const route = { method: 'POST', route: '/intake/cases/:id/accept', status: '200' };
    const { caseId } = await t.report('districtOperator', {
      channel: 'hotline',
      category: 'garbage_overflow',
      description: '垃圾桶满溢',
      location: { point: pointIn('g-1-1-1') },
    });
    expect((await t.call('POST', `/intake/cases/${caseId}/accept`, { as: 'village11Operator', body: {} })).status).toBe(200);
    expect((await t.call('POST', `/intake/cases/${caseId}/accept`, { as: 'village11Operator', body: {} })).status).toBe(409);
    const after = await scrape();

    expect(value(after, 'fengqiao_http_requests_total', route) - value(before, 'fengqiao_http_requests_total', route)).toBe(1);
    const refused = { ...route, status: '409' };
    expect(value(after, 'fengqiao_http_requests_total', refused) - value(before, 'fengqiao_http_requests_total', refused)).toBe(1);
    expect(after.find((f) => f.name === 'fengqiao_http_request_duration_seconds')?.type).toBe('HISTOGRAM');
    // ids never become labels
    const labels = after.flatMap((f) => f.metrics.map((m) => JSON.stringify(m.labels ?? {})));
    expect(labels.some((l) => l.includes(caseId))).toBe(false);
    // the relay has published what was stored
    expect(after.find((f) => f.name === 'fengqiao_relay_lag_events')).toBeDefined();
    expect(after.find((f) => f.name === 'fengqiao_process_resident_memory_bytes')).toBeDefined();
  });
});
