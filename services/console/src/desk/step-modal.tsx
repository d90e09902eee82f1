import { Alert, Form, Input, InputNumber, Modal, Select, Switch } from 'antd';
import { useMemo, useState } from 'react';
import { ApiError, namePath } from '../api/api-error';
import { call } from '../api/client';
import type { Unit } from '../api/types';
import { UNIT_KIND_LABEL } from '../shared/reference';
import { chinaLocalNow, stepBody, type DeskField, type DeskStep, type StepContext } from './step-form';

export interface StepAnswer {
  caseId: string;
  status: string;
  revision: number;
  events: string[];
}

interface Props {
  step: DeskStep | null;
  /** the case's own URL, e.g. /mediation/cases/<id> */
  base: string;
  /** ETag of the view the user acted on (If-Match) */
  etag?: string;
  context: StepContext;
  units: Unit[];
  onClose(): void;
  onDone(answer: StepAnswer): void;
}

/** A desk step as a form: posts to the API with If-Match and shows the API's messages at the fields. */
export function StepModal({ step, base, etag, context, units, onClose, onDone }: Props) {
  const [form] = Form.useForm();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const values = Form.useWatch([], form) as Record<string, unknown> | undefined;

  const initial = useMemo(() => {
    const v: Record<string, unknown> = {};
    for (const f of step?.fields ?? []) {
      if (f.initial === 'now' && f.kind === 'datetime') v[f.name] = chinaLocalNow();
      else if (f.initial !== undefined) v[f.name] = f.initial;
      else if (f.kind === 'people') v[f.name] = context.people.length ? context.people : [context.userId];
      else if (f.kind === 'parties') v[f.name] = context.parties.map((p) => p.id);
    }
    return v;
  }, [step, context]);

  const unitOptions = useMemo(() => {
    const groups = new Map<string, { label: string; value: string }[]>();
    for (const u of units.filter((u) => u.kind !== 'grid')) {
      const kind = UNIT_KIND_LABEL[u.kind] ?? u.kind;
      if (!groups.has(kind)) groups.set(kind, []);
      groups.get(kind)!.push({ label: `${u.name}（${u.id}）`, value: u.id });
    }
    return [...groups].map(([label, options]) => ({ label, options }));
  }, [units]);

  const submit = async () => {
    if (!step) return;
    setBusy(true);
    setError(undefined);
    form.setFields(step.fields.map((f) => ({ name: f.name, errors: [] })));
    try {
      const sent = { ...(form.getFieldsValue(true) as Record<string, unknown>) };
      // a time left at "now" means the moment of sending (the form may have been open a while)
      for (const f of step.fields) if (f.initial === 'now' && sent[f.name] === initial[f.name]) sent[f.name] = new Date().toISOString();
      const answer = await call<StepAnswer>(`${base}/${step.path}`, { method: 'POST', body: stepBody(step, sent), ifMatch: etag });
      onDone(answer.data);
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(0, 'CLIENT', String(e));
      const known = new Set(step.fields.map((f) => f.name));
      const atFields = err.fields.filter((f) => known.has(namePath(f.field)[0] as string));
      form.setFields(atFields.map((f) => ({ name: namePath(f.field)[0] as string, errors: [f.message] })));
      const elsewhere = err.fields.filter((f) => !atFields.includes(f)).map((f) => f.message);
      setError([err.message, ...elsewhere].join('；'));
    } finally {
      setBusy(false);
    }
  };

  const input = (f: DeskField) => {
    switch (f.kind) {
      case 'textarea':
        return <Input.TextArea rows={3} maxLength={8000} />;
      case 'text':
        return <Input />;
      case 'number':
        return <InputNumber min={0} style={{ width: '100%' }} />;
      case 'switch':
        return <Switch checkedChildren="是" unCheckedChildren="否" />;
      case 'datetime':
        return <Input type="datetime-local" step={1} aria-description="北京时间" />;
      case 'select':
        return <Select allowClear placeholder="请选择" options={f.options!.map(([value, label]) => ({ value, label }))} />;
      case 'multiselect':
        return <Select mode="multiple" allowClear placeholder="可多选" options={f.options!.map(([value, label]) => ({ value, label }))} />;
      case 'party':
        return <Select allowClear placeholder="请选择当事人" options={context.parties.map((p) => ({ value: p.id, label: p.label }))} />;
      case 'parties':
        return <Select mode="multiple" allowClear placeholder="请选择" options={context.parties.map((p) => ({ value: p.id, label: p.label }))} />;
      case 'people':
        return (
          <Select
            mode="tags"
            placeholder="输入用户编号"
            options={[...new Set([context.userId, ...context.people])].map((p) => ({ value: p, label: p === context.userId ? `${p}（本人）` : p }))}
          />
        );
      case 'unit':
        return <Select showSearch allowClear placeholder="搜索单位名称或编号" optionFilterProp="label" options={unitOptions} />;
    }
  };

  return (
    <Modal
      open={!!step}
      title={step?.title}
      okText={`确认${step?.title ?? ''}`}
      cancelText="取消"
      confirmLoading={busy}
      onOk={() => void submit()}
      onCancel={onClose}
      destroyOnHidden
      afterClose={() => (form.resetFields(), setError(undefined))}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} role="alert" />}
      {step && (
        <Form form={form} layout="vertical" aria-label={step.title} initialValues={initial} onFinish={() => void submit()}>
          {step.fields
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
