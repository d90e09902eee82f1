import { Card, Col, Input, Row, Select, Space, Statistic, Table, Tabs, Tag } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { get } from '../api/client';
import type { Category, GridCase, IntakeCase, ListAnswer, Unit } from '../api/types';
import { CaseTable } from '../cases/case-table';
import { CHANNEL_LABEL, formatTime, STATUS_COLOR, STATUS_LABEL, URGENCY_LABEL } from '../format';
import { loadCategories, loadUnits } from '../shared/reference';
import { LoadState } from '../shared/states';
import { useLoad } from '../shared/use-load';

/** 综治中心 operator's board: what waits for the centre, the intake desk, and every work order with filters. */
export default function BoardPage() {
  const navigate = useNavigate();
  const reference = useLoad(() => Promise.all([loadUnits(), loadCategories()]), []);
  const [tab, setTab] = useState('queue');
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Input.Search
        placeholder="按事件编号查找"
        enterButton="查找"
        aria-label="按事件编号查找"
        allowClear
        onSearch={(v) => v.trim() && navigate(`/cases/${v.trim()}`)}
        style={{ maxWidth: 480 }}
      />
      <LoadState loaded={reference}>
        {([units, categories]) => (
          <Tabs
            activeKey={tab}
            onChange={setTab}
            items={[
              { key: 'queue', label: '待办', children: <QueuePanel units={units} categories={categories} /> },
              { key: 'intake', label: '受理台', children: <IntakePanel units={units} categories={categories} /> },
              { key: 'board', label: '全部工单', children: <BoardPanel units={units} categories={categories} /> },
            ]}
          />
        )}
      </LoadState>
    </Space>
  );
}

interface RefProps {
  units: Unit[];
  categories: Category[];
}

function QueuePanel({ units, categories }: RefProps) {
  const [kind, setKind] = useState<string>();
  const [page, setPage] = useState(1);
  const loaded = useLoad(
    () => get<ListAnswer<GridCase, { kind: string; label: string; count: number }>>('/grid-dispatch/queue', { kind, page, pageSize: 20 }),
    [kind, page],
  );
  return (
    <LoadState loaded={loaded}>
      {(a) => (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Space wrap aria-label="待办类型">
            <Tag.CheckableTag checked={!kind} onChange={() => setKind(undefined)}>
              全部 {kind ? '' : a.total}
            </Tag.CheckableTag>
            {(a.counts ?? []).map((c) => (
              <Tag.CheckableTag key={c.kind} checked={kind === c.kind} onChange={() => (setKind(c.kind), setPage(1))}>
                {c.kind === 'dispatch' ? '待派单（含无法自动派单）' : c.label} {c.count}
              </Tag.CheckableTag>
            ))}
          </Space>
          <CaseTable
            items={a.items}
            units={units}
            categories={categories}
            loading={loaded.loading}
            extra={kind === 'dispatch' ? 'waiting' : undefined}
            pagination={{ current: a.page, pageSize: a.pageSize, total: a.total, onChange: setPage, showTotal: (t) => `共 ${t} 件` }}
          />
        </Space>
      )}
    </LoadState>
  );
}

function IntakePanel({ units, categories }: RefProps) {
  const [status, setStatus] = useState('reported');
  const [channel, setChannel] = useState<string>();
  const [category, setCategory] = useState<string>();
  const [text, setText] = useState('');
  const [page, setPage] = useState(1);
  const loaded = useLoad(
    () => get<ListAnswer<IntakeCase>>('/intake/cases', { status, channel, category, page, pageSize: 50 }),
    [status, channel, category, page],
  );
  const match = (c: IntakeCase) => !text || [c.caseId, c.description, c.location.address ?? '', c.gridName ?? ''].some((s) => s.includes(text));
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Select
          aria-label="受理状态"
          value={status}
          onChange={(v) => (setStatus(v), setPage(1))}
          style={{ width: 160 }}
          options={['reported', 'accepted', 'filed', 'declined', 'merged'].map((s) => ({ value: s, label: STATUS_LABEL[s] ?? s }))}
        />
        <Select
          aria-label="渠道"
          allowClear
          placeholder="渠道"
          value={channel}
          onChange={setChannel}
          style={{ width: 140 }}
          options={Object.entries(CHANNEL_LABEL).map(([value, label]) => ({ value, label }))}
        />
        <Select
          aria-label="类别"
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder="类别"
          value={category}
          onChange={setCategory}
          style={{ width: 180 }}
          options={categories.map((c) => ({ value: c.code, label: c.service_name }))}
        />
        <Input.Search aria-label="搜索地址或内容" placeholder="搜索编号、地址或内容（本页）" allowClear onSearch={setText} style={{ width: 260 }} />
      </Space>
      <LoadState loaded={loaded}>
        {(a) => (
          <Table<IntakeCase>
            rowKey="caseId"
            size="small"
            loading={loaded.loading}
            dataSource={a.items.filter(match)}
            scroll={{ x: 800 }}
            locale={{ emptyText: '暂无事件' }}
            pagination={{ current: a.page, pageSize: a.pageSize, total: a.total, onChange: setPage, showTotal: (t) => `共 ${t} 件` }}
            columns={[
              { title: '事件编号', dataIndex: 'caseId', render: (id: string) => <Link to={`/cases/${id}`}>{id.slice(-8)}</Link> },
              { title: '类别', dataIndex: 'categoryName' },
              { title: '内容', dataIndex: 'description', ellipsis: true },
              { title: '地址', dataIndex: ['location', 'address'], render: (v?: string) => v ?? '—' },
              {
                title: '网格',
                dataIndex: 'gridId',
                render: (g: string | null, c) => (g ? (c.gridName ?? units.find((u) => u.id === g)?.name ?? g) : <Tag color="red">待定位</Tag>),
              },
              { title: '渠道', dataIndex: 'channel', render: (v: string) => CHANNEL_LABEL[v] ?? v },
              { title: '紧急', dataIndex: 'urgency', render: (v: string) => URGENCY_LABEL[v] ?? v },
              { title: '状态', dataIndex: 'status', render: (s: string, c) => <Tag color={STATUS_COLOR[s]}>{c.statusLabel}</Tag> },
              { title: '上报时间', dataIndex: 'reportedAt', render: formatTime },
            ]}
          />
        )}
      </LoadState>
    </Space>
  );
}

const BOARD_STATUSES = [
  'filed',
  'reopened',
  'dispatched',
  'objection',
  'in_progress',
  'extension_requested',
  'suspended',
  'feedback_submitted',
  'verified',
  'closed',
  'callback_done',
  'archived',
  'merged_duplicate',
  'referred',
];

function BoardPanel({ units, categories }: RefProps) {
  const [f, setF] = useState<Record<string, string | undefined>>({ sort: 'recent' });
  const [supervisedOnly, setSupervisedOnly] = useState(false);
  const [page, setPage] = useState(1);
  const set = (k: string) => (v?: string) => (setF((o) => ({ ...o, [k]: v })), setPage(1));
  const loaded = useLoad(() => get<ListAnswer<GridCase>>('/grid-dispatch/board', { ...f, page, pageSize: 50 }), [JSON.stringify(f), page]);
  const overdue = useLoad(() => get<ListAnswer<GridCase>>('/grid-dispatch/board', { overdue: 'true', pageSize: 1 }), []);
  const unitOptions = units.filter((u) => u.kind !== 'district').map((u) => ({ value: u.id, label: u.name }));
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <LoadState loaded={loaded}>
        {(a) => (
          <Row gutter={[12, 12]}>
            <Col xs={12} md={4}>
              <Card size="small">
                <Statistic title="工单（筛选后）" value={a.total} />
              </Card>
            </Col>
            <Col xs={12} md={4}>
              <Card size="small">
                <Statistic title="超期" value={overdue.data?.total ?? 0} styles={{ content: { color: '#cf1322' } }} />
              </Card>
            </Col>
            <Col xs={12} md={4}>
              <Card size="small">
                <Statistic
                  title="临期（本页）"
                  value={a.items.filter((c) => c.timer?.warned && !c.timer.breached).length}
                  styles={{ content: { color: '#d48806' } }}
                />
              </Card>
            </Col>
            <Col xs={12} md={4}>
              <Card size="small">
                <Statistic title="督办中（本页）" value={a.items.filter((c) => c.openSupervisions > 0).length} />
              </Card>
            </Col>
            <Col xs={24} md={8}>
              <Card size="small" title="按状态">
                <Space wrap>
                  {(a.counts ?? []).map((c) => (
                    <Tag key={c.status} color={STATUS_COLOR[c.status]}>
                      {c.label} {c.count}
                    </Tag>
                  ))}
                </Space>
              </Card>
            </Col>
          </Row>
        )}
      </LoadState>
      <Space wrap aria-label="筛选">
        <Select
          aria-label="状态"
          mode="multiple"
          allowClear
          placeholder="状态"
          style={{ minWidth: 180 }}
          value={f.status ? f.status.split(',') : []}
          onChange={(v: string[]) => set('status')(v.join(',') || undefined)}
          options={BOARD_STATUSES.map((s) => ({ value: s, label: STATUS_LABEL[s] }))}
        />
        <Select
          aria-label="承办单位"
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder="承办单位"
          style={{ width: 180 }}
          value={f.unitId}
          onChange={set('unitId')}
          options={unitOptions}
        />
        <Select
          aria-label="网格"
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder="网格"
          style={{ width: 180 }}
          value={f.gridId}
          onChange={set('gridId')}
          options={units.filter((u) => u.kind === 'grid').map((u) => ({ value: u.id, label: u.name }))}
        />
        <Select
          aria-label="类别"
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder="类别"
          style={{ width: 160 }}
          value={f.category}
          onChange={set('category')}
          options={categories.map((c) => ({ value: c.code, label: c.service_name }))}
        />
        <Select
          aria-label="紧急程度"
          allowClear
          placeholder="紧急程度"
          style={{ width: 120 }}
          value={f.urgency}
          onChange={set('urgency')}
          options={Object.entries(URGENCY_LABEL).map(([value, label]) => ({ value, label }))}
        />
        <Select
          aria-label="超期"
          allowClear
          placeholder="是否超期"
          style={{ width: 120 }}
          value={f.overdue}
          onChange={set('overdue')}
          options={[
            { value: 'true', label: '已超期' },
            { value: 'false', label: '未超期' },
          ]}
        />
        <Select
          aria-label="排序"
          style={{ width: 140 }}
          value={f.sort}
          onChange={set('sort')}
          options={[
            { value: 'recent', label: '最近变化在前' },
            { value: 'due', label: '期限最近在前' },
          ]}
        />
        <Tag.CheckableTag checked={supervisedOnly} onChange={setSupervisedOnly}>
          只看督办
        </Tag.CheckableTag>
      </Space>
      {loaded.data && (
        <CaseTable
          items={loaded.data.items.filter((c) => !supervisedOnly || c.openSupervisions > 0)}
          units={units}
          categories={categories}
          loading={loaded.loading}
          pagination={{
            current: loaded.data.page,
            pageSize: loaded.data.pageSize,
            total: loaded.data.total,
            onChange: setPage,
            showTotal: (t) => `共 ${t} 件`,
          }}
        />
      )}
    </Space>
  );
}
