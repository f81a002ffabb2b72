/**
 * `driftwatch rollback --env ENV --model ID [--to VERSION]`: starts the model's rollback state machine
 * (`lib/promotion/naming.ts` names it; the Lambda's `rollback` step picks the last known good approved
 * package, or VERSION) and prints the execution's ARN; `--wait` follows it to the end.
 *
 * The execution's name is derived from the request (environment, model, version, who, why) and the
 * UTC hour, so pressing it twice starts one rollback: Step Functions returns the running execution for
 * the same name and input, and refuses a name already used by one that ended — which this command
 * reports as that execution. `--requested-by` is required: @aws-sdk/client-sts is not a dependency,
 * so the caller's identity cannot be looked up.
 */
import { endpointOverride } from '../../adapters/aws/endpoint';
import { createHash } from 'node:crypto';
import { DescribeExecutionCommand, ListStateMachinesCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { rollbackStateMachineName } from '../../../lib/promotion/naming';
import { InputError, quoteValue } from '../../adapters/local/errors';
import { terminalSafe } from '../../report/format';
import { parseOptions, positiveInteger } from '../args';
import { CliIo, EXIT_CRITICAL, EXIT_ERROR, EXIT_OK, UsageError } from '../io';

export const ROLLBACK_HELP = `Usage: driftwatch rollback --env ENV --model ID --requested-by WHO [options]

Starts the rollback state machine of model ID in environment ENV (${rollbackStateMachineName('ENV', 'ID')}):
it redeploys the last known good approved model package (the champion before the current one, from
the promotion ledger) or the version given with --to, all at once, and records who asked and why.
Prints the execution ARN. The same request within the same UTC hour starts one execution, however
often it is run.

Options:
  --env ENV             Environment (required)
  --model ID            Model id (required)
  --to VERSION          The Model Package Group version to go back to (it must be Approved)
  --reason TEXT         Why, for the ledger (default: "rollback requested with driftwatch rollback")
  --requested-by WHO    Who asks (required): your IAM ARN or user name, recorded in the ledger
  --wait                Follow the execution until it ends and print how it ended
  --poll-seconds N      Seconds between checks with --wait (default 15)
  --timeout-minutes N   Stop following after N minutes with --wait (default 60; the rollback goes on)
  -h, --help            Show this help

AWS: the usual credentials and region (AWS_PROFILE, AWS_REGION; AWS_ENDPOINT_URL_SFN). Needs
states:ListStateMachines, states:StartExecution and, with --wait, states:DescribeExecution.

Exit codes: 0 started (with --wait: succeeded), 1 with --wait: the rollback failed, was aborted or
timed out, 2 usage error, no such state machine, or AWS refused.
`;

export interface RollbackRequest {
  readonly env: string;
  readonly model: string;
  readonly toVersion?: string;
  readonly requestedBy: string;
  readonly reason: string;
}

interface RollbackArgs extends RollbackRequest {
  readonly wait: boolean;
  readonly pollSeconds: number;
  readonly timeoutMinutes: number;
}

const OPTIONS = {
  env: { type: 'string' },
  model: { type: 'string' },
  to: { type: 'string' },
  reason: { type: 'string' },
  'requested-by': { type: 'string' },
  wait: { type: 'boolean' },
  'poll-seconds': { type: 'string' },
  'timeout-minutes': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseRollbackArgs(argv: readonly string[]): RollbackArgs | 'help' {
  const values = parseOptions(argv, OPTIONS);
  if (values.help) return 'help';
  const missing = (['env', 'model', 'requested-by'] as const).filter((name) => !values[name]?.trim());
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((m) => `--${m}`).join(', ')}${missing.includes('requested-by') ? ' (your IAM ARN or user name: it goes into the ledger)' : ''}`);
  const env = (values.env as string).trim();
  if (!/^[a-z0-9][a-z0-9-]*$/.test(env)) throw new UsageError(`--env: expected a lower-case environment name (letters, digits, '-'), got ${quoteValue(env)}`);
  const to = values.to?.trim();
  if (to !== undefined && !/^[1-9]\d*$/.test(to)) throw new UsageError(`--to: expected a model package version number such as 3, got ${quoteValue(to)}`);
  return {
    env,
    model: (values.model as string).trim(),
    ...(to !== undefined ? { toVersion: to } : {}),
    requestedBy: (values['requested-by'] as string).trim(),
    reason: values.reason?.trim() || 'rollback requested with driftwatch rollback',
    wait: values.wait === true,
    pollSeconds: positiveInteger('poll-seconds', values['poll-seconds']) ?? 15,
    timeoutMinutes: positiveInteger('timeout-minutes', values['timeout-minutes']) ?? 60,
  };
}

/** The execution's name: readable, at most 80 characters, the same for the same request in the same UTC hour. */
export function rollbackExecutionName(request: RollbackRequest, now: Date): string {
  const hour = now.toISOString().slice(0, 13);
  const digest = createHash('sha256').update(JSON.stringify([request.env, request.model, request.toVersion ?? null, request.requestedBy, request.reason, hour])).digest('hex').slice(0, 20);
  return `rollback-${request.toVersion ? `v${request.toVersion}` : 'last-good'}-${hour.replace(/[-T]/g, '')}-${digest}`;
}

function sfnClient(env: NodeJS.ProcessEnv): SFNClient {
  return new SFNClient(endpointOverride(env, 'SFN'));
}

async function stateMachineArn(client: SFNClient, name: string): Promise<string> {
  let token: string | undefined;
  do {
    const page = await client.send(new ListStateMachinesCommand({ maxResults: 100, nextToken: token }));
    const found = page.stateMachines?.find((m) => m.name === name);
    if (found?.stateMachineArn) return found.stateMachineArn;
    token = page.nextToken;
  } while (token);
  throw new InputError(`no state machine ${name} in this account and region: is the model's promotion deployed (a promotion section in its config), and are AWS_PROFILE / AWS_REGION the environment's?`);
}

/** Starts the execution, or finds the one this request already started. */
async function start(client: SFNClient, machineArn: string, name: string, input: string): Promise<{ arn: string; already: boolean }> {
  try {
    const out = await client.send(new StartExecutionCommand({ stateMachineArn: machineArn, name, input }));
    return { arn: String(out.executionArn), already: false };
  } catch (error) {
    if ((error as { name?: string }).name !== 'ExecutionAlreadyExists') throw error;
    return { arn: `${machineArn.replace(':stateMachine:', ':execution:')}:${name}`, already: true };
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function rollbackCommand(argv: readonly string[], io: CliIo, now: () => Date = () => new Date()): Promise<number> {
  const args = parseRollbackArgs(argv);
  if (args === 'help') {
    io.stdout.write(ROLLBACK_HELP);
    return EXIT_OK;
  }
  const client = sfnClient(process.env);
  try {
    const machine = await stateMachineArn(client, rollbackStateMachineName(args.env, args.model));
    const input = JSON.stringify({ ...(args.toVersion ? { toVersion: args.toVersion } : {}), requestedBy: args.requestedBy, reason: args.reason });
    const { arn, already } = await start(client, machine, rollbackExecutionName(args, now()), input);
    io.stdout.write(`${already ? 'Already started (same request this hour)' : 'Started'} rollback of ${terminalSafe(args.model)} (${args.env}) to ${args.toVersion ? `version ${args.toVersion}` : 'the last known good version'}:\n${arn}\n`);
    if (!args.wait) return EXIT_OK;
    const deadline = Date.now() + args.timeoutMinutes * 60_000;
    for (;;) {
      const d = await client.send(new DescribeExecutionCommand({ executionArn: arn }));
      if (d.status !== 'RUNNING' && d.status !== 'PENDING_REDRIVE') {
        const detail = [d.error, d.cause].filter(Boolean).join(': ');
        io.stdout.write(`Rollback ${d.status}${detail ? `: ${terminalSafe(detail)}` : ''}\n`);
        return d.status === 'SUCCEEDED' ? EXIT_OK : EXIT_CRITICAL;
      }
      if (Date.now() >= deadline) {
        io.stdout.write(`Still RUNNING after ${args.timeoutMinutes} min; it goes on (driftwatch history --env ${args.env} --model ${terminalSafe(args.model)} shows its steps)\n`);
        return EXIT_CRITICAL;
      }
      await sleep(args.pollSeconds * 1000);
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    const e = error as { name?: string; message?: string };
    io.stderr.write(`driftwatch rollback: Step Functions refused: ${e.name ?? 'Error'}: ${terminalSafe(e.message ?? String(error))}\n`);
    return EXIT_ERROR;
  } finally {
    client.destroy();
  }
}
