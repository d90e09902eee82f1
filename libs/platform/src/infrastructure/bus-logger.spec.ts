/** The relay's and the bus's structured logs, through a context's logger: an error says what it was. */
import { busLogger } from './context-runtime';

describe('busLogger', () => {
  it('writes an Error with its name, message, code and cause instead of {}', () => {
    const lines: string[] = [];
    const logger = busLogger({
      error: (m: string) => void lines.push(m),
      warn: () => undefined,
      log: () => undefined,
      debug: () => undefined,
    });
    const cause = Object.assign(new Error('database is closed'), { code: 'ERR_INVALID_STATE' });
    logger.error({ relay: 'mediation.relay', position: 500, err: new Error('publish failed', { cause }) }, 'relay pass failed: retrying');
    expect(lines).toHaveLength(1);
    const [text, fields] = [lines[0].slice(0, lines[0].indexOf(' {')), JSON.parse(lines[0].slice(lines[0].indexOf(' {') + 1))];
    expect(text).toBe('relay pass failed: retrying');
    expect(fields).toEqual({
      relay: 'mediation.relay',
      position: 500,
      err: { name: 'Error', message: 'publish failed', cause: { name: 'Error', message: 'database is closed', code: 'ERR_INVALID_STATE' } },
    });
  });
});
