import { App, Button, Card, Col, Descriptions, Row, Segmented, Space, Table, Tag, Timeline, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { call, get } from '../api/client';
import { formatTime } from '../format';
import { ClockTag } from '../desk/clock-tag';
import { openDocument } from '../desk/documents';
import { MEDIATION_DOCUMENTS, MEDIATION_QUEUES, MEDIATION_STEPS, MEDIATION_STEPS_BY_STATUS, PARTY_ROLE_LABEL } from '../desk/mediation-steps';
import { stepsFor, type DeskStep } from '../desk/step-form';
import { StepModal } from '../desk/step-modal';
import { loadUnits } from '../shared/reference';
import { LoadState } from '../shared/states';
import { useLoad } from '../shared/use-load';
import { useMe } from '../shell/session';

interface MediationItem {
  caseId: string;
  status: string;
  statusLabel: string;
  committeeId: string;
  summary: string;
  category?: string | null;
  mediatorIds: string[];
  registeredAt: string;
  sessionCount: number;
  settled: boolean;
  confirmationDueAtMs: number | null;
  nextTimerAtMs: number | null;
  gridCaseId: string | null;
  revision: number;
}

interface Deadline {
  deadline: { dueAt: string; lastDay: string; legalBasis: string; duration: number; unit: string };
  warned: boolean;
  breached: boolean;
}

interface MediationCase extends MediationItem {
  parties: { partyId: string; role: string; identified: boolean; name?: string; phone?: string }[];
  consents: { partyId: string; consented: boolean; at: string }[];
  sessions: { sessionId: string; heldAt: string; summary: string; recordRef?: string }[];
  timeline: { revision: number; type: string; at: string; actor: { userId: string; role: string }; legalBasis?: string; reason?: string }[];
  mediationDeadline: Deadline | null;
  agreement: { form: string; terms?: string; inForce?: boolean } | null;
  documents: Record<string, string>;
}

const EVENT_LABEL: Record<string, string> = {
  DisputeRegistered: '登记纠纷',
  ConsentRequested: '征求同意',
  ConsentGiven: '当事人同意调解',
  ConsentRefused: '当事人拒绝调解',
  MediationAccepted: '受理调解',
  MediationDeclined: '不予调解',
  RightsNotified: '告知权利义务',
  DossierItemAdded: '材料归卷',
  MediatorAssigned: '指定调解员',
  MediatorRecused: '调解员回避',
  SessionRecorded: '记录调解',
  RiskReportedToPolice: '报告激化风险',
  MediationExtended: '延长调解期限',
  AgreementReached: '达成协议',
  AgreementSigned: '签署协议',
  AgreementTookEffect: '协议生效',
  MediationTerminated: '终止调解',
  PerformanceRecorded: '记录履行',
  PerformanceFailed: '未履行',
  JudicialConfirmationFiled: '申请司法确认',
  JudicialConfirmationDecided: '司法确认结果',
  MediationResumed: '恢复调解',
  FollowUpVisited: '回访',
  CaseTransferred: '移送',
  CaseArchived: '归档',
  DeadlineWarned: '期限预警',
  DeadlineBreached: '期限届满',
};

/** 人民调解员的工作台: the committee's queues with their clocks, a case's steps and printable documents. */
export default function MediationDeskPage() {
  const { caseId } = useParams();
  return caseId ? <MediationCaseView caseId={caseId} /> : <MediationQueue />;
}

function MediationQueue() {
  const [queue, setQueue] = useState('');
  const [scope, setScope] = useState<'committee' | 'mine'>('committee');
  const loaded = useLoad(() => get<{ total: number; items: MediationItem[] }>('/mediation/cases', { scope, queue: queue || undefined }), [queue, scope]);
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        调解工作台
      </Typography.Title>
      <Space wrap>
        <Segmented
          aria-label="范围"
          value={scope}
          onChange={(v) => setScope(v as 'committee' | 'mine')}
          options={[
            { value: 'committee', label: '本调委会' },
            { value: 'mine', label: '我承办的' },
          ]}
        />
        <Segmented
          aria-label="待办队列"
          value={queue}
          onChange={(v) => setQueue(String(v))}
          options={MEDIATION_QUEUES.map(([value, label]) => ({ value, label }))}
        />
      </Space>
      <LoadState loaded={loaded}>
        {(a) => (
          <Table<MediationItem>
            rowKey="caseId"
            size="middle"
            dataSource={a.items}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            locale={{ emptyText: '此队列暂无案件' }}
            columns={[
              { title: '编号', dataIndex: 'caseId', render: (id: string) => <Link to={`/desk/mediation/${id}`}>{id.slice(-8)}</Link> },
              { title: '纠纷概要', dataIndex: 'summary', ellipsis: true },
              { title: '状态', dataIndex: 'statusLabel', render: (l: string) => <Tag data-testid="mediation-status">{l}</Tag> },
              { title: '登记时间', dataIndex: 'registeredAt', render: (t: string) => formatTime(t) },
              { title: '调解次数', dataIndex: 'sessionCount' },
              {
                title: '时限',
                render: (_: unknown, c) =>
                  c.confirmationDueAtMs ? (
                    <ClockTag label="司法确认" dueAt={c.confirmationDueAtMs} legalBasis="人民调解法§33" />
                  ) : c.nextTimerAtMs ? (
                    <ClockTag label="调解期限提醒" dueAt={c.nextTimerAtMs} />
                  ) : (
                    '—'
                  ),
              },
            ]}
          />
        )}
      </LoadState>
    </Space>
  );
}

function MediationCaseView({ caseId }: { caseId: string }) {
  const me = useMe();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [step, setStep] = useState<DeskStep | null>(null);
  const base = `/mediation/cases/${encodeURIComponent(caseId)}`;
  const loaded = useLoad(async () => {
    const [c, units] = await Promise.all([call<MediationCase>(base), loadUnits()]);
    return { c: c.data, etag: c.etag, units };
  }, [caseId]);
  const context = useMemo(() => {
    const c = loaded.data?.c;
    return {
      parties: (c?.parties ?? []).map((p) => ({
        id: p.partyId,
        label: `${PARTY_ROLE_LABEL[p.role] ?? p.role}${p.name ? ` ${p.name}` : p.identified ? '' : '（待核实身份）'}`,
      })),
      people: c?.mediatorIds ?? [],
      userId: me.userId,
    };
  }, [loaded.data, me.userId]);

  return (
    <LoadState loaded={loaded}>
      {({ c, etag, units }) => {
        const steps = stepsFor(MEDIATION_STEPS_BY_STATUS, MEDIATION_STEPS, c.status, me.actions);
        return (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Space wrap>
              <Button onClick={() => navigate('/desk/mediation')}>返回工作台</Button>
              <Typography.Title level={4} style={{ margin: 0 }}>
                调解案件 {c.caseId.slice(-8)}
              </Typography.Title>
              <Tag color="blue" data-testid="case-status">
                {c.statusLabel}
              </Tag>
              {c.mediationDeadline && (
                <ClockTag label="调解期限" dueAt={c.mediationDeadline.deadline.dueAt} legalBasis={c.mediationDeadline.deadline.legalBasis} />
              )}
            </Space>
            <Card size="small" title="可进行的操作">
              {steps.length === 0 ? (
                <Typography.Text type="secondary">当前状态下您没有可进行的操作</Typography.Text>
              ) : (
                <Space wrap>
                  {steps.map((s) => (
                    <Button key={s.key} type={s.primary ? 'primary' : 'default'} danger={s.danger} onClick={() => setStep(s)}>
                      {s.title}
                    </Button>
                  ))}
                </Space>
              )}
            </Card>
            <Row gutter={[16, 16]}>
              <Col xs={24} lg={14}>
                <Card title="案件信息" size="small">
                  <Descriptions column={1} size="small">
                    <Descriptions.Item label="纠纷概要">{c.summary}</Descriptions.Item>
                    <Descriptions.Item label="调解委员会">{units.find((u) => u.id === c.committeeId)?.name ?? c.committeeId}</Descriptions.Item>
                    <Descriptions.Item label="当事人">
                      <Space orientation="vertical" size={0}>
                        {c.parties.map((p) => (
                          <span key={p.partyId}>
                            {PARTY_ROLE_LABEL[p.role] ?? p.role}：{p.name ?? '（待核实身份）'} {p.phone ?? ''}{' '}
                            {c.consents.find((x) => x.partyId === p.partyId)?.consented === true ? <Tag color="green">已同意调解</Tag> : null}
                          </span>
                        ))}
                      </Space>
                    </Descriptions.Item>
                    <Descriptions.Item label="调解员">{c.mediatorIds.join('、') || '—'}</Descriptions.Item>
                    {c.mediationDeadline && (
                      <Descriptions.Item label="调解期限">
                        {c.mediationDeadline.deadline.lastDay} 届满（{c.mediationDeadline.deadline.legalBasis}）
                      </Descriptions.Item>
                    )}
                    {c.gridCaseId && (
                      <Descriptions.Item label="来源事件">
                        <Link to={`/cases/${c.gridCaseId}`}>{c.gridCaseId.slice(-8)}</Link>
                      </Descriptions.Item>
                    )}
                    {c.agreement && (
                      <Descriptions.Item label="协议">{c.agreement.terms ?? (c.agreement.form === 'oral' ? '口头协议' : '书面协议')}</Descriptions.Item>
                    )}
                  </Descriptions>
                </Card>
                <Card title="调解记录" size="small" style={{ marginTop: 16 }}>
                  {c.sessions.length === 0 ? (
                    <Typography.Text type="secondary">尚未调解</Typography.Text>
                  ) : (
                    c.sessions.map((s) => (
                      <p key={s.sessionId}>
                        {formatTime(s.heldAt)}：{s.summary} {s.recordRef ? `（${s.recordRef}）` : ''}
                      </p>
                    ))
                  )}
                </Card>
              </Col>
              <Col xs={24} lg={10}>
                <Card title="文书（可打印）" size="small">
                  <Space wrap>
                    {Object.entries(c.documents).map(([kind, href]) => (
                      <Button key={kind} onClick={() => void openDocument(href).catch((e: Error) => message.error(e.message))}>
                        {MEDIATION_DOCUMENTS[kind] ?? kind}
                      </Button>
                    ))}
                  </Space>
                </Card>
                <Card title="办理经过" size="small" style={{ marginTop: 16 }}>
                  <Timeline
                    items={[...c.timeline].reverse().map((t) => ({
                      key: t.revision,
                      content: (
                        <span>
                          {formatTime(t.at)} {EVENT_LABEL[t.type] ?? t.type}
                          {t.legalBasis ? <Typography.Text type="secondary">（{t.legalBasis}）</Typography.Text> : null}
                          {t.reason ? `：${t.reason}` : ''}
                        </span>
                      ),
                    }))}
                  />
                </Card>
              </Col>
            </Row>
            <StepModal
              step={step}
              base={base}
              etag={etag}
              context={context}
              units={units}
              onClose={() => setStep(null)}
              onDone={(answer) => {
                void message.success(`${step?.title ?? ''}已完成`);
                setStep(null);
                if (answer.caseId !== c.caseId) navigate(`/desk/mediation/${answer.caseId}`);
                loaded.reload();
              }}
            />
          </Space>
        );
      }}
    </LoadState>
  );
}
