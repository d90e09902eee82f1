import { InvalidReadDocumentError } from '../errors';
import { normaliseDocument } from './query-validation';

/** where normaliseDocument says the refused value sits */
function refusedAt(fields: Record<string, unknown>): string | undefined {
  try {
    normaliseDocument({ _id: 'd', ...fields });
    return undefined;
  } catch (e) {
    if (!(e instanceof InvalidReadDocumentError)) throw e;
    return (e.details as { at: string }).at;
  }
}

describe('normaliseDocument: a refusal names where the value sits', () => {
  it('names the field, the nested field and the array element', () => {
    expect(refusedAt({ s: 'a\0b' })).toBe('doc.s');
    expect(refusedAt({ a: { b: [1, { c: 'x\0' }] } })).toBe('doc.a.b[1].c');
    expect(refusedAt({ a: [1, undefined] })).toBe('doc.a[1]');
    expect(refusedAt({ a: [[1]] })).toBe('doc.a[0]');
    expect(refusedAt({ a: { n: Number.NaN } })).toBe('doc.a.n');
    expect(refusedAt({ a: { when: new Date(0) } })).toBe('doc.a.when');
  });

  it('names the object whose key is refused', () => {
    expect(refusedAt({ a: { 'x.y': 1 } })).toBe('doc.a');
    expect(refusedAt({ a: [{ $set: 1 }] })).toBe('doc.a[0]');
    expect(refusedAt({ $bad: 1 })).toBe('doc');
    expect(refusedAt({ a: JSON.parse('{"__proto__": {"isAdmin": true}}') as unknown })).toBe('doc.a');
  });

  it('copies what it accepts, -0 as 0 and without undefined fields', () => {
    const input = { a: { b: [1, { c: 'x' }], skip: undefined }, z: -0 };
    const { doc } = normaliseDocument({ _id: 'd', ...input });
    expect(doc).toEqual({ _id: 'd', a: { b: [1, { c: 'x' }] }, z: 0 });
    expect(Object.is(doc['z'], 0)).toBe(true);
    expect(doc['a']).not.toBe(input.a);
  });
});
