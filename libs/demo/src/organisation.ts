/**
 * Bodies attached at a level (DESIGN §1): functional departments at district and town level, and
 * people's mediation committees at every village plus town and district mediation centres.
 */
import type { NewUnit } from '@fengqiao/identity';
import { assertNever } from '@fengqiao/kernel';
import { DEMO_DISTRICT_ID, demoGeography, townId } from './geography';

/** What a functional department does; categories name the kind responsible for them. */
export const DEMO_DEPARTMENT_KINDS = ['urban_management', 'housing', 'police', 'market_regulation', 'ecology', 'fire', 'human_resources'] as const;
export type DemoDepartmentKind = (typeof DEMO_DEPARTMENT_KINDS)[number];

/** short code used in department ids, e.g. `dept-d-cg`, `dept-t1-cg` */
export const DEPARTMENT_CODE: Readonly<Record<DemoDepartmentKind, string>> = {
  urban_management: 'cg',
  housing: 'zj',
  police: 'ga',
  market_regulation: 'scjg',
  ecology: 'sthj',
  fire: 'xf',
  human_resources: 'rs',
};

export interface DemoDepartment {
  id: string;
  name: string;
  kind: DemoDepartmentKind;
  /** the district or town it is attached to */
  parentId: string;
}

export const districtDepartmentId = (kind: DemoDepartmentKind): string => `dept-d-${DEPARTMENT_CODE[kind]}`;
export const townDepartmentId = (t: number, kind: DemoDepartmentKind): string => `dept-t${t}-${DEPARTMENT_CODE[kind]}`;

const DISTRICT_DEPARTMENT_NAMES: Readonly<Record<DemoDepartmentKind, string>> = {
  urban_management: '枫桥区综合行政执法局',
  housing: '枫桥区住房和城乡建设局',
  police: '枫桥区公安分局',
  market_regulation: '枫桥区市场监督管理局',
  ecology: '枫桥区生态环境分局',
  fire: '枫桥区消防救援大队',
  human_resources: '枫桥区人力资源和社会保障局',
};

/** departments each town has (the rest are handled by the district department) */
const TOWN_DEPARTMENTS: Readonly<Record<number, readonly DemoDepartmentKind[]>> = {
  1: ['urban_management', 'police', 'market_regulation', 'fire'],
  2: ['urban_management', 'police', 'market_regulation', 'housing'],
  3: ['urban_management', 'police', 'market_regulation', 'housing'],
};

const townDepartmentName = (town: string, kind: DemoDepartmentKind): string => {
  const place = town.replace(/(街道|镇)$/, '');
  switch (kind) {
    case 'urban_management':
      return `${town}综合行政执法中队`;
    case 'police':
      return `${place}派出所`;
    case 'market_regulation':
      return `${place}市场监督管理所`;
    case 'housing':
      return `${town}村镇建设办公室`;
    case 'fire':
      return `${place}消防救援站`;
    case 'ecology':
      return `${town}生态环境工作站`;
    case 'human_resources':
      return `${town}劳动保障所`;
    default:
      return assertNever(kind);
  }
};

function buildDepartments(): DemoDepartment[] {
  const out: DemoDepartment[] = DEMO_DEPARTMENT_KINDS.map((kind) => ({
    id: districtDepartmentId(kind),
    name: DISTRICT_DEPARTMENT_NAMES[kind],
    kind,
    parentId: DEMO_DISTRICT_ID,
  }));
  demoGeography.towns.forEach((town, i) => {
    for (const kind of TOWN_DEPARTMENTS[i + 1] ?? []) {
      out.push({ id: townDepartmentId(i + 1, kind), name: townDepartmentName(town.name, kind), kind, parentId: townId(i + 1) });
    }
  });
  return out;
}

export const demoDepartments: readonly DemoDepartment[] = buildDepartments();

export interface DemoCommittee {
  id: string;
  name: string;
  /** the district, town or village it is attached to */
  parentId: string;
  level: 'district' | 'town' | 'village';
}

/** `mc-v-1-2` for village v-1-2, `mc-t-1` for town t-1, `mc-d-fq` for the district */
export const committeeIdOf = (unitId: string): string => `mc-${unitId}`;

function buildCommittees(): DemoCommittee[] {
  const out: DemoCommittee[] = [
    { id: committeeIdOf(DEMO_DISTRICT_ID), name: '枫桥区矛盾纠纷调处化解中心人民调解委员会', parentId: DEMO_DISTRICT_ID, level: 'district' },
  ];
  for (const town of demoGeography.towns) {
    out.push({ id: committeeIdOf(town.id), name: `${town.name}矛盾纠纷调解中心人民调解委员会`, parentId: town.id, level: 'town' });
  }
  for (const village of demoGeography.villages) {
    out.push({ id: committeeIdOf(village.id), name: `${village.name}人民调解委员会`, parentId: village.id, level: 'village' });
  }
  return out;
}

export const demoCommittees: readonly DemoCommittee[] = buildCommittees();

export const organisationUnits: readonly NewUnit[] = [
  ...demoDepartments.map((d): NewUnit => ({ id: d.id, kind: 'department', name: d.name, parentId: d.parentId })),
  ...demoCommittees.map((c): NewUnit => ({ id: c.id, kind: 'mediation_committee', name: c.name, parentId: c.parentId })),
];
