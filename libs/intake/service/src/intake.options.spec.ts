import { ConfigError } from '@fengqiao/platform';
import { DEMO_OPEN311_API_KEY, parseApiKeys, resolveIntakeOptions } from './intake.options';

describe('intake options', () => {
  it('reads Open311 keys as label:key pairs or bare keys', () => {
    expect(parseApiKeys('city-app:abcdefgh123,0123456789', false)).toEqual([
      { label: 'city-app', key: 'abcdefgh123' },
      { label: 'key-2', key: '0123456789' },
    ]);
    expect(() => parseApiKeys('short', false)).toThrow(ConfigError);
    expect(() => parseApiKeys('bad label:abcdefgh123', false)).toThrow(ConfigError);
  });

  it('standalone defaults: the demo district, the demo key, a test endpoint', async () => {
    const ctx = await resolveIntakeOptions({ env: {} });
    expect(ctx.open311.apiKeys).toEqual([{ label: 'demo', key: DEMO_OPEN311_API_KEY }]);
    expect(ctx.open311.endpointType).toBe('test');
    expect(ctx.reference.category('fire_lane_blocked')?.name).toBe('消防通道堵塞');
  });

  it('refuses the demo key, or no key, in production', async () => {
    await expect(resolveIntakeOptions({ env: { NODE_ENV: 'production' } })).rejects.toThrow(/OPEN311_API_KEYS/);
    await expect(resolveIntakeOptions({ env: { NODE_ENV: 'production', OPEN311_API_KEYS: `app:${DEMO_OPEN311_API_KEY}` } })).rejects.toThrow(/demo key/);
    const ctx = await resolveIntakeOptions({ env: { NODE_ENV: 'production', OPEN311_API_KEYS: 'app:a-real-secret-key' } });
    expect(ctx.open311).toMatchObject({ apiKeys: [{ label: 'app', key: 'a-real-secret-key' }], endpointType: 'production' });
  });
});
