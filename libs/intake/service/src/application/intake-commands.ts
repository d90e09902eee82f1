import { applyDecorators, Controller } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';

/** The controller decorators of intake's case-command routes (`/intake/cases/...`). */
export const IntakeCommands = (): ClassDecorator => applyDecorators(ApiTags('intake'), ApiBearerAuth(), Controller('intake/cases'));
