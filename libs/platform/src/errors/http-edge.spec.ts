/**
 * The HTTP edge of every service (body parsers, input-safety guard, validation pipe, error filter)
 * on the real platform bootstrap: unsafe text, explicit nulls, deep bodies and wrong content types
 * are 400/415 with a code and a Chinese message naming the field, and no handler runs for them.
 */
import { Body, Controller, Get, Module, Param, Post, Query } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsObject, IsOptional, IsString, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServiceConfig } from '../config/service-config';
import { Public } from '../auth/decorators';
import { RunningService, startService } from '../bootstrap/create-app';
import { buildContextModule } from '../bootstrap/context-module';
import type { FieldError } from './messages';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const jsonOf = (res: Response): Promise<any> => res.json();

class ContactDto {
  @IsBoolean()
  anonymous!: boolean;

  @IsOptional()
  @IsString()
  @MaxLength(50)
  name?: string;
}

class NoteDto {
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;

  @IsOptional()
  @IsIn(['normal', 'urgent'])
  urgency?: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  @ValidateIf((o: NoteDto) => o.gridId !== undefined && o.gridId !== null)
  @IsString()
  gridId?: string | null;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ContactDto)
  contact?: ContactDto;
}

class ListQuery {
  @IsOptional()
  @IsString()
  status?: string;
}

const calls: string[] = [];

@Public()
@Controller('edge')
class EdgeController {
  @Post(':id/note')
  note(@Param('id') id: string, @Body() body: NoteDto) {
    calls.push(`note ${id}`);
    return { id, body };
  }
  /** a route that takes any body, without a DTO: the guard still sees it */
  @Post('raw')
  raw(@Body() body: unknown) {
    calls.push('raw');
    return { body };
  }
  @Get('list')
  list(@Query() query: ListQuery) {
    calls.push('list');
    return query;
  }
}

@Module({})
class EdgeContextModule {}

const CJK = /[\u4e00-\u9fff]/;

describe('HTTP edge: no unsafe input reaches a handler, and every refusal speaks Chinese', () => {
  let service: RunningService;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fq-edge-'));
    service = await startService(
      { name: 'edge', title: 'edge', imports: [buildContextModule(EdgeContextModule, { name: 'edge-context', controllers: [EdgeController] })] },
      loadServiceConfig('edge', { port: 0, mode: 'standalone' }, { FENGQIAO_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }),
    );
  });
  afterAll(async () => {
    await service?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    calls.length = 0;
  });

  const send = (path: string, body: string, contentType = 'application/json') =>
    fetch(`${service.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
  const post = (path: string, body: unknown) => send(path, JSON.stringify(body));
  const refusal = async (res: Response): Promise<{ status: number; code: string; fields: Pick<FieldError, 'field' | 'code' | 'in'>[] }> => {
    const body = await jsonOf(res);
    expect(body.message).toMatch(CJK);
    for (const f of body.details?.fields ?? []) expect(f.message).toMatch(CJK);
    return {
      status: res.status,
      code: body.code,
      fields: (body.details?.fields ?? []).map((f: FieldError) => ({ field: f.field, code: f.code, ...(f.in ? { in: f.in } : {}) })),
    };
  };

  it('accepts safe text, line breaks in free text, and null where the DTO declares it nullable', async () => {
    const res = await post('/edge/c-1/note', { note: '第一行\n第二行\t完', gridId: null, contact: { anonymous: true, name: '张三' } });
    expect(res.status).toBe(201);
    expect(calls).toEqual(['note c-1']);
  });

  it.each([
    ['NUL in a field', { note: 'a\u0000b' }, 'note', 'INPUT.CONTROL_CHARACTER'],
    ['ESC in a nested field', { contact: { anonymous: true, name: 'x\u001b[31m' } }, 'contact.name', 'INPUT.CONTROL_CHARACTER'],
    ['a C1 control', { note: 'x\u0085' }, 'note', 'INPUT.CONTROL_CHARACTER'],
    ['a lone surrogate', { note: 'x\ud800' }, 'note', 'INPUT.LONE_SURROGATE'],
    ['a lone low surrogate in a key', { ['k\udc00']: 1 }, 'k\udc00', 'INPUT.LONE_SURROGATE'],
    ['an over-long string', { note: 'x'.repeat(20_001) }, 'note', 'INPUT.TOO_LONG'],
  ])('400 for %s, before any handler', async (_what, body, field, code) => {
    for (const path of ['/edge/c-1/note', '/edge/raw']) {
      expect(await refusal(await post(path, body))).toEqual({ status: 400, code: 'VALIDATION_FAILED', fields: [{ field, code }] });
    }
    expect(calls).toEqual([]);
  });

  it('checks route parameters and query strings too, where even line breaks are refused', async () => {
    expect(await refusal(await post('/edge/a%00b/note', {}))).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
      fields: [{ field: 'id', code: 'INPUT.CONTROL_CHARACTER', in: 'path' }],
    });
    expect(await refusal(await post('/edge/a%0Ab/note', {}))).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
      fields: [{ field: 'id', code: 'INPUT.CONTROL_CHARACTER', in: 'path' }],
    });
    expect(await refusal(await fetch(`${service.url}/edge/list?status=open%00`))).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
      fields: [{ field: 'status', code: 'INPUT.CONTROL_CHARACTER', in: 'query' }],
    });
    expect(await refusal(await fetch(`${service.url}/edge/list?colour=red`))).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
      fields: [{ field: 'colour', code: 'VALIDATION.UNKNOWN_FIELD', in: 'query' }],
    });
    expect(calls).toEqual([]);
  });

  it('refuses explicit null for an optional field, naming it, at any depth', async () => {
    expect(await refusal(await post('/edge/c-1/note', { note: null }))).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
      fields: [{ field: 'note', code: 'VALIDATION.NULL_NOT_ALLOWED' }],
    });
    expect(await refusal(await post('/edge/c-1/note', { urgency: null, contact: { anonymous: true, name: null } }))).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
      fields: [
        { field: 'urgency', code: 'VALIDATION.NULL_NOT_ALLOWED' },
        { field: 'contact.name', code: 'VALIDATION.NULL_NOT_ALLOWED' },
      ],
    });
    expect(await refusal(await post('/edge/c-1/note', { contact: null }))).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
      fields: [{ field: 'contact', code: 'VALIDATION.NULL_NOT_ALLOWED' }],
    });
    expect(calls).toEqual([]);
  });

  it('refuses a body nested 5,000 deep in the body parser, and keeps answering', async () => {
    for (const body of ['['.repeat(5000) + ']'.repeat(5000), `{"note":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`]) {
      expect(await refusal(await send('/edge/c-1/note', body))).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
        fields: [{ field: 'body', code: 'INPUT.TOO_DEEP' }],
      });
    }
    // nested forms are limited too
    const form = `a${'[b]'.repeat(40)}=1`;
    expect((await send('/edge/raw', form, 'application/x-www-form-urlencoded')).status).toBe(400);
    expect(calls).toEqual([]);
    expect((await post('/edge/c-1/note', { note: '还在' })).status).toBe(201);
  });

  it('names unknown fields, wrong shapes and wrong values in Chinese with stable codes', async () => {
    expect(await refusal(await post('/edge/c-1/note', { colour: 'red', urgency: 'whenever', contact: 'x' }))).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
      fields: expect.arrayContaining([
        { field: 'colour', code: 'VALIDATION.UNKNOWN_FIELD' },
        { field: 'urgency', code: 'VALIDATION.NOT_ALLOWED_VALUE' },
        { field: 'contact', code: 'VALIDATION.OBJECT_EXPECTED' },
      ]),
    });
    expect(await refusal(await post('/edge/c-1/note', [1, 2]))).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
      fields: [{ field: 'body', code: 'VALIDATION.OBJECT_EXPECTED' }],
    });
    const message = (await jsonOf(await post('/edge/c-1/note', { urgency: 'whenever' }))).details.fields[0].message;
    expect(message).toBe('urgency 须为 normal、urgent 之一');
  });

  it('answers 415 in Chinese for a body that is neither JSON nor a form, or not UTF-8', async () => {
    for (const contentType of ['text/plain', 'application/json; charset=latin1', 'application/xml']) {
      const res = await send('/edge/c-1/note', '{"note":"x"}', contentType);
      expect(await refusal(res)).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', fields: [] });
    }
    expect(calls).toEqual([]);
  });

  it('refuses a JSON body that is not valid UTF-8 instead of storing U+FFFD for its bytes', async () => {
    // found by hand against the standalone app: these were decoded with replacement characters and a case was stored
    const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
    for (const body of [
      bytes('{"note":"', [0xff, 0xfe], '"}'), // bytes that never occur in UTF-8
      bytes('{"note":"a', [0xc0, 0x80], 'b"}'), // an overlong NUL
      bytes('{"note":"', [0xed, 0xa0, 0x80], '"}'), // a surrogate encoded as if it were a character (CESU-8)
      bytes('{"note":"', [0xe4, 0xb8], '"}'), // a character cut short
    ]) {
      for (const contentType of ['application/json', 'application/json; charset=utf-8']) {
        const res = await fetch(`${service.url}/edge/raw`, { method: 'POST', headers: { 'content-type': contentType }, body });
        expect(await refusal(res)).toEqual({ status: 400, code: 'BODY.INVALID_UTF8', fields: [] });
      }
    }
    expect(calls).toEqual([]);
    // real UTF-8, a byte-order mark included, still goes through
    expect(
      (
        await fetch(`${service.url}/edge/raw`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: bytes([0xef, 0xbb, 0xbf], '{"note":"枫桥😀"}'),
        })
      ).status,
    ).toBe(201);
  });

  it('answers malformed JSON and unknown routes with a code and a Chinese message', async () => {
    expect(await refusal(await send('/edge/c-1/note', '{"note":'))).toEqual({ status: 400, code: 'BAD_REQUEST', fields: [] });
    expect(await refusal(await fetch(`${service.url}/nowhere`))).toEqual({ status: 404, code: 'NOT_FOUND', fields: [] });
  });
});
