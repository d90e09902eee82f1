import { Card, Col, Empty, Row, Segmented, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { get } from '../api/client';
import type { GridCase, ListAnswer } from '../api/types';
import { dueIn, formatTime, STATUS_COLOR, URGENCY_LABEL } from '../format';
import { loadCategories, loadUnits } from '../shared/reference';
import { LoadState } from '../shared/states';
import { useLoad } from '../shared/use-load';

/** 网格员 / 职能部门: my work orders (to accept, in hand, rework, supervisions to answer), as cards that fit a phone. */
export default function WorkOrdersPage() {
  const [kind, setKind] = useState<string>('all');
  const loaded = useLoad(
    () =>
      Promise.all([
        get<ListAnswer<GridCase, { kind: string; label: string; count: number }>>('/grid-dispatch/queue', {
          kind: kind === 'all' ? undefined : kind,
          pageSize: 100,
        }),
        loadCategories(),
        loadUnits(),
      ]),
    [kind],
  );
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        我的工单
      </Typography.Title>
      <LoadState loaded={loaded}>
        {([a, categories, units]) => (
          <>
            <Segmented
              aria-label="工单类型"
              value={kind}
              onChange={(v) => setKind(String(v))}
              options={[{ value: 'all', label: '全部' }, ...(a.counts ?? []).map((c) => ({ value: c.kind, label: `${c.label} ${c.count}` }))]}
              style={{ maxWidth: '100%', overflowX: 'auto' }}
            />
            {a.items.length === 0 && <Empty description="暂无待办工单" />}
            <Row gutter={[12, 12]}>
              {a.items.map((c) => (
                <Col key={c.caseId} xs={24} md={12} lg={8}>
                  <Link to={`/cases/${c.caseId}`} aria-label={`工单 ${c.caseId.slice(-8)}`}>
                    <Card
                      size="small"
                      hoverable
                      title={categories.find((x) => x.code === c.category)?.service_name ?? c.category}
                      extra={<Tag color={STATUS_COLOR[c.status]}>{c.statusLabel}</Tag>}
                    >
                      <div>编号：{c.caseId.slice(-8)}</div>
                      <div>网格：{units.find((u) => u.id === c.gridId)?.name ?? c.gridId ?? '—'}</div>
                      <div>紧急程度：{URGENCY_LABEL[c.urgency] ?? c.urgency}</div>
                      {c.timer && (
                        <div>
                          {c.timer.stepLabel}期限：{formatTime(c.timer.dueAt)}{' '}
                          <Tag color={c.timer.breached ? 'red' : c.timer.warned ? 'orange' : 'green'}>{dueIn(c.timer.dueAt)}</Tag>
                        </div>
                      )}
                      <Space wrap style={{ marginTop: 4 }}>
                        {c.inRework && <Tag color="orange">返工</Tag>}
                        {c.openSupervisions > 0 && <Tag color="volcano">督办待答复</Tag>}
                      </Space>
                    </Card>
                  </Link>
                </Col>
              ))}
            </Row>
          </>
        )}
      </LoadState>
    </Space>
  );
}
