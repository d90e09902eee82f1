import { Table, Tag } from 'antd';
import type { TablePaginationConfig } from 'antd';
import { Link } from 'react-router-dom';
import type { Category, GridCase, Unit } from '../api/types';
import { dueIn, formatTime, LEVEL_LABEL, STATUS_COLOR, URGENCY_LABEL } from '../format';

/** Work orders as a table: id, category, state, grid, unit, level, deadline and flags. */
export function CaseTable({
  items,
  units,
  categories,
  loading,
  pagination,
  extra,
}: {
  items: GridCase[];
  units: Unit[];
  categories: Category[];
  loading?: boolean;
  pagination?: TablePaginationConfig | false;
  extra?: 'waiting';
}) {
  const unitName = (id: string | null) => (id ? (units.find((u) => u.id === id)?.name ?? id) : '—');
  const categoryName = (code: string) => categories.find((c) => c.code === code)?.service_name ?? code;
  return (
    <Table<GridCase>
      rowKey="caseId"
      size="small"
      loading={loading}
      dataSource={items}
      pagination={pagination}
      scroll={{ x: 900 }}
      locale={{ emptyText: '暂无事件' }}
      columns={[
        { title: '事件编号', dataIndex: 'caseId', render: (id: string) => <Link to={`/cases/${id}`}>{id.slice(-8)}</Link> },
        { title: '类别', dataIndex: 'category', render: categoryName },
        { title: '状态', dataIndex: 'status', render: (s: string, c) => <Tag color={STATUS_COLOR[s]}>{c.statusLabel}</Tag> },
        ...(extra === 'waiting'
          ? [{ title: '建议承办单位', dataIndex: 'suggestedUnitId', render: (id?: string) => (id ? unitName(id) : <Tag color="red">无法自动派单</Tag>) }]
          : []),
        { title: '网格', dataIndex: 'gridId', render: unitName },
        { title: '承办单位', dataIndex: 'unitId', render: unitName },
        { title: '层级', dataIndex: 'level', render: (l: string) => LEVEL_LABEL[l] ?? l },
        { title: '紧急', dataIndex: 'urgency', render: (u: string) => URGENCY_LABEL[u] ?? u },
        {
          title: '当前期限',
          dataIndex: 'timer',
          render: (t: GridCase['timer']) =>
            t ? (
              <span title={formatTime(t.dueAt)}>
                {t.stepLabel} <Tag color={t.breached ? 'red' : t.warned ? 'orange' : 'green'}>{dueIn(t.dueAt)}</Tag>
              </span>
            ) : (
              '—'
            ),
        },
        {
          title: '标记',
          key: 'flags',
          render: (_: unknown, c) => (
            <>
              {c.overdue && <Tag color="red">超期</Tag>}
              {c.openSupervisions > 0 && <Tag color="volcano">督办</Tag>}
              {c.inRework && <Tag color="orange">返工</Tag>}
            </>
          ),
        },
        { title: '更新时间', dataIndex: 'updatedAt', render: formatTime },
      ]}
    />
  );
}
