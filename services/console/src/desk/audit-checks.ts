/** The audit API's verification answer (POST /audit/matters/:id/verify), as rows a person can read. */
export interface StreamVerification {
  streamId: string;
  eventCount: number;
  chain: { ok: boolean; reason?: string; detail?: string; brokenAt?: number };
  included: { ok: boolean; treeSize?: number; missing: unknown[] };
  envelope: { ok: boolean; incomplete: unknown[] };
  readModel: { checked: boolean; ok: boolean; differences: unknown[] };
}

export interface StoreVerification {
  context: string;
  ok: boolean;
  checkpoint?: { checkpoint: { treeSize: number; rootHash: string; timestamp: string } };
  consistency?: { ok: boolean; reason?: string; detail?: string; fromSize: number; toSize: number };
  streams: StreamVerification[];
}

export interface MatterVerification {
  matterId: string;
  ok: boolean;
  mismatches: unknown[];
  stores: StoreVerification[];
}

export interface CheckRow {
  key: string;
  context: string;
  streamId: string;
  check: string;
  ok: boolean;
  detail: string;
}

/** One row per check: each stream's hash chain, Merkle inclusion, envelope and read model; each store's signed checkpoint and consistency with a held one. */
export function checkRows(v: MatterVerification): CheckRow[] {
  const rows: CheckRow[] = [];
  for (const s of v.stores) {
    for (const x of s.streams) {
      const row = (check: string, ok: boolean, detail: string) =>
        rows.push({ key: `${s.context}/${x.streamId}/${check}`, context: s.context, streamId: x.streamId, check, ok, detail });
      row(
        '哈希链',
        x.chain.ok,
        x.chain.ok
          ? `${x.eventCount} 条记录首尾相连`
          : `${x.chain.reason ?? '断链'}${x.chain.brokenAt !== undefined ? `（第 ${x.chain.brokenAt} 条）` : ''}${x.chain.detail ? `：${x.chain.detail}` : ''}`,
      );
      row('包含于签名日志', x.included.ok, x.included.ok ? `日志共 ${x.included.treeSize ?? '—'} 条，均已包含` : `缺少 ${x.included.missing.length} 条`);
      row('记录要素', x.envelope.ok, x.envelope.ok ? '操作人、时间、依据齐全' : `${x.envelope.incomplete.length} 条要素不全`);
      row(
        '查询视图与回放一致',
        x.readModel.ok,
        !x.readModel.checked ? '此类记录无查询视图' : x.readModel.ok ? '一致' : `${x.readModel.differences.length} 处不同`,
      );
    }
    if (s.checkpoint)
      rows.push({
        key: `${s.context}/checkpoint`,
        context: s.context,
        streamId: '—',
        check: '签名检查点',
        ok: true,
        detail: `日志 ${s.checkpoint.checkpoint.treeSize} 条，根 ${s.checkpoint.checkpoint.rootHash.slice(0, 16)}…`,
      });
    if (s.consistency)
      rows.push({
        key: `${s.context}/consistency`,
        context: s.context,
        streamId: '—',
        check: '与保存的检查点一致',
        ok: s.consistency.ok,
        detail: s.consistency.ok
          ? `日志由 ${s.consistency.fromSize} 条增长到 ${s.consistency.toSize} 条，未改写`
          : `${s.consistency.reason ?? '不一致'}${s.consistency.detail ? `：${s.consistency.detail}` : ''}`,
      });
  }
  return rows;
}
