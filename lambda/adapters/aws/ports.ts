/**
 * The monitor's ports on AWS, built from the Lambda's environment. Call it once per container, outside
 * the handler: the SDK clients (their connection pools, credentials, endpoint resolution) then serve
 * every invocation the container handles.
 *
 * Endpoints: `AWS_ENDPOINT_URL_<SERVICE>` (ATHENA, S3, EVENTBRIDGE) or `AWS_ENDPOINT_URL` override
 * AWS's, as the SDK's own configuration does; they are passed explicitly so that an endpoint also
 * turns on S3's path-style addressing (moto_server and other local stand-ins serve one host, not a
 * subdomain per bucket).
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { systemClock, type MonitorPorts } from '../../ports';
import { AthenaQueryEngine } from './athena-query-engine';
import { endpointOverride } from './endpoint';
import { EmfMetricsSink } from './emf-metrics-sink';
import { EventBridgeEventSink } from './eventbridge-event-sink';
import { GlueTableSchema } from './glue-table-schema';
import { S3ObjectStore } from './s3-object-store';

/** The variables the monitor's Lambdas are given (the construct sets them). */
export const AWS_PORTS_ENV = {
  region: 'AWS_REGION',
  bucket: 'DW_BUCKET',
  workGroup: 'DW_WORKGROUP',
  database: 'DW_DATABASE',
  eventBusName: 'DW_EVENT_BUS_NAME',
  metricsNamespace: 'DW_METRICS_NAMESPACE',
  kmsKeyId: 'DW_KMS_KEY_ID',
} as const;

/** The ports with their concrete adapters (e.g. `query.lastStatistics` for the cost benchmark). */
export interface AwsMonitorPorts extends MonitorPorts {
  readonly query: AthenaQueryEngine;
  readonly store: S3ObjectStore;
  readonly metrics: EmfMetricsSink;
  readonly events: EventBridgeEventSink;
  /** Where the engine publishes its metrics (`DW_METRICS_NAMESPACE`, default 'Driftwatch'). */
  readonly metricsNamespace: string;
  /** The SDK clients, for a test or a script that must destroy them. */
  /** The tables' real columns (Glue), to name a missing or re-typed column when a query fails. */
  readonly tableSchema: GlueTableSchema;
  readonly clients: { readonly athena: AthenaClient; readonly s3: S3Client; readonly eventBridge: EventBridgeClient; readonly glue: GlueClient };
}

/**
 * @throws Error naming every required variable that is missing or empty (AWS_REGION, DW_BUCKET,
 *   DW_WORKGROUP, DW_DATABASE)
 */
export function awsPorts(env: NodeJS.ProcessEnv): AwsMonitorPorts {
  const required = requireVariables(env, [AWS_PORTS_ENV.region, AWS_PORTS_ENV.bucket, AWS_PORTS_ENV.workGroup, AWS_PORTS_ENV.database]);
  const [region, bucket, workGroup, database] = required;
  const athena = new AthenaClient({ region, ...endpointOverride(env, 'ATHENA') });
  const s3Endpoint = endpointOverride(env, 'S3');
  const s3 = new S3Client({ region, ...s3Endpoint, ...(s3Endpoint.endpoint ? { forcePathStyle: true } : {}) });
  const eventBridge = new EventBridgeClient({ region, ...endpointOverride(env, 'EVENTBRIDGE') });
  const glue = new GlueClient({ region, ...endpointOverride(env, 'GLUE') });
  const kmsKeyId = nonEmpty(env[AWS_PORTS_ENV.kmsKeyId]);
  return {
    query: new AthenaQueryEngine(athena, { workGroup, database }),
    store: new S3ObjectStore(s3, { bucket, ...(kmsKeyId ? { kmsKeyId } : {}) }),
    metrics: new EmfMetricsSink(),
    events: new EventBridgeEventSink(eventBridge, { eventBusName: nonEmpty(env[AWS_PORTS_ENV.eventBusName]) ?? 'default' }),
    clock: systemClock,
    metricsNamespace: nonEmpty(env[AWS_PORTS_ENV.metricsNamespace]) ?? 'Driftwatch',
    tableSchema: new GlueTableSchema(glue),
    clients: { athena, s3, eventBridge, glue },
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function requireVariables(env: NodeJS.ProcessEnv, names: readonly string[]): string[] {
  const missing = names.filter((name) => nonEmpty(env[name]) === undefined);
  if (missing.length > 0) {
    throw new Error(
      `the monitor's environment lacks ${missing.join(', ')} (the ModelMonitor construct sets ${names.join(', ')}; ` +
        `set them when running a handler elsewhere)`,
    );
  }
  return names.map((name) => env[name] as string);
}

