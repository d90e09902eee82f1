/**
 * Grid case categories (事件类别) of the demo district, with the kind of unit responsible for them.
 * Codes double as Open311 `service_code`s.
 */
import type { DemoDepartmentKind } from './organisation';

export const DEMO_CATEGORY_GROUPS = ['城市管理', '安全隐患', '矛盾纠纷', '环境保护', '民生服务'] as const;
export type DemoCategoryGroup = (typeof DEMO_CATEGORY_GROUPS)[number];

/**
 * Who handles a category: a functional department of that kind, the people's mediation committee
 * (`mediation`), or the village's own governance centre (`village_centre`, 村居 self-service).
 */
export type DemoResponsibleKind = DemoDepartmentKind | 'mediation' | 'village_centre';

export interface DemoCategory {
  /** English snake_case, stable; the grid case's `category` */
  code: string;
  /** Chinese display name */
  name: string;
  group: DemoCategoryGroup;
  description: string;
  /** Open311 GeoReport v2 service_code (same as `code`) */
  open311ServiceCode: string;
  /** words a report text may contain (intake suggestions, search) */
  keywords: string[];
  /** the kind of unit routing sends it to */
  responsibleKind: DemoResponsibleKind;
}

type Row = Omit<DemoCategory, 'open311ServiceCode'>;

const ROWS: readonly Row[] = [
  // 城市管理
  {
    code: 'illegal_parking',
    name: '占道停车',
    group: '城市管理',
    description: '机动车、非机动车占用人行道、盲道或公共通道停放。',
    keywords: ['乱停车', '占道', '人行道', '盲道'],
    responsibleKind: 'urban_management',
  },
  {
    code: 'street_vending',
    name: '占道经营',
    group: '城市管理',
    description: '流动摊贩或店铺出店经营、占用道路和公共场地。',
    keywords: ['摊贩', '出店经营', '占道', '夜市'],
    responsibleKind: 'urban_management',
  },
  {
    code: 'illegal_construction',
    name: '违章搭建',
    group: '城市管理',
    description: '未经批准的建筑物、构筑物及私搭乱建。',
    keywords: ['违建', '搭建', '加盖', '私搭乱建'],
    responsibleKind: 'urban_management',
  },
  {
    code: 'garbage_overflow',
    name: '垃圾堆放',
    group: '城市管理',
    description: '垃圾桶满溢、垃圾未及时清运或乱堆乱倒。',
    keywords: ['垃圾', '满溢', '清运', '乱倒'],
    responsibleKind: 'urban_management',
  },
  {
    code: 'road_damage',
    name: '道路破损',
    group: '城市管理',
    description: '路面坑洼、塌陷，井盖缺失或破损。',
    keywords: ['坑洼', '塌陷', '井盖', '路面'],
    responsibleKind: 'housing',
  },
  {
    code: 'streetlight_fault',
    name: '路灯故障',
    group: '城市管理',
    description: '路灯不亮、常亮或灯杆倾斜损坏。',
    keywords: ['路灯', '不亮', '灯杆'],
    responsibleKind: 'urban_management',
  },
  // 安全隐患
  {
    code: 'fire_lane_blocked',
    name: '消防通道堵塞',
    group: '安全隐患',
    description: '消防车通道、楼道安全出口被车辆或杂物占用堵塞。',
    keywords: ['消防通道', '安全出口', '堵塞', '杂物'],
    responsibleKind: 'fire',
  },
  {
    code: 'ev_indoor_charging',
    name: '电动车违规充电',
    group: '安全隐患',
    description: '电动自行车进楼入户、楼道内充电或私拉电线充电。',
    keywords: ['电动车', '充电', '飞线', '楼道'],
    responsibleKind: 'fire',
  },
  {
    code: 'dilapidated_building',
    name: '房屋安全隐患',
    group: '安全隐患',
    description: '房屋墙体开裂、倾斜、外立面脱落等危房隐患。',
    keywords: ['危房', '开裂', '倾斜', '脱落'],
    responsibleKind: 'housing',
  },
  {
    code: 'public_security_risk',
    name: '治安隐患',
    group: '安全隐患',
    description: '可疑人员聚集、赌博、盗窃多发等治安隐患线索。',
    keywords: ['治安', '赌博', '盗窃', '可疑'],
    responsibleKind: 'police',
  },
  {
    code: 'food_safety',
    name: '食品安全',
    group: '安全隐患',
    description: '无证经营餐饮、销售过期变质食品等食品安全问题。',
    keywords: ['食品', '过期', '无证', '餐饮'],
    responsibleKind: 'market_regulation',
  },
  // 矛盾纠纷
  {
    code: 'neighbour_dispute',
    name: '邻里纠纷',
    group: '矛盾纠纷',
    description: '相邻关系、噪音、漏水、通行等邻里之间的矛盾纠纷。',
    keywords: ['邻居', '漏水', '吵架', '相邻'],
    responsibleKind: 'mediation',
  },
  {
    code: 'land_dispute',
    name: '土地山林纠纷',
    group: '矛盾纠纷',
    description: '宅基地、承包地、山林权属和界址纠纷。',
    keywords: ['宅基地', '承包地', '山林', '界址'],
    responsibleKind: 'mediation',
  },
  {
    code: 'wage_arrears',
    name: '拖欠劳动报酬',
    group: '矛盾纠纷',
    description: '拖欠农民工工资等劳动报酬纠纷线索。',
    keywords: ['欠薪', '工资', '农民工', '讨薪'],
    responsibleKind: 'human_resources',
  },
  // 环境保护
  {
    code: 'water_pollution',
    name: '水体污染',
    group: '环境保护',
    description: '河道、池塘污水直排、水体发黑发臭或漂浮物。',
    keywords: ['河道', '污水', '发臭', '直排'],
    responsibleKind: 'ecology',
  },
  {
    code: 'open_burning',
    name: '露天焚烧',
    group: '环境保护',
    description: '露天焚烧秸秆、垃圾、废旧物品。',
    keywords: ['焚烧', '秸秆', '烟雾'],
    responsibleKind: 'ecology',
  },
  {
    code: 'noise_nuisance',
    name: '噪声扰民',
    group: '环境保护',
    description: '工业、建筑施工噪声超时超标扰民。',
    keywords: ['噪声', '施工', '夜间', '扰民'],
    responsibleKind: 'ecology',
  },
  // 民生服务
  {
    code: 'elderly_care',
    name: '困难群众帮扶',
    group: '民生服务',
    description: '独居老人、残疾人、困难家庭等需要上门帮扶的诉求。',
    keywords: ['独居老人', '帮扶', '残疾', '困难'],
    responsibleKind: 'village_centre',
  },
  {
    code: 'consumer_complaint',
    name: '消费纠纷',
    group: '民生服务',
    description: '商品质量、价格欺诈、预付卡等消费投诉。',
    keywords: ['消费', '退款', '预付卡', '价格'],
    responsibleKind: 'market_regulation',
  },
];

export const demoCategories: readonly DemoCategory[] = ROWS.map((r) => ({ ...r, open311ServiceCode: r.code }));

export const DEMO_CATEGORY_CODES: readonly string[] = demoCategories.map((c) => c.code);
