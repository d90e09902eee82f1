/**
 * Options of the intake module. Every one has a default, so `IntakeModule.register()` runs the
 * demo district in standalone mode; a deployment passes its reference data and reads its Open311
 * keys from the environment:
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | OPEN311_API_KEYS | `demo:fengqiao-open311-demo-key` (refused when NODE_ENV=production) | keys accepted by POST requests: `label:key` comma list (a bare `key` gets the label `key-<n>`); the label, never the key, is recorded as the actor |
 * | OPEN311_JURISDICTION_ID | `fengqiao.demo` | the one `jurisdiction_id` this endpoint serves |
 * | OPEN311_CONTACT | 区综治中心 12345 | discovery `contact` |
 * | OPEN311_BASE_URL | from the request | public URL of `/open311/v2` (discovery `url`) |
 * | OPEN311_ENDPOINT_TYPE | `test`, `production` when NODE_ENV=production | discovery endpoint `type` |
 */
import { Clock, systemClock } from '@fengqiao/kernel';
import { ConfigError, requireSecret } from '@fengqiao/platform';
import { demoReference } from './reference/demo-reference';
import { IntakeReference, ReferenceData, UnitLookup } from './reference/intake-reference';

export const DEMO_OPEN311_API_KEY = 'fengqiao-open311-demo-key';

export interface Open311ApiKey {
  /** recorded as the actor (`open311:<label>`) */
  label: string;
  key: string;
}

export interface Open311Options {
  apiKeys: readonly Open311ApiKey[];
  jurisdictionId: string;
  contact: string;
  keyService: string;
  endpointType: 'production' | 'test';
  /** public URL of the Open311 root, e.g. https://fengqiao.example/open311/v2; default from the request */
  baseUrl?: string;
}

export interface IntakeModuleOptions {
  /** reference data (categories, directory, addresses); default: the demo district */
  reference?: () => IntakeReference | Promise<IntakeReference>;
  clock?: Clock;
  /** Open311 settings; unset fields come from the environment (see the table above) */
  open311?: Partial<Open311Options>;
  /** how often the case view picks up events appended by another replica; default 500 ms */
  viewPollIntervalMs?: number;
  /** environment to read (default process.env) */
  env?: NodeJS.ProcessEnv;
}

/** The resolved options, injected as INTAKE_CONTEXT. */
export interface IntakeContext {
  reference: ReferenceData;
  clock: Clock;
  open311: Open311Options;
  viewPollIntervalMs: number;
}

export const INTAKE_CONTEXT = Symbol.for('fengqiao.intake.context');

function read(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

/** `label:key,label2:key2` or bare keys; refuses the demo key in production (requireSecret). */
export function parseApiKeys(raw: string, production: boolean): Open311ApiKey[] {
  const keys = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry, i): Open311ApiKey => {
      const colon = entry.indexOf(':');
      return colon > 0 ? { label: entry.slice(0, colon).trim(), key: entry.slice(colon + 1).trim() } : { label: `key-${i + 1}`, key: entry };
    });
  if (keys.length === 0 || keys.some((k) => k.key.length < 8 || !/^[A-Za-z0-9._-]{1,64}$/.test(k.label))) {
    throw new ConfigError('OPEN311_API_KEYS must list keys of at least 8 characters, as label:key separated by commas');
  }
  if (production && keys.some((k) => k.key === DEMO_OPEN311_API_KEY)) {
    throw new ConfigError('OPEN311_API_KEYS still holds the demo key; refusing to start in production');
  }
  return keys;
}

/**
 * The demo reference with the live directory's units: a unit or grid added or moved after the
 * demo was seeded is known at once; the demo's own grid boundaries still decide a point first.
 */
export function withLiveDirectory(base: IntakeReference, live: () => LiveUnits | undefined): IntakeReference {
  return {
    ...base,
    directory: (): UnitLookup => {
      const fallback = base.directory();
      const snapshot = live()?.current();
      if (!snapshot) return fallback;
      return {
        unit: (id) => snapshot.unit(id),
        pathOf: (id) => snapshot.pathOf(id),
        gridAt: (point) => fallback.gridAt(point) ?? snapshot.gridAt(point),
      };
    },
  };
}

/** What intake reads of the live directory (a `Directory` of @fengqiao/identity fits). */
export interface LiveUnits {
  current(): Pick<UnitLookup, 'unit' | 'pathOf'> & { gridAt(point: [number, number]): { id: string } | undefined };
}

export async function resolveIntakeOptions(options: IntakeModuleOptions, live?: () => LiveUnits | undefined): Promise<IntakeContext> {
  const env = options.env ?? process.env;
  const production = env.NODE_ENV === 'production';
  const configured = options.reference ? await options.reference() : undefined;
  const reference = new ReferenceData(configured ?? (live ? withLiveDirectory(demoReference(), live) : demoReference()));
  const o = options.open311 ?? {};
  const apiKeys = o.apiKeys ?? parseApiKeys(requireSecret('OPEN311_API_KEYS', `demo:${DEMO_OPEN311_API_KEY}`, env), production);
  const endpointType =
    o.endpointType ?? (read(env, 'OPEN311_ENDPOINT_TYPE') as Open311Options['endpointType'] | undefined) ?? (production ? 'production' : 'test');
  if (endpointType !== 'production' && endpointType !== 'test')
    throw new ConfigError(`OPEN311_ENDPOINT_TYPE must be production or test, got "${String(endpointType)}"`);
  const baseUrl = o.baseUrl ?? read(env, 'OPEN311_BASE_URL');
  return {
    reference,
    clock: options.clock ?? systemClock,
    open311: {
      apiKeys,
      jurisdictionId: o.jurisdictionId ?? read(env, 'OPEN311_JURISDICTION_ID') ?? 'fengqiao.demo',
      contact: o.contact ?? read(env, 'OPEN311_CONTACT') ?? '区综治中心（12345 热线）',
      keyService: o.keyService ?? '向区综治中心申请 Open311 api_key（提供单位名称、联系人和用途）',
      endpointType,
      ...(baseUrl ? { baseUrl: baseUrl.replace(/\/$/, '') } : {}),
    },
    viewPollIntervalMs: options.viewPollIntervalMs ?? 500,
  };
}
