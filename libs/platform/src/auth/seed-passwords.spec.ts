import { seedPasswords } from './identity.module';

/** An issuer whose setPassword ends when the test says so, recording what ran at once. */
function recordingIssuer(fail?: string) {
  const set: string[] = [];
  const pending: Array<() => void> = [];
  let running = 0;
  let most = 0;
  const issuer = {
    setPassword(userId: string, password: string): Promise<void> {
      running++;
      most = Math.max(most, running);
      return new Promise<void>((resolve, reject) => {
        pending.push(() => {
          running--;
          if (userId === fail) reject(new Error(`no password for ${userId}`));
          else {
            set.push(`${userId}:${password}`);
            resolve();
          }
        });
      });
    },
  };
  /** Ends every hash started so far, then lets the lanes start the next ones. */
  const endStarted = async (): Promise<number> => {
    const now = pending.splice(0);
    for (const end of now) end();
    await new Promise((r) => setImmediate(r));
    return now.length;
  };
  /** Ends the oldest hash under way only. */
  const endFirst = async (): Promise<void> => {
    pending.shift()?.();
    await new Promise((r) => setImmediate(r));
  };
  return { issuer, set, endStarted, endFirst, running: () => running, most: () => most };
}

const users = (n: number) => Array.from({ length: n }, (_, i) => ({ userId: `u${i}`, password: `p${i}` }));

describe('seedPasswords', () => {
  it('sets every password, at most `concurrency` at a time and that many from the start', async () => {
    const r = recordingIssuer();
    const done = seedPasswords(r.issuer, users(7), 3);
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.running()).toBe(3);
    let rounds = 0;
    while ((await r.endStarted()) > 0) rounds++;
    await done;
    expect(rounds).toBe(3); // 3 + 3 + 1
    expect(r.most()).toBe(3);
    expect(r.set.sort()).toEqual(
      users(7)
        .map((u) => `${u.userId}:${u.password}`)
        .sort(),
    );
  });

  it('runs one lane when there are fewer passwords than lanes, and nothing for none', async () => {
    const one = recordingIssuer();
    const done = seedPasswords(one.issuer, users(1), 4);
    while ((await one.endStarted()) > 0);
    await done;
    expect(one.most()).toBe(1);
    await expect(seedPasswords(recordingIssuer().issuer, [], 4)).resolves.toBeUndefined();
  });

  it('rejects with the first failure only after the hashes under way ended, and starts no more', async () => {
    const r = recordingIssuer('u0');
    const done = seedPasswords(r.issuer, users(6), 2);
    let settled = false;
    void done.catch(() => undefined).then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    await r.endFirst(); // u0 fails while u1 still hashes
    expect(settled).toBe(false);
    expect(r.running()).toBe(1);
    await r.endStarted(); // u1 is set; its lane sees the failure and starts no other
    expect(r.running()).toBe(0);
    await expect(done).rejects.toThrow('no password for u0');
    expect(r.set).toEqual(['u1:p1']);
  });
});
