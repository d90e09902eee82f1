import { applyDecorators, Controller } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';

/** The controller decorators of grid-dispatch's work-order command routes (`/grid-dispatch/cases/:caseId/...`). */
export const GridCaseCommands = (): ClassDecorator => applyDecorators(ApiTags('grid-dispatch'), ApiBearerAuth(), Controller('grid-dispatch/cases'));
