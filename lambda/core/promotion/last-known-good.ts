/**
 * Which version a rollback goes back to. The champions a model has had form a stack: a promotion
 * pushes the new champion; a rollback to a version already on the stack pops back to it (so a second
 * rollback goes further back, never forward to the version just rolled back from); a rollback to a
 * version not on it (`--to` an older package) pushes it. The last known good is the nearest version
 * below the top that is still Approved in the registry (a package rejected since is skipped).
 * With no such version on the stack (a ledger younger than the endpoint), it is the highest Approved
 * version below the current champion, and the reason says so.
 *
 * @example
 * lastKnownGood({ changes: [{ kind: 'promotion', version: '3' }, { kind: 'promotion', version: '5' }], currentChampion: '5', approvedVersions: ['3', '5'] })
 * // { version: '3', reason: 'the champion before 5 (ledger)' }
 */

export interface ChampionChange {
  readonly kind: 'promotion' | 'rollback';
  /** The version that became the champion. */
  readonly version: string;
}

export interface LastKnownGoodInput {
  /** Champion changes from the ledger, oldest first. */
  readonly changes: readonly ChampionChange[];
  /** What the endpoint serves now. */
  readonly currentChampion: string;
  /** Versions Approved in the Model Package Group. */
  readonly approvedVersions: readonly string[];
  /** A version asked for by name (`driftwatch rollback --to`). */
  readonly toVersion?: string;
}

export interface RollbackTarget {
  readonly version: string;
  readonly reason: string;
}

/** The champions' stack after these changes, oldest at the bottom. */
export function championStack(changes: readonly ChampionChange[]): string[] {
  const stack: string[] = [];
  for (const change of changes) {
    const at = stack.lastIndexOf(change.version);
    if (change.kind === 'rollback' && at >= 0) stack.length = at + 1;
    else if (stack[stack.length - 1] !== change.version) stack.push(change.version);
  }
  return stack;
}

/** @throws Error naming the version asked for and the approved ones, or saying that no approved version is older */
export function lastKnownGood(input: LastKnownGoodInput): RollbackTarget {
  const approved = new Set(input.approvedVersions);
  const listed = () => [...approved].sort((a, b) => Number(a) - Number(b)).join(', ') || 'none';
  if (input.toVersion !== undefined) {
    if (!approved.has(input.toVersion)) throw new Error(`rollback --to ${input.toVersion}: version ${input.toVersion} is not Approved in the Model Package Group (approved: ${listed()})`);
    return { version: input.toVersion, reason: `version ${input.toVersion} as requested` };
  }
  const stack = championStack(input.changes);
  while (stack.length > 0 && stack[stack.length - 1] === input.currentChampion) stack.pop();
  for (let i = stack.length - 1; i >= 0; i--) {
    if (approved.has(stack[i]) && stack[i] !== input.currentChampion) return { version: stack[i], reason: `the champion before ${input.currentChampion} (ledger)` };
  }
  const older = [...approved].filter((v) => Number(v) < Number(input.currentChampion)).sort((a, b) => Number(b) - Number(a));
  if (older.length > 0) return { version: older[0], reason: `the highest Approved version below ${input.currentChampion} (the ledger names no earlier champion)` };
  throw new Error(`no last known good for champion ${input.currentChampion}: no earlier champion in the ledger and no Approved version below it (approved: ${listed()}); name one with --to`);
}
