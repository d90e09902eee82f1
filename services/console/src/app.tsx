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
const MediationDeskPage = lazy(() => import('./pages/mediation-desk.page'));
const PetitionsDeskPage = lazy(() => import('./pages/petitions-desk.page'));
const AuditDeskPage = lazy(() => import('./pages/audit-desk.page'));

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
          <Route path="/desk/mediation/:caseId?" element={guard('/desk/mediation', <MediationDeskPage />)} />
          <Route path="/desk/petitions/:petitionId?" element={guard('/desk/petitions', <PetitionsDeskPage />)} />
          <Route path="/desk/audit/:matterId?" element={guard('/desk/audit', <AuditDeskPage />)} />
          <Route path="/none" element={<Result status="info" title="您的角色在控制台中暂无可用页面" subTitle="如需使用，请联系系统管理员" />} />
          <Route path="*" element={<Result status="404" title="页面不存在" />} />
        </Routes>
      </Suspense>
    </Shell>
  );
}
