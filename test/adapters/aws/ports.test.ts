/**
 * awsPorts builds the monitor's ports from a Lambda-like environment; pointed at moto_server through
 * AWS_ENDPOINT_URL, every port works end to end with the real clients (S3 path-style included).
 */
import { CreateWorkGroupCommand } from '@aws-sdk/client-athena';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { awsPorts, AwsMonitorPorts } from '../../../lambda/adapters/aws/ports';
import { systemClock } from '../../../lambda/ports/clock';
import { seedAthenaResults } from '../../support/athena-results';
import { MotoServer, startMoto } from '../../support/moto';

let moto: MotoServer;
const built: AwsMonitorPorts[] = [];
const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

/** The variables the ModelMonitor construct gives its Lambdas, pointed at moto. */
const lambdaEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  AWS_REGION: 'us-east-1',
  AWS_ENDPOINT_URL: moto.endpoint,
  DW_BUCKET: 'dw-dev-data',
  DW_WORKGROUP: 'dw-dev',
  DW_DATABASE: 'dw_dev',
  ...extra,
});

function build(env: NodeJS.ProcessEnv): AwsMonitorPorts {
  const ports = awsPorts(env);
  built.push(ports);
  return ports;
}

beforeAll(async () => {
  moto = await startMoto();
  // The SDK's default credential chain reads these (Lambda sets them from the function's role).
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  const ports = build(lambdaEnv());
  await ports.clients.s3.send(new CreateBucketCommand({ Bucket: 'dw-dev-data' }));
  await ports.clients.athena.send(new CreateWorkGroupCommand({ Name: 'dw-dev' }));
});

afterAll(async () => {
  for (const ports of built) Object.values(ports.clients).forEach((c) => c.destroy());
  process.env.AWS_ACCESS_KEY_ID = saved.id;
  process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
  if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
  if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
  await moto?.stop();
});

describe('awsPorts', () => {
  it('names every required variable that is missing', () => {
    expect(() => awsPorts({ DW_BUCKET: 'b', DW_WORKGROUP: ' ' })).toThrow("the monitor's environment lacks AWS_REGION, DW_WORKGROUP, DW_DATABASE");
  });

  it('builds ports that reach moto through AWS_ENDPOINT_URL: S3 path-style, Athena in the workgroup, EventBridge', async () => {
    const ports = build(lambdaEnv());
    const { etag } = await ports.store.putJson('monitor/fraud/state/1d.json', { v: 1 }, { ifNoneMatch: '*' });
    expect(await ports.store.getJson('monitor/fraud/state/1d.json')).toEqual({ value: { v: 1 }, etag });
    expect(ports.store.uri('k')).toBe('s3://dw-dev-data/k');

    await seedAthenaResults(moto.endpoint, [{ rows: 3n }]);
    expect(await ports.query.query('SELECT count(*) AS rows FROM predictions')).toEqual([{ rows: '3' }]);

    await expect(ports.events.put([{ source: 'driftwatch', detailType: 'Driftwatch No Traffic', detail: { model: 'fraud' }, time: new Date() }])).resolves.toBeUndefined();
    expect(ports.clock).toBe(systemClock);
  });

  it('defaults the event bus to default and the metrics namespace to Driftwatch, and takes both from the environment', () => {
    const plain = build(lambdaEnv());
    expect(plain.metricsNamespace).toBe('Driftwatch');
    expect(plain.events.eventBusName).toBe('default');
    const custom = build(lambdaEnv({ DW_EVENT_BUS_NAME: 'dw-prod', DW_METRICS_NAMESPACE: 'Driftwatch/Prod' }));
    expect(custom.metricsNamespace).toBe('Driftwatch/Prod');
    expect(custom.events.eventBusName).toBe('dw-prod');
  });

  it('prefers a service endpoint (AWS_ENDPOINT_URL_S3) over the general one, and uses path-style only with an endpoint', async () => {
    const ports = build(lambdaEnv({ AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ENDPOINT_URL_S3: moto.endpoint }));
    expect(await ports.store.getJson('monitor/fraud/state/1d.json')).not.toBeNull();
    expect(ports.clients.s3.config.forcePathStyle).toBe(true);
    const aws = build({ ...lambdaEnv(), AWS_ENDPOINT_URL: undefined });
    expect(aws.clients.s3.config.forcePathStyle).toBe(false);
  });
});
