/**
 * The Inbox contract: the sqlite and mongodb inboxes run it against their real store. The factory
 * may be called several times in one test: every inbox it returns in a test must share one store
 * (they stand for several processes of one consumer group).
 */
import { eventually, uniqueName } from '@fengqiao/testing';
import type { InboxOptions } from '../inbox/claiming-inbox';
import { InboxBusyError, type Inbox } from '../inbox/inbox.port';

function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

export function inboxContract(name: string, factory: (options: InboxOptions) => Promise<Inbox> | Inbox): void {
  describe(`Inbox contract: ${name}`, () => {
    const group = () => uniqueName('analytics.case-board');
    const id = () => uniqueName('evt');

    it('runs the effect for the first delivery only: a redelivery changes nothing', async () => {
      const inbox = await factory({});
      const g = group();
      const m = id();
      let effects = 0;
      expect(await inbox.seen(g, m)).toBe(false);
      expect(await inbox.runOnce(g, m, async () => ++effects)).toEqual({ executed: true, result: 1 });
      expect(await inbox.runOnce(g, m, async () => ++effects)).toEqual({ executed: false });
      expect(await (await factory({})).runOnce(g, m, async () => ++effects)).toEqual({ executed: false });
      expect(effects).toBe(1);
      expect(await inbox.seen(g, m)).toBe(true);
    });

    it('keeps consumer groups apart', async () => {
      const inbox = await factory({});
      const m = id();
      let effects = 0;
      await inbox.runOnce(group(), m, async () => ++effects);
      await inbox.runOnce(group(), m, async () => ++effects);
      expect(effects).toBe(2);
    });

    it('records nothing when the effect fails, so the next delivery runs it', async () => {
      const inbox = await factory({});
      const g = group();
      const m = id();
      await expect(inbox.runOnce(g, m, async () => Promise.reject(new Error('数据库暂时不可用')))).rejects.toThrow('数据库暂时不可用');
      expect(await inbox.seen(g, m)).toBe(false);
      expect(await inbox.runOnce(g, m, async () => 'ok')).toEqual({ executed: true, result: 'ok' });
      expect(await inbox.seen(g, m)).toBe(true);
    });

    it('runs the effect once for concurrent deliveries of one id (the unique constraint decides)', async () => {
      // one inbox per delivery, each with a clock that counts its calls: a delivery reads the clock
      // again only after it found the id claimed by another one
      const clockReads = Array.from({ length: 8 }, () => 0);
      const inboxes = await Promise.all(clockReads.map((_, i) => factory({ pollMs: 5, now: () => (clockReads[i]++, Date.now()) })));
      const g = group();
      const m = id();
      const inEffect = gate();
      let effects = 0;
      const effect = async () => {
        effects++;
        await inEffect.wait;
        return 'done';
      };
      const deliveries = inboxes.map((inbox) => inbox.runOnce(g, m, effect));
      await eventually(() => (effects === 1 && clockReads.filter((n) => n >= 2).length >= 7 ? true : undefined), {
        what: 'seven deliveries waiting on the claim',
      });
      expect(effects).toBe(1);
      inEffect.open();
      const outcomes = await Promise.all(deliveries);
      expect(effects).toBe(1);
      expect(outcomes.filter((o) => o.executed)).toEqual([{ executed: true, result: 'done' }]);
      expect(outcomes.filter((o) => !o.executed)).toHaveLength(7);
    });

    it('lets a waiting delivery run the effect when the first one failed', async () => {
      const inbox = await factory({ pollMs: 5 });
      const g = group();
      const m = id();
      const failing = gate();
      let claimed = false;
      const first = inbox.runOnce(g, m, async () => {
        claimed = true;
        await failing.wait;
        throw new Error('first delivery failed');
      });
      await eventually(() => (claimed ? true : undefined), { what: 'the first claim' });
      let secondRan = 0;
      const second = inbox.runOnce(g, m, async () => (secondRan++, 'second ran'));
      expect(secondRan).toBe(0);
      failing.open();
      await expect(first).rejects.toThrow('first delivery failed');
      expect(await second).toEqual({ executed: true, result: 'second ran' });
    });

    it('takes over the claim of a delivery whose process died once its lease expired', async () => {
      const g = group();
      const m = id();
      const hanging = gate();
      const dead = await factory({ leaseMs: 60_000 });
      let claimed = false;
      const stuck = dead.runOnce(g, m, () => ((claimed = true), hanging.wait.then(() => 'late')));
      await eventually(() => (claimed ? true : undefined), { what: 'the first claim' });
      // another process, 2 minutes later: the dead one's lease (60 s) has expired
      const later = await factory({ now: () => Date.now() + 120_000, pollMs: 5 });
      let effects = 0;
      expect(await later.runOnce(g, m, async () => ++effects)).toEqual({ executed: true, result: 1 });
      expect(await later.seen(g, m)).toBe(true);
      hanging.open();
      await stuck; // the zombie finishes; its done-write finds the claim taken and changes nothing
      expect(await later.runOnce(g, m, async () => ++effects)).toEqual({ executed: false });
      expect(effects).toBe(1);
    });

    it('gives up waiting after maxWaitMs with a retriable InboxBusyError', async () => {
      const g = group();
      const m = id();
      const holding = gate();
      let claimed = false;
      const holder = (await factory({})).runOnce(g, m, () => ((claimed = true), holding.wait));
      await eventually(() => (claimed ? true : undefined), { what: 'the claim' });
      const impatient = await factory({ maxWaitMs: 100, pollMs: 10 });
      const error = await impatient.runOnce(g, m, async () => 'never').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InboxBusyError);
      holding.open();
      await holder;
    });

    it('prunes done records older than a date', async () => {
      const inbox = await factory({});
      const g = group();
      const old = id();
      await inbox.runOnce(g, old, async () => undefined);
      const cutoff = new Date(Date.now() + 1_000);
      expect(await inbox.prune(cutoff)).toBeGreaterThanOrEqual(1);
      expect(await inbox.seen(g, old)).toBe(false);
    });

    it('refuses an empty group or id', async () => {
      const inbox = await factory({});
      await expect(inbox.runOnce('', 'x', async () => 1)).rejects.toThrow(/group/);
      await expect(inbox.runOnce('g', '', async () => 1)).rejects.toThrow(/id/);
    });
  });
}
