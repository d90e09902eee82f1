import { Result, Spin } from 'antd';
import { lazy, Suspense, type ReactElement } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { Shell } from './shell/layout';
import { LoginPage } from './shell/login.page';
import { homeFor, navFor } from './shell/nav';
import { useSession } from './shell/session';

// every page is its own chunk: the first page loads only the shell and the login form
const BoardPage = lazy(() => import('./pages/board.page'));
const CasePage = lazy(() => import('./pages/case.page'));
const WorkOrdersPage = lazy(() => import('./pages/work-orders.page'));
const ReportPage = lazy(() => import('./pages/report.page'));
const MapPage = lazy(() => import('./pages/map.page'));
const DashboardPage = lazy(() => import('./pages/dashboard.page'));
const PlaceholderPage = lazy(() => import('./pages/placeholder.page'));

const loading = (
  <div style={{ padding: 48, textAlign: 'center' }}>
    <Spin size="large" />
  </div>
);

export function App() {
  const { me, checking } = useSession();
  if (checking) return loading;
  if (!me) return <LoginPage />;
  const allowed = new Set(navFor(me).map((n) => n.path));
  const guard = (path: string, el: ReactElement) => (allowed.has(path) ? el : <Result status="403" title="无权访问" subTitle="您的角色不能使用此页面" />);
  return (
    <Shell>
      <Suspense fallback={loading}>
        <Routes>
          <Route path="/" element={<Navigate to={homeFor(me)} replace />} />
          <Route path="/board" element={guard('/board', <BoardPage />)} />
          <Route path="/work" element={guard('/work', <WorkOrdersPage />)} />
          <Route path="/report" element={guard('/report', <ReportPage />)} />
          <Route path="/map" element={guard('/map', <MapPage />)} />
          <Route path="/dashboard" element={guard('/dashboard', <DashboardPage />)} />
          <Route path="/cases/:caseId" element={<CasePage />} />
          {/* under /desk: a page path never names an API prefix (/mediation, /petitions, /audit are APIs) */}
          <Route path="/desk/mediation" element={guard('/desk/mediation', <PlaceholderPage title="调解工作台" api="/mediation" />)} />
          <Route path="/desk/petitions" element={guard('/desk/petitions', <PlaceholderPage title="信访工作台" api="/petitions" />)} />
          <Route path="/desk/audit" element={guard('/desk/audit', <PlaceholderPage title="审计查证" api="/audit" />)} />
          <Route path="/none" element={<Result status="info" title="您的角色在控制台中暂无可用页面" subTitle="如需使用，请联系系统管理员" />} />
          <Route path="*" element={<Result status="404" title="页面不存在" />} />
        </Routes>
      </Suspense>
    </Shell>
  );
}
