import type { StoredEvent } from '@fengqiao/event-store';
import { matterKeysOf } from './context-audit';

const event = (streamId: string, data: Record<string, unknown>, correlationId = 'corr-1') => ({ streamId, correlationId, data }) as unknown as StoredEvent;

describe('matterKeysOf: the keys a matter query finds a stream by (the audit follower indexes them)', () => {
  it('names the stream by its id and every part after a dash, links by the linking fields, correlates by the correlation id', () => {
    expect(matterKeysOf(event('grid-case-01HX', { caseId: 'intake-9', title: 'x', petitionId: 'p-7', other: 'no' })).sort()).toEqual(
      ['n:grid-case-01HX', 'n:case-01HX', 'n:01HX', 'c:corr-1', 'l:intake-9', 'l:p-7'].sort(),
    );
  });

  it('a query by id matches exactly what "the id or ending in -id" matched: not a stream that merely ends in the id', () => {
    const keys = matterKeysOf(event('grid-case-x01HX', {}));
    expect(keys).not.toContain('n:01HX');
    expect(keys).toContain('n:x01HX');
    expect(matterKeysOf(event('nodash', {}))).toEqual(['n:nodash', 'c:corr-1']);
  });
});
