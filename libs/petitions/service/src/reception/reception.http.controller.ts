import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@fengqiao/identity';
import { CurrentPrincipal, Public, RateLimit, RequireAction } from '@fengqiao/platform';
import { PETITIONS_CONTEXT, PetitionsContext } from '../petitions.context';
import { Reception } from './reception.handler';
import { DefineReceptionPointRequest, ScheduleQuery, ScheduleReceptionDayRequest } from './reception.request.dto';
import { ReceptionDayReportResponse, ReceptionDayResponse, ReceptionPointResponse, ReceptionScheduleResponse } from './reception.response';

/** 家门口信访: reception points and leaders' reception days (the office keeps them; the schedule is public). */
@ApiTags('petitions')
@Controller()
export class ReceptionController {
  private readonly reception: Reception;
  constructor(@Inject(PETITIONS_CONTEXT) ctx: PetitionsContext) {
    this.reception = new Reception(ctx);
  }

  @Post('petitions/reception-points')
  @HttpCode(201)
  @ApiBearerAuth()
  @RequireAction('petition.reception')
  @ApiOperation({ summary: '设立接访点', description: '村居、街镇综治中心的家门口信访接待点。' })
  @ApiCreatedResponse({ type: ReceptionPointResponse })
  definePoint(@Body() body: DefineReceptionPointRequest, @CurrentPrincipal() principal: Principal) {
    return this.reception.definePoint(principal, body);
  }

  @Post('petitions/reception-days')
  @HttpCode(201)
  @ApiBearerAuth()
  @RequireAction('petition.reception')
  @ApiOperation({ summary: '安排领导接访日', description: '哪位领导、在哪个接访点、何时接访。' })
  @ApiCreatedResponse({ type: ReceptionDayResponse })
  scheduleDay(@Body() body: ScheduleReceptionDayRequest, @CurrentPrincipal() principal: Principal) {
    return this.reception.scheduleDay(principal, body);
  }

  @Post('petitions/reception-days/:dayId/cancel')
  @HttpCode(200)
  @ApiBearerAuth()
  @RequireAction('petition.reception')
  @ApiOperation({ summary: '取消领导接访日' })
  @ApiOkResponse({ type: ReceptionDayResponse })
  cancelDay(@Param('dayId') dayId: string, @CurrentPrincipal() principal: Principal) {
    return this.reception.cancelDay(principal, dayId);
  }

  @Get('petitions/reception-days/:dayId')
  @ApiBearerAuth()
  @RequireAction('petition.list')
  @ApiOperation({ summary: '接访日成效', description: '该接访日登记的信访事项及其办理状态。' })
  @ApiOkResponse({ type: ReceptionDayReportResponse })
  dayReport(@Param('dayId') dayId: string, @CurrentPrincipal() principal: Principal) {
    return this.reception.dayReport(principal, dayId);
  }

  @Get('public/petitions/reception-schedule')
  @Public()
  @RateLimit('petition_public')
  @ApiOperation({ summary: '家门口信访接访安排（公开）', description: '接访点和领导接访日：谁、在哪里、什么时候。' })
  @ApiOkResponse({ type: ReceptionScheduleResponse })
  schedule(@Query() q: ScheduleQuery) {
    return this.reception.schedule(q.from, q.days);
  }
}
