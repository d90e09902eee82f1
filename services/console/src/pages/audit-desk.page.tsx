import { CheckCircleTwoTone, CloseCircleTwoTone } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, Empty, Input, Select, Slider, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../api/api-error';
import { get, post } from '../api/client';
import { formatTime, ROLE_LABEL } from '../format';
import { LoadState } from '../shared/states';
import { useLoad } from '../shared/use-load';
import { useMe } from '../shell/session';
import { checkRows, type MatterVerification } from '../desk/audit-checks';

interface Step {
  context: string;
  streamId: string;
  kind?: string;
  revision: number;
  eventId: string;
  type: string;
  label: string;
  who: { userId: string; role: string; unitId: string };
  when: { occurredAt: string; recordedAt: string };
  changed?: { statusAfter?: string; reason?: string; fields?: string[] };
  legalBasis?: string;
}

interface MatterTimeline {
  matterId: string;
  streams: { context: string; streamId: string; kind?: string; kindLabel?: string; eventCount: number; personalData: string }[];
  steps: Step[];
}

const CONTEXT_LABEL: Record<string, string> = { intake: '受理', 'grid-dispatch': '网格派单', mediation: '人民调解', petitions: '信访', analytics: '统计分析' };
const HELD_KEY = 'fengqiao.audit.checkpoints';

/** Checkpoints this auditor keeps (per context), to check later that the log only grew. */
function heldCheckpoints(): Record<string, unknown> {
  try {
    return JSON.parse(localStorage.getItem(HELD_KEY) ?? '{}') as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** 审计查证: a matter's timeline across kinds, its state at each revision, verification and the evidence bundle. */
export default function AuditDeskPage() {
  const { matterId } = useParams();
  const navigate = useNavigate();
  const [id, setId] = useState(matterId ?? '');
  useEffect(() => setId(matterId ?? ''), [matterId]);
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        审计查证
      </Typography.Title>
      <Space.Compact style={{ maxWidth: 640, width: '100%' }}>
        <Input
          aria-label="事项编号"
          placeholder="输入事件、调解案件或信访事项编号"
          value={id}
          onChange={(e) => setId(e.target.value)}
          onPressEnter={() => id.trim() && navigate(`/desk/audit/${encodeURIComponent(id.trim())}`)}
        />
        <Button type="primary" onClick={() => id.trim() && navigate(`/desk/audit/${encodeURIComponent(id.trim())}`)}>
          查证
        </Button>
      </Space.Compact>
      {matterId ? <Matter matterId={matterId} /> : <Empty description="输入编号后查看该事项在各业务域的全部记录" />}
    </Space>
  );
}

function Matter({ matterId }: { matterId: string }) {
  const me = useMe();
  const { message } = App.useApp();
  const loaded = useLoad(() => get<MatterTimeline>(`/audit/matters/${encodeURIComponent(matterId)}/timeline`), [matterId]);
  return (
    <LoadState loaded={loaded} empty={(t) => t.steps.length === 0}>
      {(t) => (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Card size="small" title="涉及的记录">
            <Space wrap>
              {t.streams.map((s) => (
                <Tag key={s.streamId} color="blue">
                  {CONTEXT_LABEL[s.context] ?? s.context} · {s.kindLabel ?? s.kind ?? '附属记录'} · {s.eventCount} 条
                  {s.personalData === 'masked' ? '（个人信息已遮盖）' : ''}
                </Tag>
              ))}
            </Space>
          </Card>
          <Card size="small" title="时间线（各业务域）">
            <Table<Step>
              rowKey="eventId"
              size="small"
              dataSource={t.steps}
              pagination={{ pageSize: 15, hideOnSinglePage: true }}
              columns={[
                { title: '时间', render: (_: unknown, s) => formatTime(s.when.occurredAt) },
                { title: '业务域', dataIndex: 'context', render: (c: string) => CONTEXT_LABEL[c] ?? c },
                { title: '版本', dataIndex: 'revision' },
                { title: '事件', dataIndex: 'label' },
                { title: '操作人', render: (_: unknown, s) => `${s.who.userId}（${ROLE_LABEL[s.who.role] ?? s.who.role}）` },
                { title: '变更', render: (_: unknown, s) => [s.changed?.statusAfter, s.changed?.reason].filter(Boolean).join('：') || '—' },
                { title: '依据', dataIndex: 'legalBasis', render: (b?: string) => b ?? '—' },
              ]}
            />
          </Card>
          <StateAt matterId={matterId} streams={t.streams.filter((s) => !!s.kind)} />
          {me.actions.includes('audit.verify') && <Verify matterId={matterId} contexts={[...new Set(t.streams.map((s) => s.context))]} />}
          {me.actions.includes('audit.export') && (
            <Button
              onClick={() =>
                void get<unknown>(`/audit/matters/${encodeURIComponent(matterId)}/evidence`).then(
                  (bundle) => {
                    const a = document.createElement('a');
                    a.href = URL.createObjectURL(new Blob([JSON.stringify(bundle, null, 2)], { type: 'application/json' }));
                    a.download = `evidence-${matterId}.json`;
                    a.click();
                    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
                  },
                  (e: Error) => message.error(e.message),
                )
              }
            >
              导出证据包
            </Button>
          )}
        </Space>
      )}
    </LoadState>
  );
}

function StateAt({ matterId, streams }: { matterId: string; streams: MatterTimeline['streams'] }) {
  const [streamId, setStreamId] = useState(streams[0]?.streamId);
  const stream = streams.find((s) => s.streamId === streamId) ?? streams[0];
  const [revision, setRevision] = useState(Math.max(0, (stream?.eventCount ?? 1) - 1));
  useEffect(() => setRevision(Math.max(0, (stream?.eventCount ?? 1) - 1)), [stream]);
  const loaded = useLoad(
    () =>
      stream
        ? get<{ revision?: number; status?: string; state?: unknown; replayed: boolean; reason?: string }>(
            `/audit/matters/${encodeURIComponent(matterId)}/state`,
            { context: stream.context, streamId: stream.streamId, revision },
          )
        : Promise.resolve(null),
    [stream?.streamId, revision],
  );
  if (!stream) return null;
  return (
    <Card size="small" title="某一版本时的状态">
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Select
          aria-label="记录"
          value={stream.streamId}
          style={{ minWidth: 320 }}
          onChange={setStreamId}
          options={streams.map((s) => ({ value: s.streamId, label: `${CONTEXT_LABEL[s.context] ?? s.context} · ${s.kindLabel ?? s.kind}` }))}
        />
        <Slider
          aria-label="版本"
          min={0}
          max={Math.max(0, stream.eventCount - 1)}
          value={revision}
          onChange={(v) => setRevision(v)}
          marks={{ 0: '0', [Math.max(0, stream.eventCount - 1)]: String(Math.max(0, stream.eventCount - 1)) }}
        />
        <LoadState loaded={loaded}>
          {(s) =>
            s?.replayed ? (
              <>
                <Descriptions size="small" column={2}>
                  <Descriptions.Item label="版本">{s.revision}</Descriptions.Item>
                  <Descriptions.Item label="状态">
                    <span data-testid="state-status">{s.status}</span>
                  </Descriptions.Item>
                </Descriptions>
                <pre style={{ maxHeight: 260, overflow: 'auto', background: '#fafafa', padding: 8, fontSize: 12 }}>{JSON.stringify(s.state, null, 2)}</pre>
              </>
            ) : (
              <Typography.Text type="secondary">该记录不回放状态（{s?.reason ?? '—'}）</Typography.Text>
            )
          }
        </LoadState>
      </Space>
    </Card>
  );
}

function Verify({ matterId, contexts }: { matterId: string; contexts: string[] }) {
  const [result, setResult] = useState<MatterVerification>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [held, setHeld] = useState(heldCheckpoints);
  const heldHere = useMemo(() => Object.fromEntries(Object.entries(held).filter(([c]) => contexts.includes(c))), [held, contexts]);
  const keep = async () => {
    const next = { ...held };
    for (const c of contexts) next[c] = await get<unknown>(`/audit/stores/${encodeURIComponent(c)}/checkpoints/latest`);
    localStorage.setItem(HELD_KEY, JSON.stringify(next));
    setHeld(next);
  };
  const verify = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setResult(await post<MatterVerification>(`/audit/matters/${encodeURIComponent(matterId)}/verify`, { checkpoints: heldHere }));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card size="small" title="校验">
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Space wrap>
          <Button type="primary" loading={busy} onClick={() => void verify()}>
            校验此事项
          </Button>
          <Button onClick={() => void keep().catch((e: Error) => setError(e.message))}>保存当前签名检查点</Button>
          <Typography.Text type="secondary">
            {Object.keys(heldHere).length
              ? `已保存检查点：${Object.keys(heldHere)
                  .map((c) => CONTEXT_LABEL[c] ?? c)
                  .join('、')}（校验时一并检查一致性）`
              : '未保存检查点'}
          </Typography.Text>
        </Space>
        {error && <Alert type="error" showIcon role="alert" title={error} />}
        {result && (
          <>
            <Alert
              type={result.ok ? 'success' : 'error'}
              showIcon
              title={result.ok ? '校验通过：记录完整，未被篡改' : `校验未通过：${result.mismatches.length} 处不一致`}
              data-testid="verify-result"
            />
            <Table
              rowKey={(r) => r.key}
              size="small"
              pagination={false}
              dataSource={checkRows(result)}
              columns={[
                { title: '业务域', dataIndex: 'context', render: (c: string) => CONTEXT_LABEL[c] ?? c },
                { title: '记录', dataIndex: 'streamId' },
                { title: '检查项', dataIndex: 'check' },
                {
                  title: '结果',
                  dataIndex: 'ok',
                  render: (ok: boolean) =>
                    ok ? <CheckCircleTwoTone twoToneColor="#52c41a" aria-label="通过" /> : <CloseCircleTwoTone twoToneColor="#ff4d4f" aria-label="未通过" />,
                },
                { title: '说明', dataIndex: 'detail' },
              ]}
            />
          </>
        )}
      </Space>
    </Card>
  );
}
