/** 家门口信访's answers: reception points, leaders' reception days, the public schedule and a day's report. */
import { ApiProperty } from '@nestjs/swagger';
import { PetitionListItemResponse } from '../petition-desk/petition-desk.response';
import { RECEPTION_POINT_KINDS, type ReceptionDay, type ReceptionPoint } from '../read-models/reception-views';

/** A reception point as the public schedule shows it (without its jurisdiction). */
export class PublicReceptionPointResponse {
  @ApiProperty() pointId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: RECEPTION_POINT_KINDS }) kind!: ReceptionPoint['kind'];
  @ApiProperty({ description: '服务的村居、街镇或区' }) unitId!: string;
  @ApiProperty() address!: string;
  @ApiProperty({ description: '接待时间' }) openHours!: string;
}

export class ReceptionPointResponse extends PublicReceptionPointResponse implements ReceptionPoint {
  @ApiProperty({ type: [String] }) jurisdiction!: string[];
}

/** A leader's reception day as the public schedule shows it (without its jurisdiction). */
export class PublicReceptionDayResponse {
  @ApiProperty() dayId!: string;
  @ApiProperty() pointId!: string;
  @ApiProperty() pointName!: string;
  @ApiProperty({ description: '当地日期 YYYY-MM-DD' }) date!: string;
  @ApiProperty({ description: 'HH:mm' }) startTime!: string;
  @ApiProperty({ description: 'HH:mm' }) endTime!: string;
  @ApiProperty() leaderName!: string;
  @ApiProperty() leaderTitle!: string;
  @ApiProperty() unitId!: string;
  @ApiProperty() cancelled!: boolean;
}

export class ReceptionDayResponse extends PublicReceptionDayResponse implements ReceptionDay {
  @ApiProperty({ type: [String] }) jurisdiction!: string[];
}

export class ReceptionScheduleResponse {
  @ApiProperty({ description: '自（含）YYYY-MM-DD' }) from!: string;
  @ApiProperty({ description: '至（不含）YYYY-MM-DD' }) until!: string;
  @ApiProperty({ type: [PublicReceptionPointResponse] }) points!: PublicReceptionPointResponse[];
  @ApiProperty({ type: [PublicReceptionDayResponse], description: '未取消的接访日，按日期' }) days!: PublicReceptionDayResponse[];
}

export class ReceptionDayReportResponse {
  @ApiProperty({ type: ReceptionDayResponse }) day!: ReceptionDayResponse;
  @ApiProperty({ type: 'integer', description: '登记的信访事项数' }) petitions!: number;
  @ApiProperty({ type: 'integer', description: '其中集体访' }) groupVisits!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' } }) byStatus!: Record<string, number>;
  @ApiProperty({ type: [PetitionListItemResponse] }) items!: PetitionListItemResponse[];
}
