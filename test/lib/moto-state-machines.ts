/**
 * Executes a synthesized state machine with moto_server's Step Functions interpreter (moto 5.2.1
 * ships LocalStack's ASL engine; `stepfunctions.execute_state_machine` turns it on), so a
 * definition's control flow (Choice rules, counters, paths, the context object, Fail causes) is run
 * by code nobody here wrote.
 *
 * What moto cannot do, and the stand-ins:
 * - A Task's Lambda runs in Docker, which these machines lack. With `lambda.use_docker` off, moto
 *   answers each invoke with the next payload of a queue (`/moto-api/static/lambda-simple/response`),
 *   so the test queues the answers in the order it expects the Tasks to run; the payloads each Task
 *   sent are read back from the execution's history, and a Task that runs out of order gets another
 *   Task's answer, which the test sees.
 * - Wait states sleep for real in moto, so their Seconds are set to 0 in the copy that is executed.
 */
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateStateMachineCommand, DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { motoClientConfig, startMoto, type MotoServer } from '../support/moto';
import type { StateMachineDefinition } from './promotion.test-fixture';

const REGION = 'us-east-1';

export interface MotoRun {
  /** Every state entered, in order. */
  readonly path: string[];
  readonly status: string;
  readonly error?: string;
  readonly cause?: string;
  readonly output?: unknown;
  /** Every Lambda Task's payload, in order. */
  readonly invocations: Record<string, unknown>[];
}

export interface MotoStepFunctions {
  readonly moto: MotoServer;
  /** Runs `definition` (its Lambda Resources pointed at one moto function) on `input`, the Lambda answering `answers` in order. */
  execute(definition: StateMachineDefinition, input: Record<string, unknown>, options: { readonly executionName: string; readonly answers: readonly unknown[] }): Promise<MotoRun>;
  stop(): Promise<void>;
}

async function post(endpoint: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${endpoint}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  if (!res.ok) throw new Error(`moto ${path}: HTTP ${res.status} ${await res.text()}`);
}

/** A moto_server whose Step Functions executes and whose Lambda answers from the queue. */
export async function startMotoStepFunctions(): Promise<MotoStepFunctions> {
  const moto = await startMoto();
  const config = motoClientConfig(moto.endpoint);
  const [iam, lambda, sfn] = [new IAMClient(config), new LambdaClient(config), new SFNClient(config)];
  const assume = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com', 'states.amazonaws.com'] }, Action: 'sts:AssumeRole' }] });

  return {
    moto,
    async execute(definition, input, { executionName, answers }) {
      // A fresh account each run: moto 5.2.1 deep-copies a state machine with its backend on
      // StartExecution, which fails once an earlier execution's worker (its lock) is in there.
      await post(moto.endpoint, '/moto-api/reset', {});
      await post(moto.endpoint, '/moto-api/config', { stepfunctions: { execute_state_machine: true }, lambda: { use_docker: false } });
      const role = (await iam.send(new CreateRoleCommand({ RoleName: 'dw-promotion-test', AssumeRolePolicyDocument: assume }))).Role!.Arn!;
      // The code is never run (no Docker): any zip will do.
      const fn = await lambda.send(new CreateFunctionCommand({ FunctionName: 'dw-promotion-test', Runtime: 'nodejs22.x', Role: role, Handler: 'index.handler', Code: { ZipFile: emptyZip() } }));
      const body = JSON.stringify(definition, (key, value) => (key === 'Seconds' ? 0 : value)).replace(/\$\{[A-Za-z0-9]+\.Arn\}/g, fn.FunctionArn!);
      const machine = await sfn.send(new CreateStateMachineCommand({ name: 'dw-promotion-test', definition: body, roleArn: role }));
      await post(moto.endpoint, '/moto-api/static/lambda-simple/response', { results: answers.map((a) => JSON.stringify(a)), region: REGION });
      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: machine.stateMachineArn, name: executionName, input: JSON.stringify(input) }));
      const done = await settled(sfn, executionArn!);
      return { ...fromHistory(await history(sfn, executionArn!)), status: done.status!, ...(done.error ? { error: done.error } : {}), ...(done.cause ? { cause: done.cause } : {}), ...(done.output ? { output: JSON.parse(done.output) } : {}) };
    },
    async stop() {
      for (const c of [iam, lambda, sfn]) c.destroy();
      await moto.stop();
    },
  };
}

async function settled(sfn: SFNClient, executionArn: string) {
  for (let i = 0; i < 600; i++) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`moto's execution ${executionArn} still RUNNING after 30 s`);
}

async function history(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

function fromHistory(events: readonly HistoryEvent[]): Pick<MotoRun, 'path' | 'invocations'> {
  const path = events.filter((e) => e.stateEnteredEventDetails).map((e) => e.stateEnteredEventDetails!.name!);
  const invocations = events.filter((e) => e.lambdaFunctionScheduledEventDetails).map((e) => JSON.parse(e.lambdaFunctionScheduledEventDetails!.input!) as Record<string, unknown>);
  return { path, invocations };
}

/** The smallest valid zip file: an empty archive (its end-of-central-directory record). */
function emptyZip(): Uint8Array {
  const zip = new Uint8Array(22);
  zip.set([0x50, 0x4b, 0x05, 0x06]);
  return zip;
}
