/** The Open311 GeoReport v2 answers in JSON, as the OpenAPI document describes them. */
import { ApiProperty } from '@nestjs/swagger';
import type { Open311Discovery, Open311PostResponse } from './open311.handler';
import type { Open311Service, Open311ServiceDefinition, Open311ServiceRequest } from './open311.mapper';

class Open311EndpointResponse {
  @ApiProperty({ example: 'http://wiki.open311.org/GeoReport_v2' }) specification!: string;
  @ApiProperty() url!: string;
  @ApiProperty() changeset!: string;
  @ApiProperty({ enum: ['production', 'test'] }) type!: 'production' | 'test';
  @ApiProperty({ type: [String], example: ['text/xml', 'application/json'] }) formats!: string[];
}

export class Open311DiscoveryResponse implements Open311Discovery {
  @ApiProperty() changeset!: string;
  @ApiProperty() contact!: string;
  @ApiProperty() key_service!: string;
  @ApiProperty({ type: [Open311EndpointResponse] }) endpoints!: Open311EndpointResponse[];
}

export class Open311ServiceResponse implements Open311Service {
  @ApiProperty() service_code!: string;
  @ApiProperty() service_name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: Boolean, enum: [false], description: '没有附加属性 (no extra attributes)' }) metadata!: false;
  @ApiProperty({ enum: ['realtime'] }) type!: 'realtime';
  @ApiProperty({ description: '逗号分隔 (comma-separated)' }) keywords!: string;
  @ApiProperty() group!: string;
}

export class Open311ServiceDefinitionResponse implements Open311ServiceDefinition {
  @ApiProperty() service_code!: string;
  @ApiProperty({ type: 'array', items: { type: 'object' }, maxItems: 0, description: '总是空列表 (always empty)' }) attributes!: never[];
}

export class Open311ServiceRequestResponse implements Open311ServiceRequest {
  @ApiProperty() service_request_id!: string;
  @ApiProperty({ enum: ['open', 'closed'] }) status!: 'open' | 'closed';
  @ApiProperty() status_notes!: string;
  @ApiProperty() service_name!: string;
  @ApiProperty() service_code!: string;
  @ApiProperty({ description: '电话、身份证号已脱敏' }) description!: string;
  @ApiProperty({ type: String, nullable: true }) agency_responsible!: string | null;
  @ApiProperty({ type: String, nullable: true }) service_notice!: string | null;
  @ApiProperty() requested_datetime!: string;
  @ApiProperty() updated_datetime!: string;
  @ApiProperty({ type: String, nullable: true, description: '办理期限（在办时）' }) expected_datetime!: string | null;
  @ApiProperty({ type: String, nullable: true }) address!: string | null;
  @ApiProperty({ type: String, nullable: true }) address_id!: string | null;
  @ApiProperty({ type: String, nullable: true }) zipcode!: string | null;
  @ApiProperty({ type: Number, nullable: true }) lat!: number | null;
  @ApiProperty({ type: Number, nullable: true }) long!: number | null;
  @ApiProperty({ type: String, nullable: true }) media_url!: string | null;
}

export class Open311PostAnswer implements Open311PostResponse {
  @ApiProperty() service_request_id!: string;
  @ApiProperty() service_notice!: string;
}
