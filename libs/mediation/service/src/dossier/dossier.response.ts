/** The dossier of a case (what it holds, what it lacks), as the OpenAPI document describes it. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DOSSIER_ITEMS, DossierItemKind } from '@fengqiao/mediation-domain';
import type { DossierContents, DossierLine } from './dossier';

class DossierDocumentResponse {
  @ApiProperty({ description: '材料' }) documentRef!: string;
  @ApiProperty() addedAt!: string;
}

class DossierLineResponse implements DossierLine {
  @ApiProperty({ enum: DOSSIER_ITEMS }) item!: DossierItemKind;
  @ApiProperty({ description: '材料名称' }) label!: string;
  @ApiProperty({ description: '本案必备' }) required!: boolean;
  @ApiProperty({ type: [DossierDocumentResponse] }) documents!: DossierDocumentResponse[];
}

export class DossierResponse implements DossierContents {
  @ApiProperty() caseId!: string;
  @ApiProperty({ type: [DossierLineResponse], description: '卷宗的每一类材料，按卷宗顺序' }) lines!: DossierLineResponse[];
  @ApiProperty({ enum: DOSSIER_ITEMS, isArray: true, description: '尚缺的必备材料（缺材料不能归档）' }) missing!: DossierItemKind[];
  @ApiProperty({ description: '必备材料齐全' }) complete!: boolean;
  @ApiPropertyOptional({ type: [String], description: '调解委员会的单位路径' }) jurisdiction?: string[];
}
