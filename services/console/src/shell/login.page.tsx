import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Collapse, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { ApiError, namePath } from '../api/api-error';
import { useSession } from './session';

const DEMO = [
  ['op.v-3-3', '云岭村综治中心（村居综治中心）'],
  ['op.d', '区综治中心值班长'],
  ['gw.g-3-3-1', '云岭村第一网格网格员'],
  ['dept.d-cg', '区综合行政执法局办件人员'],
  ['med.v-1-1', '枫源社区人民调解员'],
  ['audit.d', '区纪委监委（审计）'],
];

export function LoginPage() {
  const { login } = useSession();
  const [form] = Form.useForm<{ username: string; password: string }>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (v: { username?: string; password?: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      await login(v.username ?? '', v.password ?? '');
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(0, 'CLIENT', String(e));
      form.setFields(err.fields.map((f) => ({ name: namePath(f.field) as never, errors: [f.message] })));
      setError(err.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main
      style={{
        minHeight: '100vh',
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'center',
        background: 'linear-gradient(135deg,#e6f4ff,#f6ffed)',
        padding: 16,
      }}
    >
      <Card style={{ width: 400, maxWidth: '100%' }}>
        <Typography.Title level={3} style={{ textAlign: 'center', marginBottom: 4 }}>
          枫桥 · 基层社会治理
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>
          综治中心 · 网格 · 人民调解 · 信访 · 审计
        </Typography.Paragraph>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
        <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} aria-label="登录">
          <Form.Item label="用户名" name="username">
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item label="密码" name="password">
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            登录
          </Button>
        </Form>
        <Collapse
          ghost
          style={{ marginTop: 12 }}
          items={[
            {
              key: 'demo',
              label: '演示账号',
              children: (
                <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 0 }}>
                  演示区“枫桥区”的账号密码均为 fengqiao-demo-2025（仅限演示环境）：
                  {DEMO.map(([u, who]) => (
                    <span key={u} style={{ display: 'block' }}>
                      <Typography.Text code>{u}</Typography.Text> {who}
                    </span>
                  ))}
                </Typography.Paragraph>
              ),
            },
          ]}
        />
      </Card>
    </main>
  );
}
