import { Alert, App, Button, Card, Form, Input, Select, Switch } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { ApiError, namePath } from '../api/api-error';
import { post } from '../api/client';
import type { CommandAnswer } from '../api/types';
import { CHANNEL_LABEL, URGENCY_LABEL } from '../format';
import { centreOf, loadCategories, loadUnits } from '../shared/reference';
import { LoadState } from '../shared/states';
import { useLoad } from '../shared/use-load';
import { useMe } from '../shell/session';

interface Values {
  channel?: string;
  category?: string;
  description?: string;
  gridId?: string;
  address?: string;
  urgency?: string;
  anonymous?: boolean;
  name?: string;
  phone?: string;
}

/** 事件上报: a grid worker on patrol, or the centre taking a call; the location is the grid's centre or an address. */
export default function ReportPage() {
  const me = useMe();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const loaded = useLoad(() => Promise.all([loadCategories(), loadUnits()]), []);
  const gridWorker = me.roles.includes('grid_worker');

  const submit = async (v: Values, units: Awaited<ReturnType<typeof loadUnits>>) => {
    setBusy(true);
    setError(undefined);
    const grid = units.find((u) => u.id === v.gridId);
    const centre = grid ? centreOf(grid) : null;
    const body = {
      channel: v.channel,
      category: v.category,
      description: v.description?.trim(),
      urgency: v.urgency,
      location: { ...(centre ? { point: { lng: centre[0], lat: centre[1] } } : {}), ...(v.address?.trim() ? { address: v.address.trim() } : {}) },
      ...(v.name || v.phone || v.anonymous
        ? { reporter: { anonymous: !!v.anonymous, ...(v.name ? { name: v.name } : {}), ...(v.phone ? { phone: v.phone } : {}) } }
        : {}),
    };
    try {
      const a = await post<CommandAnswer>('/intake/cases', body);
      message.success('上报成功');
      navigate(`/cases/${a.caseId}`);
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(0, 'CLIENT', String(e));
      // the API names request fields; the form shows location.* under the address
      form.setFields(
        err.fields.map((f) => ({
          name: (f.field.startsWith('location') ? ['address'] : f.field.startsWith('reporter.') ? [f.field.slice(9)] : namePath(f.field)) as never,
          errors: [f.message],
        })),
      );
      setError(err.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title="事件上报" style={{ maxWidth: 720 }}>
      <LoadState loaded={loaded}>
        {([categories, units]) => (
          <Form<Values>
            form={form}
            layout="vertical"
            aria-label="事件上报"
            initialValues={{ channel: gridWorker ? 'grid_worker' : 'hotline', urgency: 'normal', gridId: gridWorker ? me.unitId : undefined }}
            onFinish={(v) => void submit(v, units)}
          >
            {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} role="alert" />}
            <Form.Item name="channel" label="上报渠道">
              <Select options={Object.entries(CHANNEL_LABEL).map(([value, label]) => ({ value, label }))} />
            </Form.Item>
            <Form.Item name="category" label="事件类别">
              <Select
                showSearch
                optionFilterProp="label"
                placeholder="请选择事件类别"
                options={[...new Set(categories.map((c) => c.group))].map((g) => ({
                  label: g,
                  options: categories.filter((c) => c.group === g).map((c) => ({ value: c.code, label: c.service_name })),
                }))}
              />
            </Form.Item>
            <Form.Item name="description" label="事件描述">
              <Input.TextArea rows={4} maxLength={4000} showCount />
            </Form.Item>
            <Form.Item name="gridId" label="所在网格">
              <Select
                showSearch
                allowClear
                optionFilterProp="label"
                placeholder="选择网格（或只填地址）"
                options={units.filter((u) => u.kind === 'grid').map((u) => ({ value: u.id, label: `${u.name}（${u.id}）` }))}
              />
            </Form.Item>
            <Form.Item name="address" label="地址">
              <Input placeholder="如：枫源小区3号楼北侧" />
            </Form.Item>
            <Form.Item name="urgency" label="紧急程度">
              <Select options={Object.entries(URGENCY_LABEL).map(([value, label]) => ({ value, label }))} />
            </Form.Item>
            <Form.Item name="name" label="反映人姓名（选填）">
              <Input />
            </Form.Item>
            <Form.Item name="phone" label="联系电话（选填）">
              <Input inputMode="tel" />
            </Form.Item>
            <Form.Item name="anonymous" label="匿名" valuePropName="checked">
              <Switch />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy} block>
              提交上报
            </Button>
          </Form>
        )}
      </LoadState>
    </Card>
  );
}
