import { Card, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { get } from '../api/client';
import { formatTime, statusLabel } from '../format';
import { LoadState } from '../shared/states';
import { useLoad } from '../shared/use-load';

interface Suggestion {
  caseId: string;
  distanceMetres: number;
  hoursApart: number;
  status: string;
  description: string;
  reportedAt: string;
}

/** Possible duplicates of a case not yet filed (intake's suggestion: same category, near, recent); the operator decides. */
export function DuplicatesCard({ caseId }: { caseId: string }) {
  const loaded = useLoad(
    () => get<{ suggestions: Suggestion[]; policy: { radiusMetres: number; windowHours: number } }>(`/intake/cases/${encodeURIComponent(caseId)}/duplicates`),
    [caseId],
  );
  return (
    <Card title="疑似重复事件">
      <LoadState loaded={loaded}>
        {(a) =>
          a.suggestions.length === 0 ? (
            <Typography.Text type="secondary">
              {a.policy.radiusMetres} 米、{a.policy.windowHours} 小时内没有同类事件
            </Typography.Text>
          ) : (
            <ul style={{ paddingLeft: 16, margin: 0 }} aria-label="疑似重复事件">
              {a.suggestions.map((s) => (
                <li key={s.caseId}>
                  <Link to={`/cases/${s.caseId}`}>{s.caseId.slice(-8)}</Link> {statusLabel(s.status)} · 相距 {Math.round(s.distanceMetres)} 米 ·{' '}
                  {formatTime(s.reportedAt)}
                  <div style={{ color: '#666' }}>{s.description}</div>
                  <Typography.Text type="secondary" copyable={{ text: s.caseId, tooltips: ['复制编号（合并时填写）', '已复制'] }}>
                    编号
                  </Typography.Text>
                </li>
              ))}
            </ul>
          )
        }
      </LoadState>
    </Card>
  );
}
