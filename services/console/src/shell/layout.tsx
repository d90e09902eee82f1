import { LogoutOutlined } from '@ant-design/icons';
import { Button, Grid, Layout, Menu, Space, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { ROLE_LABEL } from '../format';
import { navFor } from './nav';
import { useMe, useSession } from './session';

/** The frame of every page: the user's name, role and unit, and only the pages their role may use. */
export function Shell({ children }: { children: ReactNode }) {
  const me = useMe();
  const { logout } = useSession();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;
  const items = navFor(me).map((n) => ({ key: n.path, label: n.label }));
  const selected = items.find((i) => pathname.startsWith(i.key))?.key;

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header
        style={{ display: 'flex', alignItems: 'center', gap: 16, padding: phone ? '0 8px' : '0 24px', height: 'auto', minHeight: 64, flexWrap: 'wrap' }}
      >
        <Typography.Title level={4} style={{ color: '#fff', margin: 0, whiteSpace: 'nowrap' }}>
          枫桥
        </Typography.Title>
        <Menu
          theme="dark"
          mode="horizontal"
          aria-label="主导航"
          selectedKeys={selected ? [selected] : []}
          items={items}
          onClick={(e) => navigate(e.key)}
          style={{ flex: 1, minWidth: phone ? '100%' : 200, order: phone ? 3 : 0 }}
        />
        <Space size="small" style={{ color: '#fff', marginLeft: 'auto' }} aria-label="当前用户">
          <span data-testid="user-name">{me.displayName.replace(/（.*）$/, '')}</span>
          {me.roles.map((r) => (
            <Tag key={r} color="blue" data-testid="user-role">
              {ROLE_LABEL[r] ?? r}
            </Tag>
          ))}
          <span data-testid="user-unit">{me.unitName}</span>
          <Button size="small" icon={<LogoutOutlined />} onClick={() => void logout().then(() => navigate('/'))}>
            退出
          </Button>
        </Space>
      </Layout.Header>
      <Layout.Content style={{ padding: phone ? 8 : 24 }}>
        <main>{children}</main>
      </Layout.Content>
      <Layout.Footer style={{ textAlign: 'center', color: '#888', padding: 12 }}>枫桥 Fengqiao · 时间均为北京时间</Layout.Footer>
    </Layout>
  );
}
