/**
 * GeoReport v2's base format, XML (http://wiki.open311.org/GeoReport_v2), built with xmlbuilder2
 * (escaping, declaration, well-formedness are the library's). Element names are the JSON field
 * names; a list is the spec's plural root with one element per item; `null` is an empty element.
 * Text is first cleared of what XML 1.0 cannot carry (control characters, lone surrogates), so a
 * stored description can never make a document unreadable.
 */
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import type { Open311Error } from './open311.exception-filter';
import type { Open311Discovery, Open311PostResponse } from './open311.handler';
import type { Open311Service, Open311ServiceDefinition, Open311ServiceRequest } from './open311.mapper';

export const XML_CONTENT_TYPE = 'text/xml; charset=utf-8';

// eslint-disable-next-line no-control-regex -- the characters XML 1.0 forbids are exactly what this removes
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value).replace(NOT_XML, ''));

type Flat = Record<string, string | number | boolean | null | undefined>;

function fields(parent: XMLBuilder, item: Flat): void {
  for (const [name, value] of Object.entries(item)) {
    const el = parent.ele(name);
    const t = text(value);
    if (t !== '') el.txt(t);
  }
}

function document(root: string, fill: (el: XMLBuilder) => void): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  fill(doc.ele(root));
  return doc.end({ prettyPrint: false });
}

/** `<services><service>…</service></services>` */
export function servicesXml(services: readonly Open311Service[]): string {
  return document('services', (root) => services.forEach((s) => fields(root.ele('service'), { ...s })));
}

/** `<service_definition><service_code/><attributes/></service_definition>` (no service has attributes) */
export function serviceDefinitionXml(definition: Open311ServiceDefinition): string {
  return document('service_definition', (root) => {
    root.ele('service_code').txt(text(definition.service_code));
    root.ele('attributes');
  });
}

/** `<service_requests><request>…</request></service_requests>` (GET requests, GET requests/{id}) */
export function serviceRequestsXml(requests: readonly Open311ServiceRequest[]): string {
  return document('service_requests', (root) => requests.forEach((r) => fields(root.ele('request'), { ...r })));
}

/** POST requests: `<service_requests><request><service_request_id/><service_notice/><account_id/></request></service_requests>` */
export function postResponseXml(responses: readonly Open311PostResponse[]): string {
  return document('service_requests', (root) =>
    responses.forEach((r) => fields(root.ele('request'), { service_request_id: r.service_request_id, service_notice: r.service_notice, account_id: null })),
  );
}

/** `<errors><error><code/><description/></error></errors>` */
export function errorsXml(errors: readonly Open311Error[]): string {
  return document('errors', (root) => errors.forEach((e) => fields(root.ele('error'), { code: e.code, description: e.description })));
}

/** `<discovery>…<endpoints><endpoint>…<formats><format/></formats></endpoint></endpoints></discovery>` */
export function discoveryXml(d: Open311Discovery): string {
  return document('discovery', (root) => {
    fields(root, { changeset: d.changeset, contact: d.contact, key_service: d.key_service });
    const endpoints = root.ele('endpoints');
    for (const e of d.endpoints) {
      const el = endpoints.ele('endpoint');
      fields(el, { specification: e.specification, url: e.url, changeset: e.changeset, type: e.type });
      const formats = el.ele('formats');
      for (const f of e.formats) formats.ele('format').txt(text(f));
    }
  });
}
