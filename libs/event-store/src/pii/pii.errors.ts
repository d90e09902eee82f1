import { DomainError, IllegalStateError, NotFoundError, ValidationError } from '@fengqiao/kernel';

/** The subject's key was erased (crypto-shredded): no new personal data can be sealed for it. */
export class SubjectErasedError extends IllegalStateError {
  constructor(subjectId: string, erasedAt: string) {
    super('PII.SUBJECT_ERASED', `数据主体 ${subjectId} 的个人信息已于 ${erasedAt} 删除，不能再记录其个人信息`, { subjectId, erasedAt });
  }
}

/** A sealed value names a subject this key store has never known (wrong store, or lost keys). */
export class SubjectKeyNotFoundError extends NotFoundError {
  constructor(subjectId: string) {
    super('PII.SUBJECT_KEY_NOT_FOUND', `找不到数据主体 ${subjectId} 的密钥`, { subjectId });
  }
}

/** Decryption failed: the ciphertext, its tag or the wrapped key was altered, or the master key is wrong. */
export class PersonalDataIntegrityError extends DomainError {
  constructor(subjectId: string, what: 'personal_data' | 'subject_key') {
    super(
      'PII.DECRYPTION_FAILED',
      what === 'subject_key' ? `数据主体 ${subjectId} 的密钥无法解开（主密钥错误或密钥被篡改）` : `数据主体 ${subjectId} 的个人信息密文被篡改，无法解密`,
      'illegal_state',
      { subjectId, what },
    );
  }
}

/** The master key that wrapped a subject key is not in the configured keyring. */
export class MasterKeyUnavailableError extends DomainError {
  constructor(masterKeyId: string) {
    super('PII.MASTER_KEY_UNAVAILABLE', `缺少主密钥 ${masterKeyId}`, 'illegal_state', { masterKeyId });
  }
}

export class InvalidSubjectIdError extends ValidationError {
  constructor(path: string) {
    super('PII.SUBJECT_ID_MISSING', `${path} 缺少数据主体编号，无法加密个人信息`, { path });
  }
}
