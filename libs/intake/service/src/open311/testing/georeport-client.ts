import { DOMParser, Element as XmlElement } from '@xmldom/xmldom';

/**
 * A GeoReport v2 client written from the specification (http://wiki.open311.org/GeoReport_v2),
 * not from our code: it builds the spec's URLs (`{endpoint}/services.{format}`, …), sends POST
 * form-encoded, and reads XML with a DOM parser (@xmldom/xmldom) into the spec's records, or
 * JSON with JSON.parse. The tests run the same checks through both formats.
 */
export type GeoReportFormat = 'xml' | 'json';
export type Fields = Record<string, string | null>;

export interface GeoReportResponse<T> {
  status: number;
  contentType: string;
  headers: Headers;
  body: T;
  raw: string;
}

export interface GeoReportError {
  code: string;
  description: string;
}

/** The child elements of an element, as text fields (an empty element is null). */
function recordOf(el: XmlElement): Fields {
  const out: Fields = {};
  for (let n = el.firstChild; n !== null; n = n.nextSibling) {
    if (n.nodeType !== 1) continue;
    const child = n as XmlElement;
    const hasElements = Array.from({ length: child.childNodes.length }, (_, i) => child.childNodes.item(i)).some((c) => c?.nodeType === 1);
    out[child.tagName] = hasElements ? (child.textContent ?? '') : child.textContent === '' || child.textContent === null ? null : child.textContent;
  }
  return out;
}

function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (let n = el.firstChild; n !== null; n = n.nextSibling) if (n.nodeType === 1 && (n as XmlElement).tagName === name) out.push(n as XmlElement);
  return out;
}

/** Parses a GeoReport XML document; throws on anything not well-formed. */
export function parseXml(xml: string): XmlElement {
  const errors: string[] = [];
  const doc = new DOMParser({ onError: (level, message) => void (level !== 'warning' && errors.push(message)) }).parseFromString(xml, 'text/xml');
  if (errors.length > 0 || !doc.documentElement) throw new Error(`not well-formed XML: ${errors.join('; ')}\n${xml}`);
  return doc.documentElement as unknown as XmlElement;
}

/** `<root><item>…</item>…</root>` → records; checks the root's and items' names. */
export function xmlList(xml: string, root: string, item: string): Fields[] {
  const el = parseXml(xml);
  if (el.tagName !== root) throw new Error(`expected <${root}>, got <${el.tagName}>`);
  return childrenNamed(el, item).map(recordOf);
}

/** JSON values as the XML text would carry them (numbers and booleans as text, null as null). */
function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
const jsonRecords = (value: unknown): Fields[] =>
  (Array.isArray(value) ? value : []).map((r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, asText(v)])));

export class GeoReportClient {
  constructor(
    private readonly endpoint: string,
    readonly format: GeoReportFormat,
    private readonly apiKey?: string,
  ) {}

  private url(path: string, query: Record<string, string> = {}): string {
    const qs = new URLSearchParams(query).toString();
    return `${this.endpoint}/${path}.${this.format}${qs ? `?${qs}` : ''}`;
  }

  private async send(method: string, url: string, form?: Record<string, string>): Promise<GeoReportResponse<string>> {
    const res = await fetch(url, {
      method,
      ...(form ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() } : {}),
    });
    const raw = await res.text();
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', headers: res.headers, body: raw, raw };
  }

  private records(res: GeoReportResponse<string>, root: string, item: string): GeoReportResponse<Fields[]> {
    if (res.status >= 400) return { ...res, body: [] };
    return { ...res, body: this.format === 'xml' ? xmlList(res.raw, root, item) : jsonRecords(JSON.parse(res.raw)) };
  }

  /** The error list of a failed call, in the format asked for. */
  errors(res: GeoReportResponse<unknown>): GeoReportError[] {
    const list = this.format === 'xml' ? xmlList(res.raw, 'errors', 'error') : jsonRecords(JSON.parse(res.raw));
    return list.map((e) => ({ code: e['code'] ?? '', description: e['description'] ?? '' }));
  }

  async discovery(): Promise<GeoReportResponse<{ fields: Fields; formats: string[] }>> {
    const res = await this.send('GET', this.url('discovery'));
    if (this.format === 'json') {
      const d = JSON.parse(res.raw) as { changeset: string; contact: string; key_service: string; endpoints: { formats: string[] }[] };
      return {
        ...res,
        body: { fields: { changeset: d.changeset, contact: d.contact, key_service: d.key_service }, formats: d.endpoints.flatMap((e) => e.formats) },
      };
    }
    const root = parseXml(res.raw);
    const formats = childrenNamed(root, 'endpoints')
      .flatMap((e) => childrenNamed(e, 'endpoint'))
      .flatMap((e) => childrenNamed(e, 'formats'))
      .flatMap((f) => childrenNamed(f, 'format'))
      .map((f) => f.textContent ?? '');
    return { ...res, body: { fields: recordOf(root), formats } };
  }

  async services(): Promise<GeoReportResponse<Fields[]>> {
    return this.records(await this.send('GET', this.url('services')), 'services', 'service');
  }

  async serviceDefinition(code: string): Promise<GeoReportResponse<{ service_code: string | null; attributes: number }>> {
    const res = await this.send('GET', this.url(`services/${encodeURIComponent(code)}`));
    if (res.status >= 400) return { ...res, body: { service_code: null, attributes: 0 } };
    if (this.format === 'json') {
      const d = JSON.parse(res.raw) as { service_code: string; attributes: unknown[] };
      return { ...res, body: { service_code: d.service_code, attributes: d.attributes.length } };
    }
    const root = parseXml(res.raw);
    if (root.tagName !== 'service_definition') throw new Error(`expected <service_definition>, got <${root.tagName}>`);
    const attributes = childrenNamed(root, 'attributes').flatMap((a) => childrenNamed(a, 'attribute')).length;
    return { ...res, body: { service_code: recordOf(root)['service_code'] ?? null, attributes } };
  }

  async postRequest(fields: Record<string, string>): Promise<GeoReportResponse<Fields[]>> {
    const form = this.apiKey !== undefined ? { api_key: this.apiKey, ...fields } : fields;
    return this.records(await this.send('POST', this.url('requests'), form), 'service_requests', 'request');
  }

  async requests(query: Record<string, string> = {}): Promise<GeoReportResponse<Fields[]>> {
    return this.records(await this.send('GET', this.url('requests', query)), 'service_requests', 'request');
  }

  async request(id: string): Promise<GeoReportResponse<Fields[]>> {
    return this.records(await this.send('GET', this.url(`requests/${encodeURIComponent(id)}`)), 'service_requests', 'request');
  }

  /** A browser's CORS preflight for a POST from `origin`. */
  async preflight(path: string, origin: string): Promise<Response> {
    return fetch(this.url(path), {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
  }
}
