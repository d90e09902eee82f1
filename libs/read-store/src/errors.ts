import { DomainError, ValidationError } from '@fengqiao/kernel';

/** A query uses an operator outside the subset MongoDB and FerretDB share (see read-store.port.ts). */
export class UnsupportedQueryOperatorError extends ValidationError {
  static readonly code = 'READ_STORE.UNSUPPORTED_OPERATOR';

  constructor(
    readonly operator: string,
    readonly at: string,
  ) {
    super(UnsupportedQueryOperatorError.code, `查询不支持运算符 ${operator}（位置：${at}）；仅支持 $eq $ne $gt $gte $lt $lte $in $nin $exists $and $or`, {
      operator,
      at,
    });
  }
}

/** A malformed query, sort, projection or paging option. */
export class InvalidQueryError extends ValidationError {
  static readonly code = 'READ_STORE.INVALID_QUERY';

  constructor(reason: string, at: string) {
    super(InvalidQueryError.code, `查询条件无效（位置：${at}）：${reason}`, { reason, at });
  }
}

/** A document that MongoDB and FerretDB would not both store as it is (see read-store.port.ts). */
export class InvalidReadDocumentError extends ValidationError {
  static readonly code = 'READ_STORE.INVALID_DOCUMENT';

  constructor(reason: string, at: string) {
    super(InvalidReadDocumentError.code, `读模型文档无效（位置：${at}）：${reason}`, { reason, at });
  }
}

/** A bad collection name, id, revision or index specification. */
export class ReadStoreArgumentError extends ValidationError {
  static readonly code = 'READ_STORE.INVALID_ARGUMENT';

  constructor(reason: string, details: Record<string, unknown> = {}) {
    super(ReadStoreArgumentError.code, `读模型存储参数无效：${reason}`, { reason, ...details });
  }
}

/**
 * A guarded write kept losing races (the document changed under it on every attempt). Transient:
 * the caller (a consumer) retries.
 */
export class ReadStoreContentionError extends DomainError {
  static readonly code = 'READ_STORE.CONTENTION';

  constructor(collection: string, id: string, attempts: number) {
    super(ReadStoreContentionError.code, `读模型文档 ${collection}/${id} 并发写入冲突，${attempts} 次重试后仍未完成，请稍后重试`, 'revision_conflict', {
      collection,
      id,
      attempts,
    });
  }
}
