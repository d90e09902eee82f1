import { ApiError, namePath, toApiError } from './api-error';

describe('toApiError', () => {
  it('keeps the Chinese message and the code, and names each field once ("missing" before other checks)', () => {
    const e = toApiError(400, {
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      message: '提交的内容有误，请检查标注的字段',
      details: {
        fields: [
          { field: 'category', constraint: 'maxLength', message: '事件类别编码不能超过 64 字' },
          { field: 'category', constraint: 'isNotEmpty', message: '请选择事件类别' },
          { field: 'location.address', constraint: 'isString', message: '地址须为文字' },
        ],
      },
    });
    expect(e).toBeInstanceOf(ApiError);
    expect([e.status, e.code, e.message]).toEqual([400, 'VALIDATION_FAILED', '提交的内容有误，请检查标注的字段']);
    expect(e.fields).toEqual([
      { field: 'category', message: '请选择事件类别' },
      { field: 'location.address', message: '地址须为文字' },
    ]);
  });

  it('reads a single named field and a list of fields', () => {
    expect(toApiError(400, { code: 'X', message: 'm', details: { field: 'reason', message: '请填写理由' } }).fields).toEqual([
      { field: 'reason', message: '请填写理由' },
    ]);
    expect(toApiError(400, { code: 'X', message: 'm', details: [{ property: 'unitId', messages: ['请选择承办单位'] }] }).fields).toEqual([
      { field: 'unitId', message: '请选择承办单位' },
    ]);
  });

  it('gives a Chinese message when the body is not the API shape (a proxy error page, nothing at all)', () => {
    expect(toApiError(502, '<html>Bad Gateway</html>').message).toBe('服务暂时不可用（502），请稍后再试');
    expect(toApiError(0, undefined).message).toContain('无法连接服务器');
    expect(toApiError(412, null).code).toBe('HTTP_412');
  });

  it('turns a dotted field into a form name path', () => {
    expect(namePath('attachments.0.ref')).toEqual(['attachments', 0, 'ref']);
  });
});
