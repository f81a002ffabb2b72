/** The monitor's ports on AWS (SDK v3): Athena, S3, EMF through Powertools, EventBridge; `awsPorts` builds them from the environment. */
export { awsPorts, AWS_PORTS_ENV, type AwsMonitorPorts } from './ports';
export {
  AthenaQueryEngine,
  type AthenaQueryEngineOptions,
  type AthenaQueryOptions,
  type AthenaQueryStatistics,
} from './athena-query-engine';
export { S3ObjectStore, type S3ObjectStoreOptions } from './s3-object-store';
export { EmfMetricsSink, type EmfMetricsSinkOptions, type WarningLogger } from './emf-metrics-sink';
export { parseEmfLines, type EmfDatum } from './emf-parse';
export { EventBridgeEventSink, entrySize, PUT_EVENTS_LIMITS, type EventBridgeEventSinkOptions } from './eventbridge-event-sink';
