/**
 * The demo district's areas: 1 district, 3 towns (街镇), 10 villages (村居) and 40 grids (网格),
 * all axis-aligned rectangles around lon 120.2, lat 29.7 (fictional). Corners are kept as integer
 * thousandths of a degree and divided once, so shared edges are bit-identical and the grids of a
 * village tile it without gaps or overlaps.
 */
import type { Boundary, NewUnit, Position } from '@fengqiao/identity';

export const DEMO_DISTRICT_ID = 'd-fq';
export const DEMO_DISTRICT_NAME = '枫桥区';

/** [west, south, east, north] in thousandths of a degree (half-open: [w, e) × [s, n)). */
type MilliBox = readonly [number, number, number, number];

interface VillageSpec {
  /** 1-based index inside its town */
  n: number;
  name: string;
  /** grid layout: columns (west → east) × rows (south → north) */
  cols: number;
  rows: number;
}

interface TownSpec {
  n: number;
  name: string;
  box: MilliBox;
  villages: readonly VillageSpec[];
}

/** Towns side by side west → east; villages stacked south → north inside each town. */
const TOWNS: readonly TownSpec[] = [
  {
    n: 1,
    name: '枫溪街道',
    box: [120150, 29660, 120190, 29740],
    villages: [
      { n: 1, name: '枫源社区', cols: 2, rows: 2 },
      { n: 2, name: '栎桥社区', cols: 3, rows: 1 },
      { n: 3, name: '溪口社区', cols: 3, rows: 2 },
      { n: 4, name: '新风社区', cols: 2, rows: 2 },
    ],
  },
  {
    n: 2,
    name: '桥南镇',
    box: [120190, 29660, 120230, 29740],
    villages: [
      { n: 1, name: '桥南村', cols: 2, rows: 2 },
      { n: 2, name: '东湖村', cols: 5, rows: 1 },
      { n: 3, name: '陈家村', cols: 3, rows: 1 },
    ],
  },
  {
    n: 3,
    name: '青山镇',
    box: [120230, 29660, 120270, 29740],
    villages: [
      { n: 1, name: '青山村', cols: 2, rows: 2 },
      { n: 2, name: '赵家村', cols: 2, rows: 2 },
      { n: 3, name: '云岭村', cols: 3, rows: 1 },
    ],
  },
];

const CN_NUMERALS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

export const townId = (t: number): string => `t-${t}`;
export const villageId = (t: number, v: number): string => `v-${t}-${v}`;
export const gridId = (t: number, v: number, g: number): string => `g-${t}-${v}-${g}`;

function rectangle([w, s, e, n]: MilliBox): Boundary {
  const W = w / 1000;
  const S = s / 1000;
  const E = e / 1000;
  const N = n / 1000;
  return {
    type: 'Polygon',
    coordinates: [
      [
        [W, S],
        [E, S],
        [E, N],
        [W, N],
        [W, S],
      ],
    ],
  };
}

/** splits [from, to) into `parts` integer pieces; the i-th piece is [cut(i), cut(i+1)) */
const cut = (from: number, to: number, parts: number, i: number): number => from + Math.floor(((to - from) * i) / parts);

export interface DemoTown {
  id: string;
  name: string;
  villageIds: string[];
}
export interface DemoVillage {
  id: string;
  name: string;
  townId: string;
  gridIds: string[];
}
export interface DemoGrid {
  id: string;
  name: string;
  villageId: string;
  townId: string;
  boundary: Boundary;
}

export interface DemoGeography {
  /** district, towns, villages and grids (each with a boundary), parents first */
  areaUnits: NewUnit[];
  towns: DemoTown[];
  villages: DemoVillage[];
  grids: DemoGrid[];
}

function buildGeography(): DemoGeography {
  const areaUnits: NewUnit[] = [
    { id: DEMO_DISTRICT_ID, kind: 'district', name: DEMO_DISTRICT_NAME, parentId: null, boundary: rectangle([120150, 29660, 120270, 29740]) },
  ];
  const towns: DemoTown[] = [];
  const villages: DemoVillage[] = [];
  const grids: DemoGrid[] = [];
  for (const t of TOWNS) {
    const tId = townId(t.n);
    areaUnits.push({ id: tId, kind: 'town', name: t.name, parentId: DEMO_DISTRICT_ID, boundary: rectangle(t.box) });
    const town: DemoTown = { id: tId, name: t.name, villageIds: [] };
    towns.push(town);
    const [tw, ts, te, tn] = t.box;
    t.villages.forEach((v, vi) => {
      const vId = villageId(t.n, v.n);
      const vBox: MilliBox = [tw, cut(ts, tn, t.villages.length, vi), te, cut(ts, tn, t.villages.length, vi + 1)];
      areaUnits.push({ id: vId, kind: 'village', name: v.name, parentId: tId, boundary: rectangle(vBox) });
      town.villageIds.push(vId);
      const village: DemoVillage = { id: vId, name: v.name, townId: tId, gridIds: [] };
      villages.push(village);
      let k = 0;
      for (let r = 0; r < v.rows; r++) {
        for (let c = 0; c < v.cols; c++) {
          k++;
          const gBox: MilliBox = [
            cut(vBox[0], vBox[2], v.cols, c),
            cut(vBox[1], vBox[3], v.rows, r),
            cut(vBox[0], vBox[2], v.cols, c + 1),
            cut(vBox[1], vBox[3], v.rows, r + 1),
          ];
          const gId = gridId(t.n, v.n, k);
          const name = `${v.name}第${CN_NUMERALS[k]}网格`;
          const boundary = rectangle(gBox);
          areaUnits.push({ id: gId, kind: 'grid', name, parentId: vId, boundary });
          village.gridIds.push(gId);
          grids.push({ id: gId, name, villageId: vId, townId: tId, boundary });
        }
      }
    });
  }
  return { areaUnits, towns, villages, grids };
}

export const demoGeography: DemoGeography = buildGeography();

// ------------------------------------------------------------------ geometry helpers

function ringCrossings(ring: readonly Position[], [x, y]: Position): number {
  let crossings = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) crossings++;
  }
  return crossings;
}

/**
 * Crossing-number (even–odd) point-in-polygon test. Unlike `boundaryContains` (edges count as
 * inside), a point on an edge shared by two polygons falls in exactly one of them, so `gridAt` has
 * a single answer everywhere: for rectangles the test is half-open, [west, east) × [south, north).
 */
export function boundaryHas(boundary: Boundary, point: Position): boolean {
  const polygons = boundary.type === 'Polygon' ? [boundary.coordinates] : boundary.coordinates;
  return polygons.some((rings) => rings.reduce((n, ring) => n + ringCrossings(ring, point), 0) % 2 === 1);
}

/** [west, south, east, north] of a boundary */
export function bboxOf(boundary: Boundary): [number, number, number, number] {
  const rings = boundary.type === 'Polygon' ? boundary.coordinates : boundary.coordinates.flat();
  const points = rings.flat();
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}
