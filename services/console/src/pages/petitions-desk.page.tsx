import { App, Button, Card, Col, Descriptions, Row, Segmented, Space, Table, Tag, Timeline, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { call, get } from '../api/client';
import { formatTime } from '../format';
import { ClockTag } from '../desk/clock-tag';
import { openDocument } from '../desk/documents';
import { CHANNEL_LABEL, CLOCK_LABEL, PETITION_DOCUMENT_LABEL, PETITION_STEPS, PETITION_STEPS_BY_STATUS, PETITION_VIEWS } from '../desk/petition-steps';
import { stepsFor, type DeskStep } from '../desk/step-form';
import { StepModal } from '../desk/step-modal';
import { loadUnits } from '../shared/reference';
import { LoadState } from '../shared/states';
import { useLoad } from '../shared/use-load';
import { useMe } from '../shell/session';

interface Clock {
  kind: string;
  legalBasis: string;
  dueAt: string;
  lastDay: string;
  daysLeft: number;
  nearDue: boolean;
  overdue: boolean;
  paused: boolean;
}

interface PetitionItem {
  petitionId: string;
  status: string;
  statusLabel: string;
  channel: string;
  summary: string;
  receivedAt: string;
  currentUnitId: string;
  flags: { supervised: boolean; repeat: boolean; groupVisit: boolean };
  clocks: Clock[];
}

interface Petition extends PetitionItem {
  revision: number;
  matterType: string;
  receivingUnitId: string;
  handlingUnitId: string | null;
  petitionerIds: string[];
  petitioners: { petitionerId: string; name?: string; phone?: string; identified: boolean }[];
  documents: { kind: string; at: string; legalBasis: string; href: string }[];
  timeline: { revision: number; type: string; at: string; role: string; unitId: string; legalBasis?: string }[];
  windows: Record<string, { dueAt: string; lastDay: string; legalBasis: string } | null>;
}

const EVENT_LABEL: Record<string, string> = {
  PetitionRegistered: '登记',
  PetitionTransferred: '转送',
  PetitionAssigned: '交办',
  ObjectionRaised: '提出异议',
  ObjectionRuled: '裁定异议',
  AcceptanceNotified: '告知受理',
  PetitionerRedirected: '告知向有权机关提出',
  DirectedToLegalProcedure: '导入法定途径',
  RejectedAsRepeat: '重复信访不予受理',
  HandlingStarted: '开始办理',
  HandlingExtended: '延长办理期限',
  HearingStarted: '听证开始',
  HearingEnded: '听证结束',
  SettlementRecorded: '和解或调解',
  OpinionIssued: '出具处理意见',
  OpinionDelivered: '送达处理意见',
  PetitionClosed: '办结',
  ReviewRequested: '申请复查',
  ReviewStarted: '开始复查',
  ReviewDecided: '出具复查意见',
  ReviewDecisionDelivered: '送达复查意见',
  ReReviewRequested: '申请复核',
  ReReviewStarted: '开始复核',
  ReReviewDecided: '出具复核意见',
  PetitionSupervised: '督办',
  DeadlineWarned: '期限预警',
  DeadlineBreached: '期限届满',
};

const WINDOW_LABEL: Record<string, string> = { objection: '异议期限', reviewRequest: '申请复查期限', reReviewRequest: '申请复核期限' };

const clockTags = (clocks: Clock[]) =>
  clocks.map((k) => (
    <ClockTag key={k.kind} label={CLOCK_LABEL[k.kind] ?? k.kind} dueAt={k.dueAt} days={k.daysLeft} legalBasis={k.legalBasis} paused={k.paused} />
  ));

/** 信访工作人员的工作台: petitions by state and view with their legal clocks, a petition's steps and documents. */
export default function PetitionsDeskPage() {
  const { petitionId } = useParams();
  return petitionId ? <PetitionView petitionId={petitionId} /> : <PetitionQueue />;
}

function PetitionQueue() {
  const [view, setView] = useState('');
  const loaded = useLoad(
    () =>
      Promise.all([
        get<{ total: number; items: PetitionItem[]; byStatus?: Record<string, number> }>('/petitions', { view: view || undefined, limit: 100 }),
        get<{ nearDue: unknown[]; overdue: unknown[] }>('/petitions/clocks'),
      ]),
    [view],
  );
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        信访工作台
      </Typography.Title>
      <LoadState loaded={loaded}>
        {([a, clocks]) => (
          <>
            <Space wrap>
              <Segmented
                aria-label="筛选"
                value={view}
                onChange={(v) => setView(String(v))}
                options={PETITION_VIEWS.map(([value, label]) => ({ value, label }))}
              />
              <Tag color="orange">临期 {clocks.nearDue.length}</Tag>
              <Tag color="red">超期 {clocks.overdue.length}</Tag>
            </Space>
            <Table<PetitionItem>
              rowKey="petitionId"
              size="middle"
              dataSource={a.items}
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              locale={{ emptyText: '暂无信访事项' }}
              columns={[
                {
                  title: '编号',
                  dataIndex: 'petitionId',
                  render: (id: string) => <Link to={`/desk/petitions/${encodeURIComponent(id)}`}>{id.length > 20 ? id.slice(-8) : id}</Link>,
                },
                { title: '反映事项', dataIndex: 'summary', ellipsis: true },
                { title: '渠道', dataIndex: 'channel', render: (c: string) => CHANNEL_LABEL[c] ?? c },
                {
                  title: '状态',
                  dataIndex: 'statusLabel',
                  render: (l: string, p) => (
                    <Space size={2} wrap>
                      <Tag>{l}</Tag>
                      {p.flags.groupVisit && <Tag color="purple">集体访</Tag>}
                      {p.flags.repeat && <Tag color="magenta">重复</Tag>}
                      {p.flags.supervised && <Tag color="volcano">督办</Tag>}
                    </Space>
                  ),
                },
                { title: '登记时间', dataIndex: 'receivedAt', render: (t: string) => formatTime(t) },
                {
                  title: '法定期限',
                  render: (_: unknown, p) =>
                    p.clocks.length ? (
                      <Space size={2} wrap>
                        {clockTags(p.clocks)}
                      </Space>
                    ) : (
                      '—'
                    ),
                },
              ]}
            />
          </>
        )}
      </LoadState>
    </Space>
  );
}

function PetitionView({ petitionId }: { petitionId: string }) {
  const me = useMe();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [step, setStep] = useState<DeskStep | null>(null);
  const base = `/petitions/${encodeURIComponent(petitionId)}`;
  const loaded = useLoad(async () => {
    const [p, units] = await Promise.all([call<Petition>(base), loadUnits()]);
    return { p: p.data, etag: p.etag, units };
  }, [petitionId]);
  const context = useMemo(
    () => ({
      parties: (loaded.data?.p.petitioners ?? []).map((x) => ({ id: x.petitionerId, label: x.name ?? x.petitionerId.slice(0, 12) })),
      people: [],
      userId: me.userId,
    }),
    [loaded.data, me.userId],
  );
  return (
    <LoadState loaded={loaded}>
      {({ p, etag, units }) => {
        const steps = stepsFor(PETITION_STEPS_BY_STATUS, PETITION_STEPS, p.status, me.actions);
        const unitName = (id: string | null) => (id ? (units.find((u) => u.id === id)?.name ?? id) : '—');
        return (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Space wrap>
              <Button onClick={() => navigate('/desk/petitions')}>返回工作台</Button>
              <Typography.Title level={4} style={{ margin: 0 }}>
                信访事项 {p.petitionId}
              </Typography.Title>
              <Tag color="blue" data-testid="case-status">
                {p.statusLabel}
              </Tag>
              {clockTags(p.clocks)}
              {Object.entries(p.windows ?? {})
                .filter(([, w]) => !!w)
                .map(([k, w]) => (
                  <ClockTag key={k} window label={WINDOW_LABEL[k] ?? k} dueAt={w!.dueAt} legalBasis={w!.legalBasis} />
                ))}
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
                <Card title="事项信息" size="small">
                  <Descriptions column={1} size="small">
                    <Descriptions.Item label="反映事项">{p.summary}</Descriptions.Item>
                    <Descriptions.Item label="渠道">{CHANNEL_LABEL[p.channel] ?? p.channel}</Descriptions.Item>
                    <Descriptions.Item label="登记单位">{unitName(p.receivingUnitId)}</Descriptions.Item>
                    <Descriptions.Item label="当前办理单位">{unitName(p.currentUnitId)}</Descriptions.Item>
                    <Descriptions.Item label="信访人">{p.petitioners.map((x) => `${x.name ?? '—'} ${x.phone ?? ''}`).join('；') || '—'}</Descriptions.Item>
                    {Object.entries(p.windows ?? {})
                      .filter(([, w]) => !!w)
                      .map(([k, w]) => (
                        <Descriptions.Item key={k} label={WINDOW_LABEL[k] ?? k}>
                          {w!.lastDay} 届满（{w!.legalBasis}）
                        </Descriptions.Item>
                      ))}
                  </Descriptions>
                </Card>
                <Card title="法定期限" size="small" style={{ marginTop: 16 }}>
                  {p.clocks.length === 0 ? (
                    <Typography.Text type="secondary">当前没有正在计算的期限</Typography.Text>
                  ) : (
                    p.clocks.map((k) => (
                      <p key={k.kind}>
                        {CLOCK_LABEL[k.kind] ?? k.kind}：{k.lastDay} 届满，{k.legalBasis} <ClockTag dueAt={k.dueAt} days={k.daysLeft} paused={k.paused} />
                      </p>
                    ))
                  )}
                </Card>
              </Col>
              <Col xs={24} lg={10}>
                <Card title="文书（可打印）" size="small">
                  {p.documents.length === 0 ? (
                    <Typography.Text type="secondary">尚无文书</Typography.Text>
                  ) : (
                    <Space wrap>
                      {p.documents.map((d) => (
                        <Button key={d.kind} onClick={() => void openDocument(d.href).catch((e: Error) => message.error(e.message))}>
                          {PETITION_DOCUMENT_LABEL[d.kind] ?? d.kind}
                        </Button>
                      ))}
                    </Space>
                  )}
                </Card>
                <Card title="办理经过" size="small" style={{ marginTop: 16 }}>
                  <Timeline
                    items={[...p.timeline].reverse().map((t) => ({
                      key: t.revision,
                      content: (
                        <span>
                          {formatTime(t.at)} {EVENT_LABEL[t.type] ?? t.type}（{unitName(t.unitId)}）
                          {t.legalBasis ? <Typography.Text type="secondary"> {t.legalBasis}</Typography.Text> : null}
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
              onDone={() => {
                void message.success(`${step?.title ?? ''}已完成`);
                setStep(null);
                loaded.reload();
              }}
            />
          </Space>
        );
      }}
    </LoadState>
  );
}
