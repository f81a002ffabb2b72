/**
 * The engine's errors: adapters translate their SDK's errors into these, so the engine (and its
 * tests) never see an SDK type.
 */

/** A conditional write lost: another writer changed (or created) the object first. */
export class PreconditionFailed extends Error {
  constructor(readonly key: string) {
    super(`the object ${key} was changed by another writer`);
    this.name = 'PreconditionFailed';
  }
}

/** A stored object that is not what it should be (not JSON, or not the expected format). */
export class CorruptObject extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`the stored object ${key} is corrupt: ${reason}`);
    this.name = 'CorruptObject';
  }
}

/**
 * A query that did not succeed. `state` is the engine's final state (Athena: FAILED or CANCELLED;
 * TIMEOUT when it did not finish in the time allowed); `retryable` says whether running it again may
 * succeed (throttling, a timeout, a transient service error) or not (a syntax or schema error).
 */
export class QueryFailed extends Error {
  constructor(
    readonly state: 'FAILED' | 'CANCELLED' | 'TIMEOUT' | 'THROTTLED',
    readonly reason: string,
    readonly retryable: boolean,
    readonly queryId?: string,
  ) {
    super(`query ${queryId ?? ''}${queryId ? ' ' : ''}${state.toLowerCase()}: ${reason}`);
    this.name = 'QueryFailed';
  }
}
