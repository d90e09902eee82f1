/**
 * Sample reports a loader may file on first start so the console has something to show. All
 * people are fictional (张先生, phones 1380000xxxx). Each report's point lies inside `gridId`.
 */
import type { DemoUrgency } from './deadline-rules';
import { pointInGrid } from './locate';

/** copy of intake `REPORT_CHANNELS` */
export const DEMO_REPORT_CHANNELS = ['grid_worker', 'hotline', 'walk_in', 'online', 'video_alert'] as const;
export type DemoReportChannel = (typeof DEMO_REPORT_CHANNELS)[number];

export interface DemoReport {
  /** stable id, e.g. `demo-report-01` (an idempotency key for the loader) */
  id: string;
  category: string;
  urgency: DemoUrgency;
  channel: DemoReportChannel;
  /** Chinese description as the reporter gave it */
  description: string;
  /** the grid the point lies in */
  gridId: string;
  /** WGS84, same shape as intake's `GeoPoint` */
  point: { lat: number; lng: number };
  address?: string;
  /** for public channels: the (fictional) reporter; absent for grid workers and video alerts */
  reporter?: { anonymous: boolean; name?: string; phone?: string };
  /** for channel `grid_worker`: the username of the reporting grid worker */
  reportedByUsername?: string;
  /** how long before the loader's start the report came in, so that some cases are near-due or overdue */
  hoursAgo: number;
}

type Row = [
  gridId: string,
  fx: number,
  fy: number,
  category: string,
  urgency: DemoUrgency,
  channel: DemoReportChannel,
  description: string,
  hoursAgo: number,
  address?: string,
  reporter?: [name: string, phone: string] | 'anonymous',
];

const ROWS: readonly Row[] = [
  ['g-1-1-1', 0.3, 0.4, 'street_vending', 'normal', 'grid_worker', '老街牌坊下有三个流动水果摊占道经营，影响游客通行。', 2, '枫溪街道老街牌坊'],
  [
    'g-1-1-2',
    0.6,
    0.5,
    'fire_lane_blocked',
    'urgent',
    'hotline',
    '小区3号楼北侧消防通道被私家车堵住，已经两天了。',
    5,
    '枫源小区3号楼北侧',
    ['张先生', '13800000101'],
  ],
  ['g-1-1-4', 0.5, 0.7, 'ev_indoor_charging', 'urgent', 'online', '楼道里有人从家里拉电线给电动车充电，晚上一直在充。', 30, '枫源小区7幢2单元', 'anonymous'],
  ['g-1-2-1', 0.4, 0.5, 'garbage_overflow', 'normal', 'grid_worker', '菜市场东门垃圾桶满溢，垃圾散落路面，有异味。', 26, '栎桥菜市场东门'],
  [
    'g-1-2-3',
    0.7,
    0.3,
    'illegal_parking',
    'normal',
    'hotline',
    '学校门口人行道停满电瓶车，学生只能走机动车道。',
    50,
    '栎桥小学门口',
    ['李女士', '13800000102'],
  ],
  ['g-1-3-1', 0.5, 0.5, 'road_damage', 'urgent', 'video_alert', '视频巡查发现溪口路与滨河路交叉口路面塌陷，约一平方米。', 3, '溪口路与滨河路交叉口'],
  [
    'g-1-3-2',
    0.2,
    0.8,
    'streetlight_fault',
    'normal',
    'online',
    '滨河步道一段路灯连续一周不亮，晚上散步很危险。',
    120,
    '滨河步道溪口段',
    ['王先生', '13800000103'],
  ],
  ['g-1-3-4', 0.5, 0.5, 'food_safety', 'urgent', 'hotline', '巷子里一家无招牌小饭馆疑似无证经营，后厨卫生很差。', 8, '溪口社区后街', ['赵女士', '13800000104']],
  ['g-1-3-5', 0.3, 0.6, 'neighbour_dispute', 'normal', 'walk_in', '楼上装修漏水到我家天花板，协商多次未果。', 72, '溪口苑5幢', ['孙先生', '13800000105']],
  [
    'g-1-3-6',
    0.8,
    0.2,
    'consumer_complaint',
    'normal',
    'online',
    '健身房突然关门，预付卡余额两千多元无法退还。',
    96,
    '溪口广场二楼',
    ['周女士', '13800000106'],
  ],
  ['g-1-4-1', 0.5, 0.4, 'noise_nuisance', 'urgent', 'hotline', '工地夜间十一点后还在浇筑混凝土，噪音很大。', 1, '新风路在建工地', ['吴先生', '13800000107']],
  ['g-1-4-3', 0.4, 0.6, 'elderly_care', 'normal', 'grid_worker', '独居老人陈奶奶腿脚不便，家中电器损坏需要上门帮扶。', 20, '新风社区12幢'],
  ['g-2-1-1', 0.5, 0.5, 'illegal_construction', 'normal', 'grid_worker', '村口一户在自家院墙外搭建彩钢板棚，占用村道。', 40, '桥南村村口'],
  ['g-2-1-2', 0.3, 0.3, 'land_dispute', 'normal', 'walk_in', '两户因宅基地界址发生争执，双方都说围墙位置不对。', 150, '桥南村二组', ['郑先生', '13800000108']],
  ['g-2-1-4', 0.6, 0.6, 'water_pollution', 'urgent', 'online', '村前小河发黑发臭，怀疑上游有厂偷排污水。', 10, '桥南村前溪', 'anonymous'],
  ['g-2-2-1', 0.5, 0.5, 'open_burning', 'normal', 'video_alert', '视频监控发现田间有人焚烧秸秆，烟雾较大。', 4, '东湖村东片农田'],
  [
    'g-2-2-3',
    0.4,
    0.7,
    'wage_arrears',
    'very_urgent',
    'walk_in',
    '二十多名工人反映工地拖欠三个月工资，聚集在项目部门口。',
    1,
    '东湖村安置房项目部',
    ['冯先生', '13800000109'],
  ],
  ['g-2-2-5', 0.5, 0.5, 'public_security_risk', 'urgent', 'hotline', '村里一间出租屋经常有陌生人深夜聚集，疑似赌博。', 12, '东湖村五组', 'anonymous'],
  ['g-2-3-1', 0.5, 0.5, 'neighbour_dispute', 'normal', 'walk_in', '邻居在共用通道上堆放柴火，双方多次争吵。', 60, '陈家村一组', ['陈先生', '13800000110']],
  ['g-2-3-2', 0.6, 0.4, 'dilapidated_building', 'urgent', 'grid_worker', '村里一处老房外墙开裂明显，墙体有向外倾斜迹象，旁边是村道。', 6, '陈家村老祠堂旁'],
  ['g-2-3-3', 0.5, 0.5, 'garbage_overflow', 'normal', 'hotline', '村道边垃圾集中点三天没人清运。', 80, '陈家村三组路口', ['褚女士', '13800000111']],
  ['g-3-1-1', 0.5, 0.5, 'fire_lane_blocked', 'very_urgent', 'video_alert', '视频巡查发现养老院门前消防通道被货车完全堵住。', 1, '青山村敬老院门前'],
  ['g-3-1-2', 0.7, 0.7, 'food_safety', 'normal', 'online', '村小卖部在卖过期的牛奶和饼干。', 45, '青山村小卖部', ['卫女士', '13800000112']],
  ['g-3-1-4', 0.4, 0.3, 'road_damage', 'normal', 'grid_worker', '通村公路一处井盖缺失，已用树枝临时标记。', 18, '青山村通村公路3公里处'],
  ['g-3-2-1', 0.5, 0.5, 'illegal_construction', 'normal', 'hotline', '有村民在承包地上违规建房，已经打好地基。', 55, '赵家村四组', ['蒋先生', '13800000113']],
  ['g-3-2-3', 0.3, 0.5, 'neighbour_dispute', 'normal', 'grid_worker', '两户因屋檐滴水问题争吵，情绪激动。', 9, '赵家村二组'],
  ['g-3-2-4', 0.6, 0.8, 'ev_indoor_charging', 'normal', 'grid_worker', '出租房一楼有多辆电动车在室内充电。', 28, '赵家村出租房集中区'],
  ['g-3-3-1', 0.5, 0.5, 'elderly_care', 'urgent', 'hotline', '山上独居老人两天没露面，邻居打电话没人接。', 3, '云岭村上坞自然村', ['沈先生', '13800000114']],
  ['g-3-3-2', 0.4, 0.6, 'land_dispute', 'normal', 'walk_in', '两个村民小组对一片山林的边界有争议。', 200, '云岭村与青山村交界山林', ['韩先生', '13800000115']],
  ['g-3-3-3', 0.5, 0.2, 'water_pollution', 'normal', 'grid_worker', '山塘水面漂浮大量死鱼。', 14, '云岭村下山塘'],
];

function build(): DemoReport[] {
  return ROWS.map(([gridId, fx, fy, category, urgency, channel, description, hoursAgo, address, reporter], i): DemoReport => {
    const [lng, lat] = pointInGrid(gridId, fx, fy);
    return {
      id: `demo-report-${String(i + 1).padStart(2, '0')}`,
      category,
      urgency,
      channel,
      description,
      gridId,
      point: { lat, lng },
      ...(address !== undefined ? { address } : {}),
      ...(reporter === 'anonymous'
        ? { reporter: { anonymous: true } }
        : reporter
          ? { reporter: { anonymous: false, name: reporter[0], phone: reporter[1] } }
          : {}),
      ...(channel === 'grid_worker' ? { reportedByUsername: `gw.${gridId}` } : {}),
      hoursAgo,
    };
  });
}

export const demoReports: readonly DemoReport[] = build();
