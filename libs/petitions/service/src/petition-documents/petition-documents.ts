import { DomainError, NotFoundError } from '@fengqiao/kernel';
import { PETITION_LEGAL_BASIS as LB } from '@fengqiao/petitions-domain';
import { DocumentFacts, DocumentKind, PetitionView } from '../read-models/petition-view';

/**
 * Printable documents addressed to the petitioner (or, for a transfer letter, to the receiving
 * body), generated from the events: each names the article it relies on and the routes still open.
 * HTML with print CSS (A4, system Chinese fonts); the browser prints or saves it as PDF.
 */
export const DOCUMENT_TITLES: Record<DocumentKind, string> = {
  acceptance_notice: '信访事项受理告知书',
  non_acceptance_notice: '信访事项不予受理告知书',
  transfer_letter: '信访事项转送（交办）函',
  opinion: '信访处理意见书',
  review_decision: '信访事项复查意见书',
  re_review_decision: '信访事项复核意见书',
};

const OUTCOMES: Record<string, string> = { support: '予以支持', explain: '解释说明', not_support: '不予支持' };
const PROCEDURES: Record<string, string> = { litigation: '诉讼', arbitration: '仲裁', administrative_review: '行政复议', other_statutory: '其他法定程序' };

export interface DocumentContext {
  view: PetitionView;
  /** the addressee line, already masked where the reader may not see personal data */
  addressee: string;
  unitName(unitId: string): string;
}

const esc = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** 2025-12-22T02:00:00.000Z → 2025年12月22日 (China time). */
export function chineseDate(iso: string): string {
  const d = new Date(Date.parse(iso) + 8 * 3600_000);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}
const dayText = (lastDay: unknown): string => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(lastDay ?? ''));
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : '';
};

function documentFacts(view: PetitionView, kind: DocumentKind): DocumentFacts {
  const doc = view.documents.find((d) => d.kind === kind);
  if (!doc) throw new NotFoundError('PETITIONS.DOCUMENT_NOT_FOUND', `该信访事项尚无${DOCUMENT_TITLES[kind] ?? '此文书'}`, { kind });
  return doc;
}

interface Body {
  paragraphs: string[];
  basis: string;
  routes: string[];
  ref?: string;
}

function bodyOf(kind: DocumentKind, doc: DocumentFacts, c: DocumentContext): Body {
  const f = doc.facts as Record<string, unknown>;
  const v = c.view;
  const received = chineseDate(v.receivedAt);
  const matter = `你（们）于${received}提出的信访事项（${esc(v.summary)}）`;
  switch (kind) {
    case 'acceptance_notice': {
      const handling = f['handlingDeadline'] as { lastDay?: string } | undefined;
      return {
        paragraphs: [
          `${matter}，本机关已于${chineseDate(doc.at)}依法受理。`,
          `本机关将自受理之日起60日内办结${handling?.lastDay ? `（${dayText(handling.lastDay)}前）` : ''}；情况复杂的，经本机关负责人批准可以适当延长办理期限，但延长期限不得超过30日，并告知你（们）延期理由。`,
        ],
        basis: `${LB.acceptance}、${LB.handling}`,
        routes: ['对信访处理意见不服的，可以自收到书面答复之日起30日内请求原办理机关的上一级机关复查（《信访工作条例》第三十五条）。'],
        ref: String(f['noticeRef'] ?? ''),
      };
    }
    case 'non_acceptance_notice': {
      const grounds = String(f['grounds']);
      const told = esc(f['toldToApplyTo']);
      const text =
        grounds === 'repeat_to_higher_level'
          ? `${matter}，同一信访事项已在有权处理的下级机关受理或者办理，且仍在规定的期限内，本机关不予受理。请等待原受理机关的处理结果。`
          : grounds === 'same_facts_after_re_review'
            ? `${matter}，已经复核终结。你（们）仍以同一事实和理由提出的，各级机关不再受理。`
            : grounds === 'legal_procedure'
              ? `${matter}，属于应当通过${PROCEDURES[String(f['procedure'])] ?? '法定'}途径解决的事项，请依照有关法律、行政法规规定的程序向${told}提出。`
              : `${matter}，不属于本机关职权范围，请向${told}提出。`;
      return {
        paragraphs: [text],
        basis: doc.legalBasis ?? '',
        routes:
          grounds === 'legal_procedure'
            ? [`向${told}依法提出${PROCEDURES[String(f['procedure'])] ?? ''}（《信访工作条例》第三十一条）。`]
            : grounds === 'outside_competence'
              ? [`向${told}提出（《信访工作条例》第二十三条）。`]
              : ['可以通过本查询码继续查询原信访事项的办理进度（《信访工作条例》第二十一条）。'],
      };
    }
    case 'transfer_letter': {
      const assign = f['kind'] === 'assign';
      const notice = f['acceptanceNoticeDeadline'] as { lastDay?: string } | undefined;
      const objection = f['objectionWindow'] as { lastDay?: string } | undefined;
      const report = f['reportDeadline'] as { lastDay?: string } | undefined;
      return {
        paragraphs: [
          `现将${esc(v.summary)}一事${assign ? '交由你单位办理' : '转送你单位依法处理'}（信访人于${received}提出）。`,
          `请自收到之日起15日内书面告知信访人是否受理${notice?.lastDay ? `（${dayText(notice.lastDay)}前）` : ''}；认为不属于你单位职权范围的，请于5个工作日内${objection?.lastDay ? `（${dayText(objection.lastDay)}前）` : ''}提出异议并详细说明理由。`,
          ...(assign && report?.lastDay ? [`请于${dayText(report.lastDay)}前报送办理结果。`] : []),
        ],
        basis: `${LB.routing}、${LB.acceptance}`,
        routes: [],
      };
    }
    case 'opinion':
      return {
        paragraphs: [
          `信访人请求：${esc(f['request'])}`,
          `经查：${esc(f['factsAndReasons'])}`,
          `处理意见：${OUTCOMES[String(f['outcome'])] ?? esc(f['outcome'])}。`,
          `依据：${esc(f['legalBasisCited'])}`,
        ],
        basis: LB.opinion,
        routes: ['如不服本处理意见，可以自收到本意见书之日起30日内，向原办理机关的上一级机关请求复查（《信访工作条例》第三十五条）。'],
        ref: String(f['documentRef'] ?? ''),
      };
    case 'review_decision':
    case 're_review_decision': {
      const re = kind === 're_review_decision';
      return {
        paragraphs: [
          `${matter}，${re ? '经复核' : '经复查'}，${f['outcome'] === 'revised' ? `变更原处理意见为：${OUTCOMES[String(f['revisedOutcome'])] ?? ''}` : '维持原处理意见'}。`,
          `理由：${esc(f['reasons'])}`,
        ],
        basis: re ? LB.reReview : LB.review,
        routes: re
          ? ['本复核意见为最终意见。信访人对复核意见不服，仍以同一事实和理由提出投诉请求的，各级机关不再受理（《信访工作条例》第三十六条）。']
          : ['如不服本复查意见，可以自收到本意见书之日起30日内，向复查机关的上一级机关请求复核（《信访工作条例》第三十六条）。'],
        ref: String(f['documentRef'] ?? ''),
      };
    }
    default: {
      const never: never = kind;
      throw new DomainError('PETITIONS.DOCUMENT_NOT_FOUND', `未知文书：${String(never)}`, 'not_found');
    }
  }
}

const PRINT_CSS = `
@page { size: A4; margin: 25mm 22mm 22mm 22mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", "SimSun", "STSong", serif; font-size: 16pt; line-height: 1.9; color: #000; margin: 0; }
.page { max-width: 170mm; margin: 0 auto; padding: 10mm 0; }
h1 { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "SimHei", "Heiti SC", sans-serif; font-size: 22pt; text-align: center; letter-spacing: 0.1em; margin: 0 0 6mm; }
.ref { text-align: center; font-size: 14pt; margin-bottom: 8mm; }
p { text-indent: 2em; margin: 0 0 3mm; text-align: justify; }
p.addressee { text-indent: 0; }
.basis, .routes { font-size: 14pt; }
.routes h2, .basis h2 { font-size: 15pt; margin: 6mm 0 2mm; font-family: "Noto Sans CJK SC", "SimHei", sans-serif; }
.sign { text-align: right; margin-top: 14mm; }
@media screen { body { background: #eee; } .page { background: #fff; padding: 25mm 22mm; min-height: 297mm; box-shadow: 0 0 4mm #999; margin: 8mm auto; } }
`;

/** The body in whose name a document is issued. */
function signerOf(kind: DocumentKind, doc: DocumentFacts, v: PetitionView): string {
  switch (kind) {
    case 'acceptance_notice':
    case 'opinion':
      return v.handlingUnitId ?? doc.unitId;
    case 'review_decision':
      return v.state.review?.unitId ?? doc.unitId;
    case 're_review_decision':
      return v.state.reReview?.unitId ?? doc.unitId;
    case 'transfer_letter':
      return v.receivingUnitId;
    default:
      return doc.unitId;
  }
}

/** The whole printable page of one document. */
export function renderDocument(kind: DocumentKind, c: DocumentContext): string {
  const doc = documentFacts(c.view, kind);
  const body = bodyOf(kind, doc, c);
  const title = DOCUMENT_TITLES[kind];
  const addressee = kind === 'transfer_letter' ? c.unitName(String((doc.facts as Record<string, unknown>)['toUnitId'] ?? '')) : c.addressee;
  return `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${PRINT_CSS}</style></head>
<body><main class="page" data-document="${kind}" data-petition="${esc(c.view.petitionId)}">
<h1>${esc(title)}</h1>
${body.ref ? `<div class="ref">${esc(body.ref)}</div>` : ''}
<p class="addressee">${esc(addressee)}：</p>
${body.paragraphs.map((p) => `<p>${p}</p>`).join('\n')}
<section class="basis"><h2>依据</h2><p class="legal-basis">${esc(body.basis.replace(/;/g, '、'))}</p></section>
${body.routes.length ? `<section class="routes"><h2>救济途径</h2>${body.routes.map((r) => `<p>${esc(r)}</p>`).join('')}</section>` : ''}
<div class="sign"><div>${esc(c.unitName(signerOf(kind, doc, c.view)))}</div><div>${chineseDate(doc.at)}</div></div>
</main></body></html>`;
}
