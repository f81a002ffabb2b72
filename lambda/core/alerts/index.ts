/** Alert decisions from signal statuses: raise on entering warning/critical, resolve on return to ok. */
export { decideAlerts, featurePagingStatus, signalKey } from './decide';
export type { Alert, AlertKind, AlertState, Resolution, Signal } from './decide';
