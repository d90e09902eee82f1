import { Alert, Button, Empty, Spin } from 'antd';
import type { ReactNode } from 'react';
import type { Loaded } from './use-load';

/** Loading, error (the API's Chinese message, with a retry) and empty states around a loaded value. */
export function LoadState<T>({ loaded, empty, children }: { loaded: Loaded<T>; empty?: (data: T) => boolean; children: (data: T) => ReactNode }) {
  if (loaded.error && loaded.data === undefined)
    return (
      <Alert
        type="error"
        showIcon
        role="alert"
        title="加载失败"
        description={loaded.error.message}
        action={
          <Button size="small" onClick={loaded.reload}>
            重试
          </Button>
        }
      />
    );
  if (loaded.data === undefined)
    return (
      <div style={{ padding: 48, textAlign: 'center' }}>
        <Spin description="加载中…" size="large">
          <div style={{ minHeight: 40 }} />
        </Spin>
      </div>
    );
  if (empty?.(loaded.data)) return <Empty description="暂无数据" />;
  return <>{children(loaded.data)}</>;
}
