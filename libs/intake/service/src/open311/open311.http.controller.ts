import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { CorrelationId, Public, RateLimit } from '@fengqiao/platform';

import { Open311Discovery, Open311Handler, Open311PostResponse } from './open311.handler';
import { Open311Service, Open311ServiceDefinition, Open311ServiceRequest } from './open311.mapper';
import { Open311ExceptionFilter } from './open311.exception-filter';
import {
  Open311DiscoveryResponse,
  Open311PostAnswer,
  Open311ServiceDefinitionResponse,
  Open311ServiceRequestResponse,
  Open311ServiceResponse,
} from './open311.response';
import { Open311ItemQuery, Open311ListQuery, Open311PostRequest } from './open311.request.dto';
import { discoveryXml, postResponseXml, serviceDefinitionXml, serviceRequestsXml, servicesXml, XML_CONTENT_TYPE } from './open311.xml';

export const OPEN311_ROOT = 'open311/v2';

interface HostRequest {
  protocol: string;
  get(name: string): string | undefined;
}

export type Open311Format = 'json' | 'xml';

/** `services/fire_lane_blocked.json` → `fire_lane_blocked`, json; `….xml` → xml; no suffix → json. */
export function stripFormat(name: string): { name: string; format: Open311Format } {
  if (name.endsWith('.json')) return { name: name.slice(0, -'.json'.length), format: 'json' };
  if (name.endsWith('.xml')) return { name: name.slice(0, -'.xml'.length), format: 'xml' };
  return { name, format: 'json' };
}

interface TypedResponse {
  setHeader(name: string, value: string): unknown;
}

/** The value as JSON (Nest serialises it), or its XML document with the XML content type. */
/**
 * A 200 whose format the last path segment's suffix picks (Open311: `….xml` XML, `….json` or none
 * JSON), so both media types are declared: the JSON schema, and the GeoReport v2 XML as a string.
 */
const jsonOrXml = (json: Record<string, unknown>, description?: string) =>
  ApiOkResponse({
    ...(description ? { description } : {}),
    content: { 'application/json': { schema: json }, 'text/xml': { schema: { type: 'string', description: 'Open311 GeoReport v2 XML' } } },
  });

function answer<T>(res: TypedResponse, format: Open311Format, value: T, xml: (value: T) => string): T | string {
  if (format === 'json') return value;
  res.setHeader('Content-Type', XML_CONTENT_TYPE);
  return xml(value);
}

/**
 * Open311 GeoReport v2, in XML (`.xml`) and JSON (`.json`, or no suffix). Reads are public (no
 * token, CORS open to any origin: platform `corsOptionsDelegate`); POST requests needs the
 * `api_key` of a registered client (not a user token) and is rate-limited per client address.
 * Errors come as `[{code, description}]` or `<errors><error>…` in the request's format
 * (Open311ExceptionFilter), one per failing field.
 */
@ApiTags('open311')
@ApiExtraModels(Open311ServiceDefinitionResponse, Open311ServiceRequestResponse)
@Controller(OPEN311_ROOT)
@Public()
@UseFilters(Open311ExceptionFilter)
export class Open311Controller {
  constructor(@Inject(Open311Handler) private readonly handler: Open311Handler) {}

  @Get(['discovery.json', 'discovery'])
  @ApiOperation({ summary: 'Open311 服务发现（discovery）' })
  @ApiOkResponse({ type: Open311DiscoveryResponse })
  discovery(@Req() req: HostRequest): Open311Discovery {
    return this.handler.discovery(`${req.protocol}://${req.get('host') ?? 'localhost'}/${OPEN311_ROOT}`);
  }

  @Get('discovery.xml')
  @ApiOperation({ summary: 'Open311 服务发现（XML）' })
  @ApiProduces('text/xml')
  discoveryXml(@Req() req: HostRequest, @Res({ passthrough: true }) res: TypedResponse): string | Open311Discovery {
    return answer(res, 'xml', this.discovery(req), discoveryXml);
  }

  @Get(['services.json', 'services'])
  @ApiOperation({ summary: 'Open311 服务列表：可经 Open311 反映的事件类别' })
  @ApiOkResponse({ type: [Open311ServiceResponse] })
  services(@Query() query: Open311ItemQuery): Open311Service[] {
    this.handler.checkJurisdiction(query.jurisdiction_id);
    return this.handler.services();
  }

  @Get('services.xml')
  @ApiOperation({ summary: 'Open311 服务列表（XML）' })
  @ApiProduces('text/xml')
  servicesXml(@Query() query: Open311ItemQuery, @Res({ passthrough: true }) res: TypedResponse): string | Open311Service[] {
    return answer(res, 'xml', this.services(query), servicesXml);
  }

  @Get('services/:code')
  @ApiOperation({
    summary: 'Open311 服务定义',
    description: '所有服务 metadata 均为 false（没有附加属性）：已知服务返回 { service_code, attributes: [] }，未知服务返回 404。',
  })
  @ApiParam({ name: 'code', description: '服务编码；以 .xml 结尾时返回 XML，以 .json 结尾或无后缀时返回 JSON' })
  @jsonOrXml({ $ref: getSchemaPath(Open311ServiceDefinitionResponse) })
  serviceDefinition(
    @Param('code') code: string,
    @Query() query: Open311ItemQuery,
    @Res({ passthrough: true }) res: TypedResponse,
  ): Open311ServiceDefinition | string {
    this.handler.checkJurisdiction(query.jurisdiction_id);
    const { name, format } = stripFormat(code);
    return answer(res, format, this.handler.serviceDefinition(name), serviceDefinitionXml);
  }

  @Get(['requests.json', 'requests'])
  @ApiOperation({
    summary: 'Open311 查询服务请求',
    description:
      '默认最近 90 天、最多 1000 条，最新在前；service_request_id（逗号分隔）优先于其他条件；start_date 与 end_date 相差不超过 90 天；status 为 open 或 closed；扩展 page、page_size。不含反映人信息，描述和地址中的电话、身份证号已脱敏。',
  })
  @ApiOkResponse({ type: [Open311ServiceRequestResponse] })
  requests(@Query() query: Open311ListQuery): Promise<Open311ServiceRequest[]> {
    return this.handler.requests(query);
  }

  @Get('requests.xml')
  @ApiOperation({ summary: 'Open311 查询服务请求（XML）' })
  @ApiProduces('text/xml')
  async requestsXml(@Query() query: Open311ListQuery, @Res({ passthrough: true }) res: TypedResponse): Promise<string | Open311ServiceRequest[]> {
    return answer(res, 'xml', await this.handler.requests(query), serviceRequestsXml);
  }

  @Post(['requests.json', 'requests'])
  @HttpCode(201)
  @RateLimit('intake')
  @ApiOperation({
    summary: 'Open311 提交服务请求',
    description:
      '需要 api_key；lat+long 或 address_string 至少一项；description 必填。以“网上”渠道登记为事件，由区综治中心受理，反映人姓名电话仅供回访、不公开。',
  })
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({ type: Open311PostRequest })
  @ApiCreatedResponse({ type: [Open311PostAnswer], description: '服务请求编号（即事件编号）' })
  post(@Body() body: Open311PostRequest, @CorrelationId() correlationId: string | undefined): Promise<Open311PostResponse[]> {
    return this.handler.post(body, correlationId);
  }

  @Post('requests.xml')
  @HttpCode(201)
  @RateLimit('intake')
  @ApiOperation({ summary: 'Open311 提交服务请求（XML 应答）' })
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiProduces('text/xml')
  @ApiBody({ type: Open311PostRequest })
  async postXml(
    @Body() body: Open311PostRequest,
    @CorrelationId() correlationId: string | undefined,
    @Res({ passthrough: true }) res: TypedResponse,
  ): Promise<string | Open311PostResponse[]> {
    return answer(res, 'xml', await this.handler.post(body, correlationId), postResponseXml);
  }

  @Get('requests/:id')
  @ApiOperation({ summary: 'Open311 查看一个服务请求' })
  @ApiParam({ name: 'id', description: '服务请求编号；以 .xml 结尾时返回 XML，以 .json 结尾或无后缀时返回 JSON' })
  @jsonOrXml({ type: 'array', items: { $ref: getSchemaPath(Open311ServiceRequestResponse) } }, '一个服务请求（Open311 以列表返回）')
  async request(
    @Param('id') id: string,
    @Query() query: Open311ItemQuery,
    @Res({ passthrough: true }) res: TypedResponse,
  ): Promise<Open311ServiceRequest[] | string> {
    this.handler.checkJurisdiction(query.jurisdiction_id);
    const { name, format } = stripFormat(id);
    return answer(res, format, await this.handler.request(name), serviceRequestsXml);
  }
}
