import { DEMO_REPORT_CHANNELS, DEMO_ROUTING_GAPS, DEMO_URGENCIES, demoCategories, demoDistrict, demoGeography, demoReports, gridAt, routeFor } from './index';

const gridById = new Map(demoGeography.grids.map((g) => [g.id, g]));
const isGap = (category: string, gridId: string) => DEMO_ROUTING_GAPS.some((g) => g.category === category && g.villageId === gridById.get(gridId)?.villageId);

describe('demo reports', () => {
  it('has about 30 reports with unique ids, known categories, urgencies and channels', () => {
    expect(demoReports.length).toBeGreaterThanOrEqual(25);
    expect(demoReports.length).toBeLessThanOrEqual(40);
    expect(new Set(demoReports.map((r) => r.id)).size).toBe(demoReports.length);
    for (const r of demoReports) {
      expect(demoCategories.map((c) => c.code)).toContain(r.category);
      expect(DEMO_URGENCIES).toContain(r.urgency);
      expect(DEMO_REPORT_CHANNELS).toContain(r.channel);
      expect(r.description).toMatch(/\p{Script=Han}/u);
      expect(r.hoursAgo).toBeGreaterThan(0);
    }
  });

  it('puts every report point inside its grid', () => {
    for (const r of demoReports) expect([r.id, gridAt(r.point.lng, r.point.lat)]).toEqual([r.id, r.gridId]);
  });

  it('files only reports that route, or that fall in a documented gap (and at least one does)', () => {
    const unroutable = demoReports.filter((r) => routeFor(r.category, r.gridId) === null);
    for (const r of unroutable) expect([r.id, isGap(r.category, r.gridId)]).toEqual([r.id, true]);
    expect(unroutable.length).toBeGreaterThan(0);
  });

  it('covers every channel, urgency and category group, and several towns', () => {
    for (const ch of DEMO_REPORT_CHANNELS) expect(demoReports.some((r) => r.channel === ch)).toBe(true);
    for (const u of DEMO_URGENCIES) expect(demoReports.some((r) => r.urgency === u)).toBe(true);
    const groups = new Set(demoReports.map((r) => demoCategories.find((c) => c.code === r.category)?.group));
    expect(groups.size).toBe(new Set(demoCategories.map((c) => c.group)).size);
    expect(new Set(demoReports.map((r) => gridById.get(r.gridId)?.townId)).size).toBe(demoGeography.towns.length);
  });

  it('uses only fictional contacts: polite surnames and 1380000xxxx phones; grid workers report as themselves', () => {
    const usernames = new Map(demoDistrict.directory.users.map((u) => [u.username, u]));
    for (const r of demoReports) {
      if (r.reporter && !r.reporter.anonymous) {
        expect(r.reporter.name).toMatch(/^\p{Script=Han}(先生|女士)$/u);
        expect(r.reporter.phone).toMatch(/^1380000\d{4}$/);
      }
      if (r.channel === 'grid_worker') {
        const worker = usernames.get(r.reportedByUsername ?? '');
        expect(worker?.roles).toEqual(['grid_worker']);
        expect(worker?.unitId).toBe(r.gridId);
        expect(r.reporter).toBeUndefined();
      } else expect(r.reportedByUsername).toBeUndefined();
    }
  });
});
