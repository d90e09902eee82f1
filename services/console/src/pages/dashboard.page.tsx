import { Card, Col, Row, Statistic, Typography } from 'antd';
import { get } from '../api/client';
import type { GridCase, IntakeCase, ListAnswer } from '../api/types';
import { STATUS_COLOR } from '../format';
import { EChart } from '../shared/echart';
import { LoadState } from '../shared/states';
import { useLoad } from '../shared/use-load';

/**
 * Leaders' dashboard on today's APIs (the board's counts and the intake list). The analytics
 * figures (trend by month, mediation success, satisfaction, early warnings) join when its API lands.
 */
export default function DashboardPage() {
  const loaded = useLoad(
    () => Promise.all([get<ListAnswer<GridCase>>('/grid-dispatch/board', { pageSize: 1 }), get<ListAnswer<GridCase>>('/grid-dispatch/board', { overdue: 'true', pageSize: 1 }), get<ListAnswer<IntakeCase>>('/intake/cases', { pageSize: 100 })]),
    [],
  );
  return (
    <LoadState loaded={loaded}>
      {([board, overdue, intake]) => {
        const counts = board.counts ?? [];
        const closed = counts.filter((c) => ['closed', 'callback_done', 'archived'].includes(c.status)).reduce((s, c) => s + c.count, 0);
        const byCategory = new Map<string, number>();
        for (const c of intake.items) byCategory.set(c.categoryName, (byCategory.get(c.categoryName) ?? 0) + 1);
        const cats = [...byCategory].sort((a, b) => b[1] - a[1]).slice(0, 10);
        return (
          <Row gutter={[16, 16]}>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title="工单总数" value={board.total} />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title="已办结" value={closed} />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title="超期" value={overdue.total} styles={{ content: { color: '#cf1322' } }} />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title="办结率" value={board.total ? (closed / board.total) * 100 : 0} precision={1} suffix="%" />
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card title="工单状态分布">
                <EChart label="工单状态分布饼图" height={320} option={{ tooltip: { trigger: 'item' }, series: [{ type: 'pie', radius: ['40%', '70%'], data: counts.map((c) => ({ name: c.label, value: c.count, itemStyle: { color: STATUS_COLOR[c.status] } })) }] }} />
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card title="事件类别（最近 100 件）">
                <EChart label="事件类别柱状图" height={320} option={{ tooltip: {}, grid: { left: 100, right: 16, top: 8, bottom: 24 }, xAxis: { type: 'value' }, yAxis: { type: 'category', data: cats.map((c) => c[0]).reverse() }, series: [{ type: 'bar', data: cats.map((c) => c[1]).reverse(), itemStyle: { color: '#1f6feb' } }] }} />
              </Card>
            </Col>
            <Col span={24}>
              <Typography.Text type="secondary">调解成功率、按月趋势、满意度与预警将在统计分析接口上线后显示。</Typography.Text>
            </Col>
          </Row>
        );
      }}
    </LoadState>
  );
}
