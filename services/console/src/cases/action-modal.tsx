import { Alert, Form, Input, InputNumber, Modal, Rate, Select, Switch } from 'antd';
import { useMemo, useState } from 'react';
import { ApiError, namePath } from '../api/api-error';
import { call } from '../api/client';
import type { CommandAnswer, GridCase, Unit } from '../api/types';
import { formatTime } from '../format';
import { UNIT_KIND_LABEL } from '../shared/reference';
import { ACTION_FORMS, bodyOf, type FieldSpec } from './action-forms';
import type { CaseAction } from './case-actions';
import { PhotoUpload } from './photos';

interface Props {
  action: CaseAction | null;
  caseId: string;
  /** ETag of the view the user acted on (If-Match), per API */
  etags: { intake?: string; grid?: string };
  order: GridCase | null;
  units: Unit[];
  onClose(): void;
  onDone(answer: CommandAnswer, action: CaseAction): void;
}

/** A case action as a form: posts to the API with If-Match and shows the API's messages at the fields. */
export function ActionModal({ action, caseId, etags, order, units, onClose, onDone }: Props) {
  const [form] = Form.useForm();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const spec = action ? ACTION_FORMS[action] : null;
  const values = Form.useWatch([], form) as Record<string, unknown> | undefined;

  // the form starts from these values each time it opens (no effect after opening that could wipe what the user typed)
  const initial = useMemo(() => {
    const v: Record<string, unknown> = {};
    for (const f of spec?.fields ?? []) if (f.initial !== undefined) v[f.name] = f.initial;
    if (action === 'dispatch' && order?.suggestedUnitId) v.unitId = order.suggestedUnitId;
    return v;
  }, [action, spec, order]);

  const unitOptions = useMemo(() => {
    const groups = new Map<string, { label: string; value: string }[]>();
    for (const u of units.filter((u) => u.kind !== 'district')) {
      const kind = UNIT_KIND_LABEL[u.kind] ?? u.kind;
      if (!groups.has(kind)) groups.set(kind, []);
      groups.get(kind)!.push({ label: `${u.name}（${u.id}）`, value: u.id });
    }
    return [...groups].map(([label, options]) => ({ label, options }));
  }, [units]);
  const gridOptions = useMemo(() => units.filter((u) => u.kind === 'grid').map((u) => ({ label: `${u.name}（${u.id}）`, value: u.id })), [units]);

  const submit = async () => {
    if (!spec || !action) return;
    setBusy(true);
    setError(undefined);
    form.setFields(spec.fields.map((f) => ({ name: f.name, errors: [] })));
    const raw = form.getFieldsValue(true) as Record<string, unknown>;
    const base = spec.api === 'intake' ? '/intake/cases' : '/grid-dispatch/cases';
    try {
      const answer = await call<CommandAnswer>(`${base}/${encodeURIComponent(caseId)}/${spec.path}`, {
        method: 'POST',
        body: bodyOf(spec, raw),
        ifMatch: spec.api === 'intake' ? etags.intake : etags.grid,
      });
      onDone(answer.data, action);
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(0, 'CLIENT', String(e));
      const known = new Set(spec.fields.map((f) => f.name));
      const atFields = err.fields.filter((f) => known.has(namePath(f.field)[0] as string));
      form.setFields(atFields.map((f) => ({ name: namePath(f.field)[0] as string, errors: [f.message] })));
      const elsewhere = err.fields.filter((f) => !atFields.includes(f)).map((f) => f.message);
      setError([err.message, ...elsewhere].join('；'));
    } finally {
      setBusy(false);
    }
  };

  const input = (f: FieldSpec) => {
    switch (f.kind) {
      case 'textarea':
        return <Input.TextArea rows={3} maxLength={4000} placeholder={f.placeholder} />;
      case 'text':
        return <Input placeholder={f.placeholder} />;
      case 'number':
        return <InputNumber min={0} style={{ width: '100%' }} />;
      case 'rate':
        return <Rate />;
      case 'switch':
        return <Switch checkedChildren="满意" unCheckedChildren="不满意" />;
      case 'select':
        return <Select allowClear placeholder="请选择" options={f.options!.map(([value, label]) => ({ value, label }))} />;
      case 'unit':
        return <Select showSearch allowClear placeholder="搜索单位名称或编号" optionFilterProp="label" options={unitOptions} />;
      case 'grid':
        return <Select showSearch allowClear placeholder="搜索网格" optionFilterProp="label" options={gridOptions} />;
      case 'photos':
        return <PhotoUpload caseId={caseId} />;
      case 'supervision':
        return (
          <Select
            placeholder="请选择督办"
            options={(order?.supervisions ?? [])
              .filter((s) => !s.answeredAt)
              .map((s) => ({ value: s.supervisionId, label: `${formatTime(s.issuedAt)} ${s.opinion ?? ''}` }))}
          />
        );
    }
  };

  return (
    <Modal
      open={!!spec}
      title={spec?.title}
      okText={`确认${spec?.title ?? ''}`}
      cancelText="取消"
      confirmLoading={busy}
      onOk={() => void submit()}
      onCancel={onClose}
      destroyOnHidden
      afterClose={() => (form.resetFields(), setError(undefined))}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} role="alert" />}
      {spec && (
        <Form form={form} layout="vertical" aria-label={spec.title} initialValues={initial} onFinish={() => void submit()}>
          {spec.fields
            .filter((f) => !f.showIf || f.showIf.values.includes(values?.[f.showIf.field]))
            .map((f) => (
              <Form.Item key={f.name} name={f.name} label={f.label} valuePropName={f.kind === 'switch' ? 'checked' : 'value'}>
                {input(f)}
              </Form.Item>
            ))}
        </Form>
      )}
    </Modal>
  );
}
