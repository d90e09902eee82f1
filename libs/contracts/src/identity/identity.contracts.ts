import { defineContract } from '../integration-event';
import { Infer, isoTime, num, obj, oneOf, Schema, str, unsafeTextReason } from '../schema/schema';
import { findUnsafeText } from '../text/safe-text';
import { topics } from '../topics';

/** The kinds of directory change (libs/identity `DirectoryChange`). */
export const DIRECTORY_CHANGE_TYPES = [
  'UnitAdded',
  'UnitRenamed',
  'UnitMoved',
  'UnitBoundarySet',
  'UnitRetired',
  'UserAdded',
  'UserChanged',
  'UserDisabled',
  'UserEnabled',
] as const;
export type DirectoryChangeType = (typeof DIRECTORY_CHANGE_TYPES)[number];

const changeType = oneOf(DIRECTORY_CHANGE_TYPES);

/**
 * One change as the directory recorded it: an object whose `type` is a known kind. The fields of
 * each kind are checked by the directory that applies it (`Directory.follow` validates every
 * change against the state it holds), so the contract does not repeat them; it checks the text.
 */
const directoryChange: Schema<{ type: DirectoryChangeType } & Record<string, unknown>> = {
  kind: 'directory change',
  check(v, path, errors): v is { type: DirectoryChangeType } & Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      errors.push({ path, reason: 'must be an object' });
      return false;
    }
    if (!changeType.check((v as Record<string, unknown>)['type'], `${path}.type`, errors)) return false;
    const unsafe = findUnsafeText(v, {}, path);
    if (unsafe) {
      errors.push({ path: unsafe.path, reason: unsafeTextReason(unsafe) });
      return false;
    }
    return true;
  },
};

const directoryChanged = obj({
  /** 1, 2, 3, … with no gap: the directory version this change made (the seed is versions 1..n) */
  version: num({ int: true, min: 1 }),
  /** when the directory recorded it */
  at: isoTime(),
  /** user id of whoever made the change (`system:seed` for the seed) */
  by: str({ min: 1, max: 200 }),
  change: directoryChange,
});

/**
 * A change of the directory (units, grids, users), published by the process that hosts it (the
 * built-in issuer's host) for every other service to apply in order (`Directory.follow`).
 * Subject = 'directory' (one key: the versions stay in order on one partition). Staff names and
 * usernames are reference data of the organisation, not of the data subjects of cases.
 */
export const IdentityDirectoryChangedV1 = defineContract({
  type: 'cn.fengqiao.identity.directory.changed.v1',
  topic: topics.identityDirectory,
  schema: directoryChanged,
  label: '组织目录变更',
});
export type IdentityDirectoryChangedV1Data = Infer<typeof directoryChanged>;
