import { App, Button, Card, Col, Descriptions, Row, Space, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../api/api-error';
import { call } from '../api/client';
import type { CommandAnswer, GridCase, IntakeCase, Unit } from '../api/types';
import { ACTION_FORMS } from '../cases/action-forms';
import { ActionModal } from '../cases/action-modal';
import { DuplicatesCard } from '../cases/duplicates-card';
import { PhotoThumbs, type Attachment } from '../cases/photos';
import { availableActions, type CaseAction } from '../cases/case-actions';
import { CHANNEL_LABEL, dueIn, formatTime, LEVEL_LABEL, ROLE_LABEL, statusLabel, STATUS_COLOR, URGENCY_LABEL } from '../format';
import { loadUnits } from '../shared/reference';
import { LoadState } from '../shared/states';
import { useLoad } from '../shared/use-load';
import { useMe } from '../shell/session';

interface CaseData {
  intake: IntakeCase | null;
  intakeEtag?: string;
  order: GridCase | null;
  gridEtag?: string;
  units: Unit[];
}

async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

async function loadCase(caseId: string): Promise<CaseData> {
  const id = encodeURIComponent(caseId);
  const [intake, units] = await Promise.all([orNull(call<IntakeCase>(`/intake/cases/${id}`)), loadUnits()]);
  // the work order exists once intake shows its dispatch side (asking earlier would only answer 404)
  const order = !intake || intake.data.dispatch ? await orNull(call<GridCase>(`/grid-dispatch/cases/${id}`)) : null;
  if (!intake && !order) throw new ApiError(404, 'CASE.NOT_FOUND', `事件 ${caseId} 不存在或不在您的管辖范围内`);
  return { intake: intake?.data ?? null, intakeEtag: intake?.etag, order: order?.data ?? null, gridEtag: order?.etag, units };
}

/** Polls until the read models show the command's result (they are fed asynchronously), with a deadline. */
async function settle(caseId: string, action: CaseAction, answer: CommandAnswer): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const d = await loadCase(caseId).catch(() => null);
    if (d) {
      if (
        action === 'intake.file'
          ? !!d.order
          : action.startsWith('intake.')
            ? (d.intake?.revision ?? -1) >= answer.revision
            : (d.order?.revision ?? -1) >= answer.revision
      )
        return;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

export default function CasePage() {
  const { caseId = '' } = useParams();
  const me = useMe();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const loaded = useLoad(() => loadCase(caseId), [caseId]);
  const [action, setAction] = useState<CaseAction | null>(null);
  const [waiting, setWaiting] = useState(false);

  const done = async (answer: CommandAnswer, act: CaseAction) => {
    setAction(null);
    setWaiting(true);
    message.success(`${ACTION_FORMS[act].title}成功`);
    await settle(caseId, act, answer);
    setWaiting(false);
    loaded.reload();
  };

  return (
    <LoadState loaded={loaded}>
      {(d) => {
        const unitName = (id?: string | null) => (id ? (d.units.find((u) => u.id === id)?.name ?? id) : '—');
        const status = d.order?.status ?? d.intake?.status ?? '';
        const actions = availableActions(me, d.intake, d.order);
        const timer = d.order?.timer;
        return (
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            <Card
              title={
                <Space wrap>
                  <span>事件 {caseId.slice(-8)}</span>
                  <Tag color={STATUS_COLOR[status]} data-testid="case-status">
                    {d.order?.statusLabel ?? statusLabel(status)}
                  </Tag>
                  {d.order?.overdue && <Tag color="red">已超期</Tag>}
                  {(d.order?.openSupervisions ?? 0) > 0 && <Tag color="volcano">督办中</Tag>}
                  {d.order?.inRework && <Tag color="orange">返工</Tag>}
                </Space>
              }
              extra={<Button onClick={() => navigate(-1)}>返回</Button>}
            >
              <Space wrap aria-label="可进行的操作" style={{ marginBottom: 16 }}>
                {actions.length === 0 && <Typography.Text type="secondary">当前没有您可以进行的操作</Typography.Text>}
                {actions.map((a) => (
                  <Button
                    key={a}
                    type={ACTION_FORMS[a].primary ? 'primary' : 'default'}
                    danger={ACTION_FORMS[a].danger}
                    disabled={waiting}
                    onClick={() => setAction(a)}
                  >
                    {ACTION_FORMS[a].title}
                  </Button>
                ))}
                {waiting && <Typography.Text type="secondary">正在更新…</Typography.Text>}
              </Space>
              <Descriptions bordered size="small" column={{ xs: 1, sm: 1, md: 2 }}>
                <Descriptions.Item label="事件编号">
                  <Typography.Text copyable>{caseId}</Typography.Text>
                </Descriptions.Item>
                <Descriptions.Item label="类别">{d.intake?.categoryName ?? d.order?.category}</Descriptions.Item>
                <Descriptions.Item label="描述" span="filled">
                  {d.intake?.description ?? d.order?.report?.description ?? '—'}
                </Descriptions.Item>
                <Descriptions.Item label="地址">{d.intake?.location.address ?? '—'}</Descriptions.Item>
                <Descriptions.Item label="网格">{d.intake?.gridName ?? unitName(d.order?.gridId)}</Descriptions.Item>
                <Descriptions.Item label="渠道">{CHANNEL_LABEL[d.intake?.channel ?? d.order?.report?.channel ?? ''] ?? '—'}</Descriptions.Item>
                <Descriptions.Item label="紧急程度">{URGENCY_LABEL[d.order?.urgency ?? d.intake?.urgency ?? ''] ?? '—'}</Descriptions.Item>
                <Descriptions.Item label="上报时间">{formatTime(d.intake?.reportedAt ?? d.order?.report?.reportedAt)}</Descriptions.Item>
                <Descriptions.Item label="反映人">
                  {d.intake?.reporter ? (d.intake.reporter.anonymous ? '匿名' : `${d.intake.reporter.name ?? ''} ${d.intake.reporter.phone ?? ''}`) : '—'}
                </Descriptions.Item>
                <Descriptions.Item label="承办单位">{unitName(d.order?.unitId)}</Descriptions.Item>
                <Descriptions.Item label="层级">{LEVEL_LABEL[d.order?.level ?? d.intake?.level ?? ''] ?? '—'}</Descriptions.Item>
                <Descriptions.Item label="当前环节期限" span="filled">
                  {timer ? (
                    <Space wrap>
                      <span>
                        {timer.stepLabel}：{formatTime(timer.dueAt)}
                      </span>
                      <Tag color={timer.breached ? 'red' : timer.warned ? 'orange' : 'green'}>{dueIn(timer.dueAt)}</Tag>
                      {timer.legalBasis && <Typography.Text type="secondary">依据：{timer.legalBasis}</Typography.Text>}
                    </Space>
                  ) : (
                    '—'
                  )}
                </Descriptions.Item>
              </Descriptions>
            </Card>
            <Row gutter={16}>
              <Col xs={24} lg={14}>
                <Card title="办理时间线">
                  <Timeline items={timelineOf(d, unitName)} />
                </Card>
              </Col>
              <Col xs={24} lg={10}>
                {actions.includes('intake.merge') && (
                  <div style={{ marginBottom: 16 }}>
                    <DuplicatesCard caseId={caseId} />
                  </div>
                )}
                <Card title="督办">
                  {(d.order?.supervisions ?? []).length === 0 ? (
                    <Typography.Text type="secondary">暂无督办</Typography.Text>
                  ) : (
                    d.order!.supervisions.map((s) => (
                      <p key={s.supervisionId}>
                        {formatTime(s.issuedAt)} {LEVEL_LABEL[s.level] ?? s.level}督办：{s.opinion ?? ''}
                        {s.answer ? `（已答复：${s.answer}）` : '（待答复）'}
                      </p>
                    ))
                  )}
                </Card>
              </Col>
            </Row>
            <ActionModal
              action={action}
              caseId={caseId}
              etags={{ intake: d.intakeEtag, grid: d.gridEtag }}
              order={d.order}
              units={d.units}
              onClose={() => setAction(null)}
              onDone={(a, act) => void done(a, act)}
            />
          </Space>
        );
      }}
    </LoadState>
  );
}

function timelineOf(d: CaseData, unitName: (id?: string | null) => string) {
  const entries: { at: string; label: string; who?: string; text?: string; color?: string; photos?: Attachment[] }[] = [];
  const i = d.intake;
  if (i) {
    entries.push({
      at: i.reportedAt,
      label: '上报',
      who: `${ROLE_LABEL[i.reportedBy.role] ?? i.reportedBy.role} · ${unitName(i.reportedBy.unitId)}`,
      text: i.description,
    });
    if (i.acceptedAt) entries.push({ at: i.acceptedAt, label: '受理' });
    if (i.declinedAt) entries.push({ at: i.declinedAt, label: '不予受理', text: i.decisionReason ?? undefined, color: 'gray' });
    if (i.mergedAt) entries.push({ at: i.mergedAt, label: '合并为重复事件', text: i.duplicateOf ?? undefined, color: 'gray' });
    if (i.filedAt) entries.push({ at: i.filedAt, label: '立案', text: i.decisionReason ?? undefined });
  }
  for (const t of d.order?.timeline ?? []) {
    if (t.type === 'WorkOrderOpened') continue;
    const who =
      t.actor.role === 'system'
        ? '系统'
        : t.actor.userId.startsWith('system:')
          ? '系统自动'
          : `${ROLE_LABEL[t.actor.role] ?? t.actor.role} · ${unitName(t.actor.unitId)}`;
    const deadline = t.deadline?.dueAt ? `期限：${t.deadline.stepLabel ?? ''} ${formatTime(t.deadline.dueAt)}` : undefined;
    const text = [t.text, t.reason, t.unitId && t.type !== 'SupervisionIssued' ? `承办单位：${unitName(t.unitId)}` : undefined, deadline]
      .filter(Boolean)
      .join('；');
    entries.push({
      at: t.at,
      label: t.label,
      who,
      text,
      photos: t.attachments,
      color: /Breached|Objected|Rework/.test(t.type) ? 'red' : /Warned/.test(t.type) ? 'orange' : undefined,
    });
  }
  entries.sort((a, b) => a.at.localeCompare(b.at));
  return entries.map((e) => ({
    color: e.color ?? 'blue',
    content: (
      <div>
        <Typography.Text strong>{e.label}</Typography.Text> <Typography.Text type="secondary">{formatTime(e.at)}</Typography.Text>
        {e.who && <div style={{ fontSize: 12, color: '#666' }}>{e.who}</div>}
        {e.text && <div>{e.text}</div>}
        {e.photos?.length ? <PhotoThumbs attachments={e.photos} /> : null}
      </div>
    ),
  }));
}
