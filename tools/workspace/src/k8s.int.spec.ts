import { execFileSync, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * deploy/k8s rendered with Kustomize (deploy/k8s/render.sh, the Kustomize library built with Go)
 * and every object validated against the Kubernetes schemas (kubernetes-models, generated from the
 * Kubernetes OpenAPI); then what a cluster operator relies on: probes, resources, disruption
 * budgets, secrets kept out of the base, one origin for console and APIs.
 */
const root = resolve(__dirname, '..', '..', '..');
const services = ['intake', 'grid-dispatch', 'mediation', 'petitions', 'analytics'];
const ci = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';
const goFound = spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}
interface Container {
  name: string;
  image: string;
  readinessProbe?: { httpGet?: { path: string } };
  livenessProbe?: { httpGet?: { path: string } };
  startupProbe?: { httpGet?: { path: string } };
  resources?: { requests?: Record<string, string> };
}
interface DeploymentSpec {
  replicas: number;
  selector: { matchLabels: Record<string, string> };
  template: { spec: { containers: Container[] } };
}

function renderText(dir: string): string {
  return execFileSync('bash', [join(root, 'deploy/k8s/render.sh'), join(root, dir)], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, timeout: 600_000 });
}

const parse = (yaml: string): K8sObject[] => parseAllDocuments(yaml).map((d) => d.toJSON() as K8sObject);

/** deploy/k8s/validate.mjs on these objects: one verdict per object. */
function validate(yaml: string): { status: number; verdicts: { kind: string; name: string; ok: boolean; error?: string }[] } {
  const r = spawnSync(process.execPath, [join(root, 'deploy/k8s/validate.mjs')], { cwd: root, input: yaml, encoding: 'utf8', timeout: 120_000 });
  const verdicts = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { kind: string; name: string; ok: boolean; error?: string });
  return { status: r.status ?? 1, verdicts };
}

const describeGo = goFound || ci ? describe : describe.skip;

describeGo(`deploy/k8s (Kustomize)${goFound ? '' : ' — skipped: Go is not installed to build the renderer'}`, () => {
  let baseYaml: string;
  let exampleYaml: string;
  let base: K8sObject[];
  let example: K8sObject[];
  beforeAll(() => {
    baseYaml = renderText('deploy/k8s/base');
    exampleYaml = renderText('deploy/k8s/overlays/example');
    base = parse(baseYaml);
    example = parse(exampleYaml);
  }, 600_000);

  it('renders objects that all validate against the Kubernetes schemas', () => {
    expect(base.length).toBeGreaterThan(15);
    for (const yaml of [baseYaml, exampleYaml]) {
      const { status, verdicts } = validate(yaml);
      expect(verdicts.filter((v) => !v.ok)).toEqual([]);
      expect(verdicts).toHaveLength(parse(yaml).length);
      expect(status).toBe(0);
    }
  });

  it('a validator that accepts everything would not pass: a broken Deployment is refused', () => {
    const deployment = base.find((o) => o.kind === 'Deployment')!;
    const broken = { ...deployment, spec: { ...deployment.spec, replicas: 'three' } };
    const { status, verdicts } = validate(JSON.stringify(broken));
    expect(status).toBe(1);
    expect(verdicts).toEqual([expect.objectContaining({ kind: 'Deployment', ok: false, error: expect.stringMatching(/replicas/) })]);
  });

  it('runs every service with readiness on /health/ready, start-up and liveness on /health/live, resource requests and a disruption budget', () => {
    for (const name of services) {
      const d = base.find((o) => o.kind === 'Deployment' && o.metadata.name === name);
      expect(d).toBeDefined();
      const spec = d!.spec as unknown as DeploymentSpec;
      const [c] = spec.template.spec.containers;
      expect(c.image).toBe(`fengqiao/${name}:0.1.0`);
      expect(c.readinessProbe?.httpGet?.path).toBe('/health/ready');
      expect(c.startupProbe?.httpGet?.path).toBe('/health/live');
      expect(c.livenessProbe?.httpGet?.path).toBe('/health/live');
      expect(c.resources?.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      expect(base.some((o) => o.kind === 'Service' && o.metadata.name === name)).toBe(true);
      if (spec.replicas > 1) {
        expect(base.some((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === name)).toBe(true);
      }
    }
    // the built-in issuer keeps its directory on a volume: one replica, replaced, never doubled
    const analytics = base.find((o) => o.kind === 'Deployment' && o.metadata.name === 'analytics')!;
    expect(analytics.spec).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
  });

  it('keeps secrets out of the base; the overlay makes them, in its namespace, with its images', () => {
    expect(base.filter((o) => o.kind === 'Secret')).toEqual([]);
    const secrets = example.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name);
    expect(secrets.some((n) => n.startsWith('fengqiao-secrets-'))).toBe(true);
    for (const o of example.filter((o) => o.kind !== 'Namespace')) expect(o.metadata.namespace).toBe('fengqiao-example');
    const images = example.filter((o) => o.kind === 'Deployment').map((o) => (o.spec as unknown as DeploymentSpec).template.spec.containers[0].image);
    for (const image of images) expect(image).toMatch(/^registry\.example\.org\/fengqiao\//);
  });

  it('routes every Ingress path to a Service that exists', () => {
    const ingress = base.find((o) => o.kind === 'Ingress')!;
    const rules = (ingress.spec as { rules: { http: { paths: { path: string; backend: { service: { name: string } } }[] } }[] }).rules;
    const paths = rules.flatMap((r) => r.http.paths);
    expect(paths.find((p) => p.path === '/')?.backend.service.name).toBe('console');
    for (const p of paths) expect(base.some((o) => o.kind === 'Service' && o.metadata.name === p.backend.service.name)).toBe(true);
  });
});
