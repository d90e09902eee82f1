import { DownloadOutlined, FullscreenExitOutlined, FullscreenOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, ConfigProvider, Empty, List, Row, Space, Statistic, Tag, theme, Typography } from 'antd';
import { useEffect, type ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { download } from '../api/download';
import { get } from '../api/client';
import { LoadState } from '../shared/states';
import { useLoad } from '../shared/use-load';
import { useMe } from '../shell/session';
import { EChart } from '../shared/echart';
import { loadCategories, loadUnits } from '../shared/reference';
import { formatTime } from '../format';
import { overall, type FigureRow, type MediationFigures, type Warning, WARNING_RULE_LABEL, WARNING_STATUS_LABEL } from './dashboard.figures';

interface DashboardData {
  months: FigureRow[];
  units: FigureRow[];
  categories: FigureRow[];
  warnings: Warning[];
  mediation: MediationFigures | null;
  unitName: (id: string) => string;
  categoryName: (code: string) => string;
}

const pct = (r: number) => Math.round(r * 1000) / 10;

/**
 * 领导驾驶舱: the analytics figures (trend by month, by town, on-time and closing rates, satisfaction,
 * mediation success) and the early warnings with their explanation and evidence; `?screen=1` is the
 * big-screen (大屏) layout for the centre's wall, full screen where the browser allows.
 */
export default function DashboardPage() {
  const me = useMe();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const screen = params.get('screen') === '1';
  const loaded = useLoad(async (): Promise<DashboardData> => {
    const [months, units, categories, warnings, mediation, unitList, categoryList] = await Promise.all([
      get<{ rows: FigureRow[] }>('/analytics/figures', { by: 'month' }),
      get<{ rows: FigureRow[] }>('/analytics/figures', { by: 'unit' }),
      get<{ rows: FigureRow[] }>('/analytics/figures', { by: 'category' }),
      get<{ warnings: Warning[] }>('/analytics/warnings'),
      me.actions.includes('mediation.list') ? get<MediationFigures>('/mediation/figures') : Promise.resolve(null),
      loadUnits(),
      loadCategories(),
    ]);
    const towns = new Set(unitList.filter((u) => u.kind === 'town').map((u) => u.id));
    return {
      months: months.rows.filter((r) => /^\d{4}-\d{2}$/.test(r.key)),
      units: units.rows.filter((r) => towns.has(r.key)),
      categories: categories.rows,
      warnings: warnings.warnings,
      mediation,
      unitName: (id) => unitList.find((u) => u.id === id)?.name ?? id,
      categoryName: (code) => categoryList.find((c) => c.code === code)?.service_name ?? code,
    };
  }, []);

  // the big screen refreshes itself every minute
  useEffect(() => {
    if (!screen) return;
    const t = setInterval(loaded.reload, 60_000);
    return () => clearInterval(t);
  }, [screen, loaded.reload]);

  const enterScreen = () => {
    setParams({ screen: '1' });
    void document.documentElement.requestFullscreen?.().catch(() => undefined);
  };
  const leaveScreen = () => {
    setParams({});
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
  };
  const dark = screen;
  const text = dark ? '#e6f4ff' : undefined;
  const axis = dark ? { axisLabel: { color: '#bcd' }, axisLine: { lineStyle: { color: '#456' } } } : {};

  const body = (
    <LoadState loaded={loaded}>
      {(d) => {
        const all = overall(d.months);
        const card = (title: string, node: ReactNode) => (
          <Card
            title={<span style={{ color: text }}>{title}</span>}
            size="small"
            style={dark ? { background: '#0b1d3a', borderColor: '#1d3b6b' } : undefined}
            styles={{ body: { padding: 8 } }}
          >
            {node}
          </Card>
        );
        const stat = (title: string, value: number | string, suffix?: string, colour?: string) => (
          <Col xs={12} md={8} lg={4}>
            <Card size="small" style={dark ? { background: '#0b1d3a', borderColor: '#1d3b6b' } : undefined}>
              <Statistic
                title={<span style={{ color: dark ? '#9ab' : undefined }}>{title}</span>}
                value={value}
                suffix={suffix}
                styles={{ content: { color: colour ?? text } }}
              />
            </Card>
          </Col>
        );
        return (
          <Row gutter={[12, 12]}>
            {stat('受理事件', all.taken)}
            {stat('立案', all.filed)}
            {stat('办结率', pct(all.closedRate), '%')}
            {stat('按期办结率', pct(all.onTimeRate), '%', '#52c41a')}
            {stat('群众满意度', all.satisfaction === null ? '—' : all.satisfaction.toFixed(2), all.satisfaction === null ? undefined : '/ 5')}
            {stat('调解成功率', d.mediation ? d.mediation.successRate : '—', d.mediation ? '%' : undefined)}
            <Col xs={24} lg={12}>
              {card(
                '按月趋势',
                d.months.length ? (
                  <EChart
                    label="按月受理、立案、办结趋势图"
                    height={screen ? 320 : 280}
                    option={{
                      tooltip: { trigger: 'axis' },
                      legend: { top: 0, textStyle: { color: text } },
                      grid: { left: 40, right: 16, top: 32, bottom: 24 },
                      xAxis: { type: 'category', data: d.months.map((r) => r.key), ...axis },
                      yAxis: { type: 'value', ...axis },
                      series: [
                        { name: '受理', type: 'bar', data: d.months.map((r) => r.taken) },
                        { name: '立案', type: 'bar', data: d.months.map((r) => r.filed) },
                        { name: '办结', type: 'bar', data: d.months.map((r) => r.closed) },
                      ],
                    }}
                  />
                ) : (
                  <Empty description="暂无数据" />
                ),
              )}
            </Col>
            <Col xs={24} lg={12}>
              {card(
                '各街镇办理情况',
                d.units.length ? (
                  <EChart
                    label="各街镇受理与按期办结率"
                    height={screen ? 320 : 280}
                    option={{
                      tooltip: { trigger: 'axis' },
                      legend: { top: 0, textStyle: { color: text } },
                      grid: { left: 40, right: 40, top: 32, bottom: 24 },
                      xAxis: { type: 'category', data: d.units.map((r) => d.unitName(r.key)), ...axis },
                      yAxis: [
                        { type: 'value', ...axis },
                        { type: 'value', max: 100, ...axis },
                      ],
                      series: [
                        { name: '受理', type: 'bar', data: d.units.map((r) => r.taken) },
                        { name: '超期', type: 'bar', data: d.units.map((r) => r.overdue), itemStyle: { color: '#cf1322' } },
                        { name: '按期办结率 %', type: 'bar', yAxisIndex: 1, data: d.units.map((r) => pct(r.onTimeRate)), itemStyle: { color: '#52c41a' } },
                      ],
                    }}
                  />
                ) : (
                  <Empty description="暂无数据" />
                ),
              )}
            </Col>
            <Col xs={24} lg={8}>
              {card(
                '事件类别',
                d.categories.length ? (
                  <EChart
                    label="事件类别分布饼图"
                    height={260}
                    option={{
                      tooltip: { trigger: 'item' },
                      series: [
                        {
                          type: 'pie',
                          radius: ['35%', '65%'],
                          label: { color: text },
                          data: d.categories.map((r) => ({ name: d.categoryName(r.key), value: r.taken })),
                        },
                      ],
                    }}
                  />
                ) : (
                  <Empty description="暂无数据" />
                ),
              )}
            </Col>
            <Col xs={24} lg={8}>
              {card(
                '人民调解',
                d.mediation ? (
                  <EChart
                    label="人民调解受理与成功数"
                    height={260}
                    option={{
                      tooltip: {},
                      grid: { left: 40, right: 16, top: 16, bottom: 24 },
                      xAxis: { type: 'category', data: ['登记', '受理', '调解成功', '不予调解', '终止'], ...axis },
                      yAxis: { type: 'value', ...axis },
                      series: [
                        {
                          type: 'bar',
                          data: [d.mediation.registered, d.mediation.taken, d.mediation.settled, d.mediation.declined, d.mediation.terminated],
                          itemStyle: { color: '#13c2c2' },
                        },
                      ],
                    }}
                  />
                ) : (
                  <Typography.Text type="secondary">您的角色不能查看调解统计</Typography.Text>
                ),
              )}
            </Col>
            <Col xs={24} lg={8}>
              {card(
                `预警（${d.warnings.filter((w) => w.status !== 'resolved').length} 条待处理）`,
                d.warnings.length ? (
                  <List
                    size="small"
                    aria-label="预警"
                    dataSource={d.warnings}
                    renderItem={(w) => (
                      <List.Item>
                        <Space orientation="vertical" size={2} style={{ color: text }}>
                          <Space wrap>
                            <Tag color="red">{WARNING_RULE_LABEL[w.rule] ?? w.rule}</Tag>
                            <Tag>{WARNING_STATUS_LABEL[w.status] ?? w.status}</Tag>
                            <span>{formatTime(w.raisedAt)}</span>
                          </Space>
                          <span>{w.explanation}</span>
                          {w.ruleText && (
                            <Typography.Text type="secondary" style={{ color: dark ? '#9ab' : undefined }}>
                              规则：{w.ruleText}
                            </Typography.Text>
                          )}
                          {w.caseIds?.length ? <span>依据：{w.caseIds.map((c) => c.slice(-8)).join('、')}</span> : null}
                        </Space>
                      </List.Item>
                    )}
                  />
                ) : (
                  <Empty description="暂无预警" />
                ),
              )}
            </Col>
          </Row>
        );
      }}
    </LoadState>
  );

  if (screen)
    return (
      <ConfigProvider theme={{ algorithm: theme.darkAlgorithm }}>
        <div data-testid="big-screen" style={{ position: 'fixed', inset: 0, zIndex: 1000, background: '#06122b', overflow: 'auto', padding: 16 }}>
          <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }}>
            <Typography.Title level={2} style={{ color: '#e6f4ff', margin: 0 }}>
              {me.unitName} 社会治理综合指挥大屏
            </Typography.Title>
            <Space>
              <Typography.Text style={{ color: '#9ab' }}>每分钟自动刷新 · 北京时间</Typography.Text>
              <Button icon={<FullscreenExitOutlined />} onClick={leaveScreen}>
                退出大屏
              </Button>
            </Space>
          </Space>
          {body}
        </div>
      </ConfigProvider>
    );
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          领导驾驶舱
        </Typography.Title>
        <Space wrap>
          <Button
            icon={<DownloadOutlined />}
            onClick={() => void download('/analytics/reports/monthly.csv?by=unit', 'monthly-report.csv').catch((e: Error) => message.error(e.message))}
          >
            导出月报 CSV
          </Button>
          <Button
            icon={<DownloadOutlined />}
            onClick={() => void download('/analytics/reports/monthly.xlsx?by=unit', 'monthly-report.xlsx').catch((e: Error) => message.error(e.message))}
          >
            导出月报 Excel
          </Button>
          <Button type="primary" icon={<FullscreenOutlined />} onClick={enterScreen}>
            大屏模式
          </Button>
        </Space>
      </Space>
      {body}
    </Space>
  );
}
