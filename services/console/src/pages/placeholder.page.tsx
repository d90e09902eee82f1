import { Result } from 'antd';

/** A desk whose API is being built in parallel (mediation, petitions, audit): labelled, not hidden. */
export default function PlaceholderPage({ title, api }: { title: string; api: string }) {
  return <Result status="info" title={`${title}（建设中）`} subTitle={`此工作台将基于 ${api} 接口提供，接口上线后即在此处开放。`} />;
}
