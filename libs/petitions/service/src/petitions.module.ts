import { DynamicModule, Module } from '@nestjs/common';
import { demoEnabled } from '@fengqiao/demo';
import type { Directory } from '@fengqiao/identity';
import { buildContextModule, directoryInUse, freeTextPersonalData, HealthRegistry, LIVE_DIRECTORY, SERVICE_CONFIG, ServiceConfig } from '@fengqiao/platform';
import { AnswerPetitionController } from './answer-petition/answer-petition.http.controller';
import { DecideAcceptanceController } from './decide-acceptance/decide-acceptance.http.controller';
import { HandlePetitionController } from './handle-petition/handle-petition.http.controller';
import { referralConsumer } from './on-case-referred/on-case-referred.consumer';
import { petitionsCalendarConsumer } from './calendar/petition-deadline-revision';
import { PetitionDeskController } from './petition-desk/petition-desk.http.controller';
import { PetitionDocumentsController } from './petition-documents/petition-documents.http.controller';
import { PublicPetitionsController } from './public-petitions/public-petitions.http.controller';
import { PETITIONS, PETITIONS_CONTEXT, PetitionsContext } from './petitions.context';
import { PetitionsModuleOptions, resolvePetitionsOptions } from './petitions.options';
import { publishPetitionEvent } from './publishing/petitions.publish';
import { ReceptionController } from './reception/reception.http.controller';
import { RegisterPetitionController } from './register-petition/register-petition.http.controller';
import { ReviewPetitionController } from './review-petition/review-petition.http.controller';
import { RoutePetitionController } from './route-petition/route-petition.http.controller';
import { petitionsAudit } from './audit/petition.audit';
import { SupervisePetitionController } from './supervise-petition/supervise-petition.http.controller';

const BINDER = Symbol.for('fengqiao.petitions.binder');

/**
 * The petitions context (DESIGN §2 journey 3, §5.3, 信访工作条例 2022): hosted by services/petitions
 * (distributed) and services/standalone. Publishes `petitions.petition.events.v1`; consumes
 * `grid-dispatch.case.events.v1` (grid cases referred to petitions).
 */
@Module({})
export class PetitionsModule {
  static register(options: PetitionsModuleOptions = {}): DynamicModule {
    let config: ServiceConfig | undefined;
    const ctx = new PetitionsContext(resolvePetitionsOptions(options), () => demoEnabled(config?.mode ?? 'standalone', options.env));
    return buildContextModule(PetitionsModule, {
      name: PETITIONS,
      audit: petitionsAudit,
      controllers: [
        PetitionDeskController,
        RegisterPetitionController,
        RoutePetitionController,
        DecideAcceptanceController,
        HandlePetitionController,
        AnswerPetitionController,
        ReviewPetitionController,
        SupervisePetitionController,
        PetitionDocumentsController,
        PublicPetitionsController,
        ReceptionController,
      ],
      providers: [
        { provide: PETITIONS_CONTEXT, useValue: ctx },
        {
          // hands the context what only Nest can give: the in-process directory and the service config
          provide: BINDER,
          inject: [
            { token: LIVE_DIRECTORY, optional: true },
            { token: SERVICE_CONFIG, optional: true },
            { token: HealthRegistry, optional: true },
          ],
          useFactory: (live: Directory | undefined, cfg: ServiceConfig | undefined, health: HealthRegistry | undefined) => {
            config = cfg;
            ctx.bind(directoryInUse(live), cfg);
            health?.add({ key: `${PETITIONS}.views`, check: async () => ctx.health() });
            return true;
          },
        },
      ],
      runtime: {
        publish: publishPetitionEvent,
        consumers: [referralConsumer(ctx), petitionsCalendarConsumer(ctx)],
        // petitioners are sealed by Petitioners; phone and ID numbers in free text for the petition's text subject
        personalData: { keysAttachedByContext: true, policy: freeTextPersonalData((e) => `text-${e.streamId}`) },
        onReady: (runtime) => ctx.start(runtime, config),
        onStop: () => ctx.stop(),
      },
    });
  }
}
