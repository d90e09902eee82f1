// Validates rendered Kubernetes manifests (YAML on stdin, several documents) against the
// Kubernetes schemas with kubernetes-models (generated from the Kubernetes OpenAPI; ESM-only,
// hence a script of its own). Prints one JSON line per object, {kind, name, ok, error?};
// exits 1 if any object is invalid or of a kind it has no schema for.
//   bash deploy/k8s/render.sh | node deploy/k8s/validate.mjs
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

const text = readFileSync(0, 'utf8');
let failed = 0;
for (const doc of parseAllDocuments(text)) {
  const o = doc.toJSON();
  if (!o) continue;
  const result = { kind: o.kind, name: o.metadata?.name, ok: true };
  // Kustomize folds long base64 values over lines; the API server's decoder skips the line breaks
  // (Go's base64 ignores \r and \n), the schema's "byte" pattern does not: unfold them first
  if (o.kind === 'Secret' && o.data) {
    for (const [k, v] of Object.entries(o.data)) if (typeof v === 'string') o.data[k] = v.replace(/[\r\n]/g, '');
  }
  try {
    const mod = await import(`kubernetes-models/${o.apiVersion}/${o.kind}`);
    const Model = mod[o.kind];
    if (typeof Model !== 'function') throw new Error(`no schema for ${o.apiVersion} ${o.kind}`);
    new Model(o).validate();
  } catch (e) {
    failed++;
    result.ok = false;
    result.error = e instanceof Error ? e.message : String(e);
  }
  console.log(JSON.stringify(result));
}
process.exit(failed > 0 ? 1 : 0);
