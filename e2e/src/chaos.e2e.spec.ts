import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeIntegration, workspaceRoot } from '@fengqiao/testing';
import { renderReliability, runChaosCampaign } from './support/chaos';

/**
 * The fault campaign (issue 14): journeys in distributed mode while every service is SIGKILLed at
 * random points and Kafka and FerretDB restart once each; nothing may be lost or doubled.
 * CI runs the short version (CHAOS_KILLS, default 2 kills per service); `npm run chaos` runs the
 * full one (20 kills per service) and writes its figures into RELIABILITY.md.
 */
const full = process.env.CHAOS_FULL === '1';
const killsPerService = Number(process.env.CHAOS_KILLS ?? (full ? 20 : 2));
const cases = Number(process.env.CHAOS_CASES ?? (full ? 60 : 6));
const budgetMs = Number(process.env.CHAOS_BUDGET_S ?? (full ? 3600 : 420)) * 1000;

describeIntegration('fault campaign: services killed, Kafka and FerretDB restarted, nothing lost or doubled', ['kafka', 'mongo'], (env) => {
  it(
    `${killsPerService} SIGKILLs per service, ${cases}+ journeys`,
    async () => {
      const figures = await runChaosCampaign({
        kafkaBrokers: env().kafkaBrokers,
        mongoUrl: env().mongoUrl,
        killsPerService,
        cases,
        concurrency: Number(process.env.CHAOS_CONCURRENCY ?? 3),
        restartServers: process.env.CHAOS_RESTART_SERVERS !== '0',
        budgetMs,
        ...(process.env.CHAOS_OUT ? { outDir: process.env.CHAOS_OUT } : {}),
        log: (line) => process.stderr.write(`[chaos +${Math.round(process.uptime())}s] ${line}\n`),
      });
      process.stderr.write(`[chaos] services' logs and figures: ${figures.outDir}\n`);
      const section = renderReliability(figures, full ? `full: ${killsPerService} kills per service` : `short: ${killsPerService} kills per service`);
      process.stderr.write(`${section}\n`);
      if (process.env.CHAOS_REPORT) {
        const file = join(workspaceRoot, process.env.CHAOS_REPORT);
        const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
        const start = current.indexOf('<!-- chaos:start');
        const end = current.indexOf('<!-- chaos:end -->');
        writeFileSync(
          file,
          start >= 0 && end > start
            ? current.slice(0, start) + section + current.slice(end + '<!-- chaos:end -->'.length)
            : `${current.trimEnd()}\n\n${section}\n`,
        );
      }
      expect(figures.problems).toEqual([]);
      expect([figures.lost, figures.doubled, figures.disagreements, figures.deadLetters]).toEqual([0, 0, 0, 0]);
      expect(Object.values(figures.kills)).toEqual([killsPerService, killsPerService, killsPerService]);
      // restarted once each when the servers are deploy/local's (testcontainers' or remote ones are not restarted: the reason is reported)
      if (process.env.CHAOS_RESTART_SERVERS !== '0' && !figures.serverRestarts.skipped) expect(figures.serverRestarts).toEqual({ kafka: 1, ferretdb: 1 });
      expect(figures.cases).toBeGreaterThanOrEqual(cases);
    },
    budgetMs + 240_000,
  );
});
