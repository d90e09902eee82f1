import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ContractViolation, findUnsafeText, isSafeText, jsonDepthExceeds, TEXT_LIMITS, unsafeTextOf, validateIntegrationEvent } from '../index';

describe('safe text', () => {
  it('refuses NUL and the other C0 and C1 controls, allows TAB, LF and CR in free text only', () => {
    expect(unsafeTextOf('a\u0000b', 'note')).toEqual({ path: 'note', reason: 'control_character', codePoint: 'U+0000' });
    for (const c of ['\u0001', '\u0008', '\u000B', '\u000C', '\u001B', '\u007F', '\u0085', '\u009F']) expect(isSafeText(`x${c}y`)).toBe(false);
    expect(isSafeText('第一行\n第二行\r\n\t缩进')).toBe(true);
    expect(unsafeTextOf('a\nb', 'id', { lineBreaks: false })).toMatchObject({ reason: 'control_character', codePoint: 'U+000A' });
    expect(isSafeText('消防通道 🚒 ǅ ¡ ÿ')).toBe(true);
  });

  it('refuses unpaired surrogates on either side, accepts pairs', () => {
    expect(unsafeTextOf('a\uD800', 'email')).toEqual({ path: 'email', reason: 'lone_surrogate', codePoint: 'U+D800' });
    expect(unsafeTextOf('\uDC00a')).toMatchObject({ reason: 'lone_surrogate', codePoint: 'U+DC00' });
    expect(isSafeText('\uD83D\uDE92')).toBe(true);
  });

  it('refuses over-long strings', () => {
    expect(unsafeTextOf('x'.repeat(TEXT_LIMITS.maxStringLength + 1))).toMatchObject({ reason: 'too_long', limit: TEXT_LIMITS.maxStringLength });
    expect(isSafeText('x'.repeat(11), { maxLength: 10 })).toBe(false);
  });

  it('names the path of the first unsafe string or key in a value', () => {
    expect(findUnsafeText({ reporter: { name: 'ok', phone: 'a\u0000' } })).toMatchObject({ path: 'reporter.phone', reason: 'control_character' });
    expect(findUnsafeText({ attachments: [{ ref: 'ok' }, { ref: '\uDFFF' }] })).toMatchObject({ path: 'attachments.1.ref', reason: 'lone_surrogate' });
    expect(findUnsafeText({ ['k\u0000']: 1 })).toMatchObject({ path: 'k\u0000', reason: 'control_character' });
    expect(findUnsafeText({ a: null, b: 1, c: true, d: ['x'] })).toBeUndefined();
  });

  it('reports a value nested thousands deep as too deep, without recursion', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findUnsafeText(deep)).toMatchObject({ reason: 'too_deep', limit: TEXT_LIMITS.maxDepth });
    expect(findUnsafeText({ a: { b: { c: 1 } } }, { maxDepth: 3 })).toBeUndefined();
    expect(findUnsafeText({ a: { b: { c: {} } } }, { maxDepth: 3 })).toMatchObject({ path: 'a.b.c', reason: 'too_deep' });
  });

  it('measures the depth of a JSON text from its bytes, ignoring brackets in strings', () => {
    expect(jsonDepthExceeds('['.repeat(5000) + ']'.repeat(5000), 32)).toBe(true);
    expect(jsonDepthExceeds(Buffer.from('{"a":{"b":[1]}}'), 3)).toBe(false);
    expect(jsonDepthExceeds('{"a":{"b":[1]}}', 2)).toBe(true);
    expect(jsonDepthExceeds('{"a":"[[[[[[\\"[[[[["}', 1)).toBe(false);
  });

  it('agrees with JSON.parse + findUnsafeText on the depth of any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 1, max: 8 }), (value, limit) => {
        const byWalk = findUnsafeText(value, { maxDepth: limit, maxLength: Infinity, maxKeyLength: Infinity })?.reason === 'too_deep';
        expect(jsonDepthExceeds(JSON.stringify(value), limit)).toBe(byWalk);
      }),
      { numRuns: 500 },
    );
  });
});

describe('integration events carry safe text only', () => {
  const dir = join(__dirname, '..', '__fixtures__');
  const filed = JSON.parse(
    readFileSync(
      join(
        dir,
        readdirSync(dir).find((f) => f === 'intake.case.filed.v1.json')!,
      ),
      'utf8',
    ),
  );
  const issues = (event: unknown): string[] => {
    try {
      validateIntegrationEvent(event);
      return [];
    } catch (e) {
      if (e instanceof ContractViolation) return e.issues.map((i) => `${i.path} ${i.reason}`);
      throw e;
    }
  };

  it('refuses NUL and unpaired surrogates in data fields and in the envelope', () => {
    expect(issues({ ...filed, data: { ...filed.data, category: 'fire\u0000lane' } })).toEqual(['category must not contain the control character U+0000']);
    expect(issues({ ...filed, data: { ...filed.data, caseId: 'c\uD800' } })).toEqual(['caseId must not contain the unpaired surrogate U+D800']);
    expect(issues({ ...filed, subject: 'a\nb' })).toEqual(['subject must not contain the control character U+000A']);
    expect(issues({ ...filed, correlationId: 'x\u0085' })).toEqual(['correlationId must not contain the control character U+0085']);
  });

  it('keeps accepting line breaks in free text', () => {
    expect(issues({ ...filed, data: { ...filed.data, category: 'a\nb' } })).toEqual([]);
  });
});
