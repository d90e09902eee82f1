/**
 * The response shapes of the audit routes (per store here, per matter in analytics), as the OpenAPI
 * document describes them for clients generated in other languages. The types they mirror live in
 * `@fengqiao/event-store` (checkpoints, stored events, evidence bundles, store verification) and in
 * `context-audit.ts`.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CHECKPOINT_EXPORT_FORMAT, EVIDENCE_BUNDLE_FORMAT } from '@fengqiao/event-store';

const INTEGRITY_CHECKS = ['log_order', 'chain', 'checkpoint'];

/** A checkpoint signing key (Ed25519, JWK). */
export class CheckpointKeyResponse {
  @ApiProperty({ enum: ['OKP'] }) kty!: 'OKP';
  @ApiProperty({ enum: ['Ed25519'] }) crv!: 'Ed25519';
  @ApiProperty({ description: '公钥 (base64url)' }) x!: string;
  @ApiProperty() kid!: string;
  @ApiProperty({ enum: ['EdDSA'] }) alg!: 'EdDSA';
  @ApiProperty({ enum: ['sig'] }) use!: 'sig';
}

export class CheckpointKeySetResponse {
  @ApiProperty({ type: [CheckpointKeyResponse], description: '现用及已退役的检查点签名公钥 (current and retired signing keys)' })
  keys!: CheckpointKeyResponse[];
}

export class CheckpointResponse {
  @ApiProperty({ description: '日志来源 (the log the checkpoint is of)' }) origin!: string;
  @ApiProperty({ type: 'integer' }) treeSize!: number;
  @ApiProperty({ description: 'Merkle 根哈希 (hex)' }) rootHash!: string;
  @ApiProperty({ format: 'date-time' }) timestamp!: string;
  @ApiProperty() keyId!: string;
}

/** A signed checkpoint in its exported, self-describing form. */
export class ExportedCheckpointResponse {
  @ApiProperty({ enum: [CHECKPOINT_EXPORT_FORMAT] }) format!: string;
  @ApiProperty({ type: CheckpointResponse }) checkpoint!: CheckpointResponse;
  @ApiProperty({ description: 'Ed25519 签名 (base64url)' }) signature!: string;
  @ApiProperty({ type: CheckpointKeyResponse }) publicKey!: CheckpointKeyResponse;
}

export class CheckpointListResponse {
  @ApiProperty() context!: string;
  @ApiProperty() origin!: string;
  @ApiProperty({ type: [ExportedCheckpointResponse], description: '由旧到新 (oldest first)' }) checkpoints!: ExportedCheckpointResponse[];
}

export class ActorResponse {
  @ApiProperty() userId!: string;
  @ApiProperty() role!: string;
  @ApiProperty() unitId!: string;
  @ApiPropertyOptional({ type: 'integer', description: '行为时的组织目录版本' }) directoryVersion?: number;
}

/** What every stored event's envelope holds, apart from where the store put it (DESIGN §4). */
export class HashedEventResponse {
  @ApiProperty() id!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ type: 'integer' }) schemaVersion!: number;
  @ApiProperty() streamId!: string;
  @ApiProperty({ type: 'integer', description: '在事件流中的位置（从 0 起）' }) revision!: number;
  @ApiProperty({ description: '业务时间 (business time)' }) occurredAt!: string;
  @ApiProperty({ format: 'date-time', description: '入库时间 (store time)' }) recordedAt!: string;
  @ApiProperty({ type: ActorResponse }) actor!: ActorResponse;
  @ApiProperty() correlationId!: string;
  @ApiProperty() causationId!: string;
  @ApiProperty({ type: [String] }) jurisdiction!: string[];
  @ApiPropertyOptional() legalBasis?: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: '事件内容（个人信息按审计范围遮盖）' }) data!: Record<string, unknown>;
  @ApiProperty({ description: 'SHA-256 (hex)，按事件流链接' }) hash!: string;
}

export class StoredEventResponse extends HashedEventResponse {
  @ApiProperty({ type: 'integer', description: '全库顺序中的位置' }) globalPosition!: number;
  @ApiPropertyOptional({ description: 'W3C traceparent' }) traceparent?: string;
}

export class AuditStreamResponse {
  @ApiProperty() context!: string;
  @ApiProperty() streamId!: string;
  @ApiPropertyOptional() kind?: string;
  @ApiPropertyOptional() kindLabel?: string;
  @ApiProperty({ type: [StoredEventResponse] }) events!: StoredEventResponse[];
  @ApiPropertyOptional({ type: 'array', items: { type: 'string', nullable: true }, description: '每个事件之后的状态（按版本）' })
  statusAfter?: Array<string | null>;
  @ApiProperty({ enum: ['shown', 'masked', 'none'] }) personalData!: 'shown' | 'masked' | 'none';
}

export class MatterStreamsResponse {
  @ApiProperty({ type: [AuditStreamResponse] }) streams!: AuditStreamResponse[];
}

export class ReplayIntegrityResponse {
  @ApiProperty() ok!: boolean;
  @ApiPropertyOptional() reason?: string;
  @ApiPropertyOptional() eventId?: string;
}

/** A stream replayed to a revision or an instant; `replayed: false` for a kind that is not replayed. */
export class StreamStateResponse {
  @ApiProperty() streamId!: string;
  @ApiProperty({ description: 'false：该类事件流不回放（见 reason）' }) replayed!: boolean;
  @ApiPropertyOptional({ enum: ['AUDIT.KIND_NOT_REPLAYED'] }) reason?: string;
  @ApiPropertyOptional() kind?: string;
  @ApiPropertyOptional({ type: 'integer', description: '回放到的版本' }) revision?: number;
  @ApiPropertyOptional() status?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: '回放得到的状态（个人信息按审计范围遮盖）' }) state?: Record<string, unknown>;
  @ApiPropertyOptional({ type: StoredEventResponse }) lastEvent?: StoredEventResponse;
  @ApiPropertyOptional({ type: ReplayIntegrityResponse }) integrity?: ReplayIntegrityResponse;
}

class ChainCheckResponse {
  @ApiProperty() ok!: boolean;
  @ApiPropertyOptional() reason?: string;
  @ApiPropertyOptional() detail?: string;
  @ApiPropertyOptional() eventId?: string;
  @ApiPropertyOptional({ type: 'integer' }) revision?: number;
}

class InclusionCheckResponse {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ type: 'integer' }) treeSize!: number;
  @ApiProperty({ type: [String], description: '不在日志中的事件' }) missing!: string[];
}

class IncompleteEnvelopeResponse {
  @ApiProperty() eventId!: string;
  @ApiProperty({ type: [String] }) missing!: string[];
}

class EnvelopeCheckResponse {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ type: [IncompleteEnvelopeResponse] }) incomplete!: IncompleteEnvelopeResponse[];
}

class ReadModelCheckResponse {
  @ApiProperty() checked!: boolean;
  @ApiProperty() ok!: boolean;
  @ApiProperty({ type: [String] }) differences!: string[];
}

export class StreamVerificationResponse {
  @ApiProperty() streamId!: string;
  @ApiProperty({ type: 'integer' }) eventCount!: number;
  @ApiProperty({ type: ChainCheckResponse }) chain!: ChainCheckResponse;
  @ApiProperty({ type: InclusionCheckResponse }) included!: InclusionCheckResponse;
  @ApiProperty({ type: EnvelopeCheckResponse }) envelope!: EnvelopeCheckResponse;
  @ApiProperty({ type: ReadModelCheckResponse }) readModel!: ReadModelCheckResponse;
}

class ConsistencyCheckResponse {
  @ApiProperty() ok!: boolean;
  @ApiPropertyOptional() reason?: string;
  @ApiPropertyOptional() detail?: string;
  @ApiProperty({ type: 'integer' }) fromSize!: number;
  @ApiProperty({ type: 'integer' }) toSize!: number;
}

export class MatterVerificationResponse {
  @ApiProperty() context!: string;
  @ApiProperty() ok!: boolean;
  @ApiProperty({ type: ExportedCheckpointResponse }) checkpoint!: ExportedCheckpointResponse;
  @ApiPropertyOptional({ type: ConsistencyCheckResponse, description: '与所持检查点的一致性（请求带 checkpoint 时）' }) consistency?: ConsistencyCheckResponse;
  @ApiProperty({ type: [StreamVerificationResponse] }) streams!: StreamVerificationResponse[];
}

class InclusionProofResponse {
  @ApiProperty({ type: 'integer' }) leafIndex!: number;
  @ApiProperty({ type: 'integer' }) treeSize!: number;
  @ApiProperty({ type: [String] }) path!: string[];
}

class BundledEventResponse {
  @ApiProperty({ type: HashedEventResponse }) event!: HashedEventResponse;
  @ApiProperty({ type: InclusionProofResponse }) proof!: InclusionProofResponse;
}

class BundledStreamResponse {
  @ApiProperty() streamId!: string;
  @ApiProperty({ type: [BundledEventResponse] }) events!: BundledEventResponse[];
}

/** One store's part of an evidence bundle. */
export class BundledLogResponse {
  @ApiProperty() context!: string;
  @ApiProperty({ type: ExportedCheckpointResponse }) checkpoint!: ExportedCheckpointResponse;
  @ApiProperty({ type: [BundledStreamResponse] }) streams!: BundledStreamResponse[];
}

class BundleMatterResponse {
  @ApiProperty() kind!: string;
  @ApiProperty() id!: string;
}

/** The evidence bundle of a matter (`npm run verify -- <file>` checks it offline). */
export class EvidenceBundleResponse {
  @ApiProperty({ enum: [EVIDENCE_BUNDLE_FORMAT] }) format!: string;
  @ApiProperty({ type: BundleMatterResponse }) matter!: BundleMatterResponse;
  @ApiProperty({ format: 'date-time' }) exportedAt!: string;
  @ApiProperty({ type: ActorResponse }) exportedBy!: ActorResponse;
  @ApiProperty({ type: [BundledLogResponse] }) logs!: BundledLogResponse[];
  @ApiProperty({ type: CheckpointKeySetResponse }) keys!: CheckpointKeySetResponse;
}

class EventRefResponse {
  @ApiProperty() id!: string;
  @ApiProperty() streamId!: string;
  @ApiProperty({ type: 'integer' }) revision!: number;
  @ApiProperty({ type: 'integer' }) globalPosition!: number;
  @ApiPropertyOptional({ type: 'integer' }) leafIndex?: number;
}

class SuspectLeavesResponse {
  @ApiProperty({ type: 'integer' }) from!: number;
  @ApiProperty({ type: 'integer' }) to!: number;
  @ApiPropertyOptional({ type: EventRefResponse }) firstEvent?: EventRefResponse;
}

class FailedCheckpointResponse {
  @ApiProperty({ type: 'integer' }) treeSize!: number;
  @ApiProperty() rootHash!: string;
  @ApiProperty() timestamp!: string;
}

export class IntegrityFailureResponse {
  @ApiProperty({ enum: INTEGRITY_CHECKS }) check!: string;
  @ApiProperty({ description: '如 CHAIN_HASH_MISMATCH、LOG_POSITION_GAP' }) reason!: string;
  @ApiProperty() detail!: string;
  @ApiPropertyOptional({ type: EventRefResponse, description: '审计范围外的事件不给出' }) event?: EventRefResponse;
  @ApiPropertyOptional({ type: SuspectLeavesResponse }) suspectLeaves?: SuspectLeavesResponse;
  @ApiPropertyOptional({ type: FailedCheckpointResponse }) checkpoint?: FailedCheckpointResponse;
}

/** The whole store verified; failures outside the auditor's scope lose their event reference. */
export class StoreVerificationResponse {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ type: 'integer' }) eventCount!: number;
  @ApiProperty({ type: 'integer' }) streamCount!: number;
  @ApiProperty({ type: 'integer' }) treeSize!: number;
  @ApiProperty() rootHash!: string;
  @ApiProperty({ type: 'integer' }) checkpointsVerified!: number;
  @ApiProperty({ type: [IntegrityFailureResponse] }) failures!: IntegrityFailureResponse[];
  @ApiPropertyOptional({ type: IntegrityFailureResponse }) firstFailure?: IntegrityFailureResponse;
  @ApiProperty({ type: 'integer', description: '审计范围外的失败数' }) outOfScopeFailures!: number;
}
