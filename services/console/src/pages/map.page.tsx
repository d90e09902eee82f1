import { Card, Descriptions, Drawer, Empty, Space, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { get } from '../api/client';
import type { IntakeCase, ListAnswer, Unit } from '../api/types';
import { formatTime, STATUS_COLOR, statusLabel } from '../format';
import { loadUnits } from '../shared/reference';
import { EChart, echarts } from '../shared/echart';
import { LoadState } from '../shared/states';
import { useLoad } from '../shared/use-load';

const stateOf = (c: IntakeCase) => c.dispatch?.status ?? c.status;
const CLOSED = ['closed', 'callback_done', 'archived', 'merged_duplicate', 'referred', 'declined', 'merged'];

/** The district's towns, villages and grids from the directory's GeoJSON (no tile server), cases as points coloured by state. */
export default function MapPage() {
  const loaded = useLoad(() => Promise.all([loadUnits(), get<ListAnswer<IntakeCase>>('/intake/cases', { pageSize: 100 })]), []);
  const [grid, setGrid] = useState<Unit | null>(null);
  return <LoadState loaded={loaded}>{([units, cases]) => <GridMap units={units} cases={cases.items} grid={grid} onGrid={setGrid} />}</LoadState>;
}

function GridMap({ units, cases, grid, onGrid }: { units: Unit[]; cases: IntakeCase[]; grid: Unit | null; onGrid: (u: Unit | null) => void }) {
  const option = useMemo(() => {
    const grids = units.filter((u) => u.kind === 'grid' && u.boundary);
    const features = grids.map((u) => ({ type: 'Feature', properties: { name: u.id }, geometry: u.boundary }));
    echarts.registerMap('fengqiao-grids', { type: 'FeatureCollection', features } as never);
    const states = [...new Set(cases.map(stateOf))];
    const open = (g: string) => cases.filter((c) => c.gridId === g && !CLOSED.includes(stateOf(c))).length;
    return {
      tooltip: {
        trigger: 'item',
        formatter: (p: { seriesType?: string; name: string; data?: { caseName?: string } }) =>
          p.seriesType === 'scatter' ? (p.data?.caseName ?? '') : `${units.find((u) => u.id === p.name)?.name ?? p.name}：未办结 ${open(p.name)} 件`,
      },
      legend: { bottom: 0, type: 'scroll', data: states.map(statusLabel) },
      geo: {
        map: 'fengqiao-grids',
        roam: true,
        aspectScale: 0.87,
        nameProperty: 'name',
        label: { show: true, fontSize: 9, formatter: (p: { name: string }) => units.find((u) => u.id === p.name)?.name.replace(/社区|村/, '\n') ?? p.name },
        itemStyle: { areaColor: '#f0f5ff', borderColor: '#597ef7' },
        emphasis: { itemStyle: { areaColor: '#d6e4ff' } },
        regions: grids.map((u) => ({ name: u.id, itemStyle: { areaColor: open(u.id) > 2 ? '#ffd8bf' : open(u.id) > 0 ? '#fff1b8' : '#f0f5ff' } })),
      },
      series: [
        // village and town boundaries over the grids
        ...(['village', 'town'] as const).map((kind) => ({
          type: 'lines',
          coordinateSystem: 'geo',
          polyline: true,
          silent: true,
          lineStyle: { color: kind === 'town' ? '#1d39c4' : '#597ef7', width: kind === 'town' ? 2.5 : 1.5, opacity: 0.9 },
          data: units.filter((u) => u.kind === kind && u.boundary?.type === 'Polygon').map((u) => ({ coords: (u.boundary!.coordinates as number[][][])[0] })),
        })),
        ...states.map((s) => ({
          type: 'scatter',
          coordinateSystem: 'geo',
          name: statusLabel(s),
          symbolSize: 10,
          itemStyle: { color: STATUS_COLOR[s] ?? '#1677ff' },
          data: cases
            .filter((c) => stateOf(c) === s && c.location.point)
            .map((c) => ({ name: c.caseId, caseName: `${c.categoryName}（${statusLabel(s)}）`, value: [c.location.point!.lng, c.location.point!.lat] })),
        })),
      ],
    };
  }, [units, cases]);
  const gridCases = grid ? cases.filter((c) => c.gridId === grid.id) : [];
  const village = grid ? units.find((u) => u.id === grid.parentId) : undefined;
  return (
    <Card
      title="网格地图"
      extra={
        <Typography.Text type="secondary">
          共 {units.filter((u) => u.kind === 'grid').length} 个网格，{cases.length} 件事件；点击网格查看详情
        </Typography.Text>
      }
    >
      <EChart
        label="网格地图：各网格边界与事件位置"
        option={option}
        height="70vh"
        onClick={(p) => p.componentType === 'geo' && onGrid(units.find((u) => u.id === p.name) ?? null)}
      />
      <Drawer open={!!grid} onClose={() => onGrid(null)} title={grid?.name} size={420}>
        {grid && (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Descriptions size="small" column={1} bordered>
              <Descriptions.Item label="网格编号">{grid.id}</Descriptions.Item>
              <Descriptions.Item label="所属村居">{village?.name ?? '—'}</Descriptions.Item>
              <Descriptions.Item label="事件总数">{gridCases.length}</Descriptions.Item>
              <Descriptions.Item label="未办结">{gridCases.filter((c) => !CLOSED.includes(stateOf(c))).length}</Descriptions.Item>
              <Descriptions.Item label="已办结">{gridCases.filter((c) => CLOSED.includes(stateOf(c))).length}</Descriptions.Item>
            </Descriptions>
            <Typography.Title level={5}>本网格事件</Typography.Title>
            {gridCases.length === 0 && <Empty description="暂无事件" />}
            <ul style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="本网格事件">
              {gridCases.map((c) => (
                <li key={c.caseId} style={{ padding: '6px 0', borderBottom: '1px solid #f0f0f0' }}>
                  <Link to={`/cases/${c.caseId}`}>{c.categoryName}</Link> <Tag color={STATUS_COLOR[stateOf(c)]}>{statusLabel(stateOf(c))}</Tag>
                  <Typography.Text type="secondary">{formatTime(c.reportedAt)}</Typography.Text>
                </li>
              ))}
            </ul>
          </Space>
        )}
      </Drawer>
    </Card>
  );
}
