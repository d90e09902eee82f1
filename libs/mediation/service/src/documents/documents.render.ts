import { DOSSIER_ITEM_LABELS, MEDIATION_STATUS_LABELS, RegisteredMediationCase } from '@fengqiao/mediation-domain';
import { MediationCaseView } from '../case-view/mediation-case.view';
import { dossierOf } from '../dossier/dossier';
import { PartyRecord } from '../parties/party-records';
import { DocumentKind } from './document-links';

/** What a printable document is rendered from: the case's view (folded from its events) and its parties. */
export interface DocumentInput {
  view: MediationCaseView;
  state: RegisteredMediationCase;
  parties: PartyRecord[];
  committeeName: string;
  /** staff names by user id (mediators) */
  staffName(userId: string): string;
}

const ROLE_LABELS = { applicant: '申请人', respondent: '被申请人', third_party: '第三人' } as const;
const SOURCE_LABELS: Record<string, string> = {
  application: '当事人申请',
  own_initiative: '调解委员会主动调解',
  entrusted: '受委托调解',
  referred_from_grid_case: '网格事件移交',
};

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** 2025-03-03T09:00:00+08:00 → 2025年3月3日 (the date in China time). */
export function chineseDate(iso: string | undefined): string {
  if (!iso) return '____年__月__日';
  const d = new Date(Date.parse(iso) + 8 * 3600 * 1000);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}

const PRINT_CSS = `
@page { size: A4; margin: 25mm 20mm 20mm 25mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "Songti SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei", serif; font-size: 12pt; line-height: 1.8; color: #000; margin: 0 auto; max-width: 170mm; }
h1 { font-size: 20pt; text-align: center; letter-spacing: 0.3em; margin: 0 0 6mm; font-weight: bold; }
.no { text-align: right; margin-bottom: 4mm; }
table { width: 100%; border-collapse: collapse; margin: 3mm 0; }
th, td { border: 1px solid #000; padding: 2mm 3mm; vertical-align: top; text-align: left; }
th { width: 28%; font-weight: normal; background: #f4f4f4; }
.sign { margin-top: 12mm; display: flex; justify-content: space-between; flex-wrap: wrap; gap: 6mm; }
.sign div { min-width: 45%; }
.seal { text-align: right; margin-top: 12mm; }
.terms { white-space: pre-wrap; border: 1px solid #000; padding: 3mm; min-height: 40mm; }
@media screen { body { padding: 10mm; background: #fff; } }
@media print { .no-print { display: none; } }
`;

function page(title: string, caseId: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${PRINT_CSS}</style></head>
<body><h1>${escapeHtml(title)}</h1><div class="no">案件编号：<span data-field="caseId">${escapeHtml(caseId)}</span></div>
${body}
<p class="no-print"><button onclick="window.print()">打印</button></p>
</body></html>`;
}

function partyRows(parties: PartyRecord[]): string {
  return parties
    .map(
      (p) =>
        `<tr><th>${ROLE_LABELS[p.role]}</th><td data-party="${escapeHtml(p.partyId)}"><span class="party-name">${escapeHtml(p.erasedAt ? '（个人信息已删除）' : (p.name ?? '（待登记）'))}</span>${
          p.idNumber ? `，证件号码 ${escapeHtml(p.idNumber)}` : ''
        }${p.phone ? `，电话 ${escapeHtml(p.phone)}` : ''}${p.address ? `，住址 ${escapeHtml(p.address)}` : ''}</td></tr>`,
    )
    .join('\n');
}

function application(input: DocumentInput): string {
  const { state, view } = input;
  return page(
    '人民调解申请（受理登记）表',
    state.caseId,
    `<table>
<tr><th>调解委员会</th><td>${escapeHtml(input.committeeName)}</td></tr>
<tr><th>纠纷来源</th><td>${escapeHtml(SOURCE_LABELS[state.source.kind] ?? state.source.kind)}${
      state.source.kind === 'referred_from_grid_case' ? `（网格事件 ${escapeHtml(state.source.gridCaseId)}）` : ''
    }</td></tr>
<tr><th>登记日期</th><td>${chineseDate(state.registeredAt)}</td></tr>
${partyRows(input.parties)}
<tr><th>纠纷简要情况</th><td>${escapeHtml(state.summary)}</td></tr>
<tr><th>当前状态</th><td>${escapeHtml(MEDIATION_STATUS_LABELS[state.status])}</td></tr>
<tr><th>受理日期</th><td>${state.acceptedAt ? chineseDate(state.acceptedAt) : '待各方当事人同意'}</td></tr>
</table>
<p>当事人意见：${state.consents.map((c) => `${escapeHtml(input.parties.find((p) => p.partyId === c.partyId)?.name ?? c.partyId)}${c.consented ? '同意调解' : '拒绝调解'}`).join('；') || '尚未征求'}</p>
<div class="seal">${escapeHtml(input.committeeName)}<br>${chineseDate(view.registeredAt)}</div>`,
  );
}

function rightsNotice(input: DocumentInput): string {
  return page(
    '人民调解当事人权利义务告知书',
    input.state.caseId,
    `<p>${input.parties.map((p) => escapeHtml(p.name ?? ROLE_LABELS[p.role])).join('、')}：</p>
<p>根据《中华人民共和国人民调解法》，现将你们在人民调解活动中享有的权利和承担的义务告知如下：</p>
<p>一、当事人享有下列权利（第二十三条）：（一）选择或者接受人民调解员；（二）接受调解、拒绝调解或者要求终止调解；（三）要求调解公开进行或者不公开进行；（四）自主表达意愿、自愿达成调解协议。</p>
<p>二、当事人应当履行下列义务（第二十四条）：（一）如实陈述纠纷事实；（二）遵守调解现场秩序，尊重人民调解员；（三）尊重对方当事人行使权利。</p>
<p>三、人民调解不收取任何费用（第四条）。经调解达成的调解协议具有法律约束力，当事人应当按照约定履行（第三十一条）；双方当事人可以自调解协议生效之日起三十日内共同向人民法院申请司法确认（第三十三条）。</p>
<p>四、调解不成的，当事人可以依法通过仲裁、行政、司法等途径维护自己的权利（第二十六条）。</p>
<div class="sign">${input.parties.map((p) => `<div>当事人（签名）：${escapeHtml(p.name ?? '')}</div>`).join('')}</div>
<div class="seal">${escapeHtml(input.committeeName)}<br>${chineseDate(input.view.updatedAt)}</div>`,
  );
}

function agreement(input: DocumentInput): string {
  const { state, view } = input;
  const a = state.agreement;
  const mediators = state.mediatorIds.map((id) => escapeHtml(input.staffName(id))).join('、');
  const effective = a?.effectiveAt;
  return page(
    '人民调解协议书',
    state.caseId,
    `<table>
${partyRows(input.parties)}
<tr><th>纠纷主要事实、争议事项</th><td>${escapeHtml(state.summary)}</td></tr>
<tr><th>调解情况</th><td>${view.sessions.map((s) => `${chineseDate(s.heldAt)}${s.place ? `（${escapeHtml(s.place)}${s.openToPublic === false ? '，不公开' : s.openToPublic ? '，公开' : ''}）` : ''}：${escapeHtml(s.summary)}`).join('<br>') || '—'}</td></tr>
</table>
<p>经${escapeHtml(input.committeeName)}主持调解，当事人自愿达成如下协议：</p>
<div class="terms" data-field="terms">${escapeHtml(a?.terms ?? '（尚未达成协议）')}</div>
<p>履行方式、时限：按上述约定履行。本协议一式${input.parties.length + 1}份，当事人各执一份，调解委员会留存一份。</p>
<p>本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效（人民调解法第二十九条）。双方当事人可以自本协议生效之日起三十日内共同向人民法院申请司法确认${
      a?.judicialConfirmationWindow?.lastDay ? `（至${escapeHtml(a.judicialConfirmationWindow.lastDay)}）` : ''
    }。</p>
<div class="sign">${input.parties
      .map((p) => `<div>${ROLE_LABELS[p.role]}（签名）：<span class="signatory">${escapeHtml(p.name ?? '')}</span></div>`)
      .join('')}<div>人民调解员（签名）：${mediators}</div></div>
<div class="seal">${escapeHtml(input.committeeName)}（印章）<br>签订日期：<span data-field="signingDate">${chineseDate(effective ?? a?.reachedAt)}</span></div>`,
  );
}

function dossierContents(input: DocumentInput): string {
  const d = dossierOf(input.state);
  const rows = d.lines
    .map(
      (l, i) =>
        `<tr><td>${i + 1}</td><td>${escapeHtml(l.label)}${l.required ? '（必备）' : ''}</td><td>${
          l.documents.length
            ? l.documents.map((doc) => `${escapeHtml(doc.documentRef)}（${chineseDate(doc.addedAt)}）`).join('<br>')
            : l.required
              ? '<strong>缺</strong>'
              : '—'
        }</td></tr>`,
    )
    .join('\n');
  return page(
    '人民调解卷宗目录',
    input.state.caseId,
    `<table><tr><th>调解委员会</th><td>${escapeHtml(input.committeeName)}</td></tr>
<tr><th>当事人</th><td>${input.parties.map((p) => escapeHtml(p.name ?? ROLE_LABELS[p.role])).join('、')}</td></tr>
<tr><th>案件状态</th><td>${escapeHtml(MEDIATION_STATUS_LABELS[input.state.status])}</td></tr></table>
<table><tr><th style="width:10%">序号</th><th style="width:45%">材料</th><th>卷内材料</th></tr>
${rows}</table>
<p>${d.complete ? '必备材料齐全。' : `尚缺：${d.missing.map((m) => DOSSIER_ITEM_LABELS[m]).join('、')}。`}</p>`,
  );
}

export function renderDocument(kind: DocumentKind, input: DocumentInput): string {
  switch (kind) {
    case 'application':
      return application(input);
    case 'rights-notice':
      return rightsNotice(input);
    case 'agreement':
      return agreement(input);
    case 'dossier':
      return dossierContents(input);
    default: {
      const never: never = kind;
      throw new Error(`unknown document ${String(never)}`);
    }
  }
}
