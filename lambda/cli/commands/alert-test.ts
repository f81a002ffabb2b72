/**
 * `driftwatch alert test --env ENV --model ID`: sends a clearly marked routing check to the model
 * owner's channels — a PagerDuty trigger followed by its resolve, and a Slack message — built by the
 * notifier's own renderers, with the secrets read from Secrets Manager on the usual AWS chain. Prints
 * what was sent where (never a secret's value); `--dry-run` prints the payloads and sends nothing.
 * Exit 0 when every channel accepted, 2 otherwise (each channel is tried either way).
 */
import { loadEnvironment, UnknownEnvironmentError } from '../../../config/environments';
import type { ModelConfig } from '../../../config/schema';
import { ConfigValidationError } from '../../../config/validate';
import { InputError } from '../../adapters/local/errors';
import { PAGERDUTY_EVENTS_URL, pagerDutyEvent, type PagerDutySeverity } from '../../alerting/pagerduty';
import { slackMessage } from '../../alerting/slack';
import { routingCheckIncident, type RoutingCheck } from '../../alerting/test-page';
import { CliIo, EXIT_ERROR, EXIT_OK, UsageError } from '../io';
import { parseOptions } from '../args';

export const ALERT_HELP = `Usage: driftwatch alert test --env ENV --model ID [options]

Sends a routing check to the owner of model ID in environment ENV (config/<env>.ts): a PagerDuty
event marked "[TEST] Driftwatch routing check ..." (event_action trigger, then resolve with the
same dedup_key <env>/<model>/test/routing-check) and a Slack message marked the same way, through
the same renderers the notifier uses. The PagerDuty routing key and the Slack webhook URL are read
from the owner's Secrets Manager secrets (owner.pagerDutySecretName, owner.slackWebhookSecretName)
with the usual AWS credentials and region (AWS_PROFILE, AWS_REGION, SSO, a role). Prints what was
sent where; secret values are never printed. Exit code 0 when both channels accepted, 2 otherwise.

Options:
  --env ENV          Environment (a config/<env>.ts listed in config/environments.ts; required)
  --model ID         Model id in that environment (required)
  --severity LEVEL   PagerDuty severity of the test event: info (default), warning, error or
                     critical (critical checks that a real page would reach the on-call)
  --dry-run          Print the payloads (PagerDuty trigger and resolve, Slack message) and send nothing
  -h, --help         Show this help

Environment:
  DW_PAGERDUTY_URL   The Events API endpoint (default ${PAGERDUTY_EVENTS_URL})
`;

interface AlertTestArgs {
  readonly env: string;
  readonly model: string;
  readonly severity: PagerDutySeverity;
  readonly dryRun: boolean;
}

const SEVERITIES: readonly PagerDutySeverity[] = ['info', 'warning', 'error', 'critical'];

function parseAlertArgs(argv: readonly string[]): AlertTestArgs | 'help' {
  const values = parseOptions(argv, { env: { type: 'string' }, model: { type: 'string' }, severity: { type: 'string' }, 'dry-run': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) return 'help';
  const missing = (['env', 'model'] as const).filter((name) => !values[name]);
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((m) => `--${m} ${m === 'env' ? 'ENV' : 'ID'}`).join(' and ')}`);
  const severity = (values.severity ?? 'info') as PagerDutySeverity;
  if (!SEVERITIES.includes(severity)) throw new UsageError(`--severity: expected ${SEVERITIES.join(', ')}, got ${JSON.stringify(values.severity)}`);
  return { env: values.env as string, model: values.model as string, severity, dryRun: values['dry-run'] === true };
}

function modelOf(env: string, modelId: string): { readonly envName: string; readonly model: ModelConfig } {
  const file = `config/${env}.ts`;
  let config;
  try {
    config = loadEnvironment(env);
  } catch (error) {
    if (error instanceof UnknownEnvironmentError) throw new InputError(`--env: ${error.message}`);
    if (error instanceof ConfigValidationError) throw new InputError(error.message, { file });
    throw new InputError(`${file}: ${(error as Error).message}`, { file });
  }
  const model = config.models.find((m) => m.id === modelId);
  if (!model) throw new InputError(`--model ${JSON.stringify(modelId)}: no such model in ${file} (models: ${config.models.map((m) => m.id).join(', ')})`, { file });
  return { envName: config.env, model };
}

function dryRun(io: CliIo, check: RoutingCheck, owner: ModelConfig['owner'], severity: PagerDutySeverity): number {
  const key = `<the value of secret ${owner.pagerDutySecretName}>`;
  const url = process.env.DW_PAGERDUTY_URL?.trim() || PAGERDUTY_EVENTS_URL;
  const show = (title: string, body: unknown) => io.stdout.write(`${title}\n${JSON.stringify(body, null, 2)}\n\n`);
  show(`PagerDuty trigger (POST ${url}):`, pagerDutyEvent(routingCheckIncident(check, 'trigger'), key, severity));
  show(`PagerDuty resolve (POST ${url}):`, pagerDutyEvent(routingCheckIncident(check, 'resolve'), key));
  show(`Slack message (POST to the webhook URL in secret ${owner.slackWebhookSecretName}):`, slackMessage(routingCheckIncident(check, 'trigger')));
  io.stdout.write('Dry run: nothing was sent.\n');
  return EXIT_OK;
}

/** Runs one channel; a failure is printed and counted, never thrown, so the other channel still runs. */
async function channel(io: CliIo, name: string, run: () => Promise<string>): Promise<boolean> {
  try {
    io.stdout.write(`${name}: ${await run()}\n`);
    return true;
  } catch (error) {
    io.stderr.write(`${name}: FAILED: ${(error as Error).message}\n`);
    return false;
  }
}

async function send(io: CliIo, check: RoutingCheck, owner: ModelConfig['owner'], severity: PagerDutySeverity): Promise<number> {
  // Loaded only to send: --help and --dry-run need no AWS SDK (require: the CLI runs under tsx's CommonJS hook).
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { SecretReader, secretsManagerClient } = require('../../adapters/aws/secrets') as typeof import('../../adapters/aws/secrets');
  const { FetchHttpSender } = require('../../adapters/aws/http-sender') as typeof import('../../adapters/aws/http-sender');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const client = secretsManagerClient(process.env);
  const secrets = new SecretReader(client);
  const http = new FetchHttpSender();
  const url = process.env.DW_PAGERDUTY_URL?.trim() || PAGERDUTY_EVENTS_URL;
  try {
    const paged = await channel(io, 'PagerDuty', async () => {
      const key = await secrets.get(owner.pagerDutySecretName);
      const trigger = await http.postJson(url, pagerDutyEvent(routingCheckIncident(check, 'trigger'), key, severity), { name: 'PagerDuty Events API' });
      const resolve = await http.postJson(url, pagerDutyEvent(routingCheckIncident(check, 'resolve'), key), { name: 'PagerDuty Events API' });
      return `sent a [TEST] ${severity} trigger (answered ${trigger.status}) and its resolve (answered ${resolve.status}) to ${url}, dedup_key ${check.env}/${check.modelId}/test/routing-check, routing key from secret ${owner.pagerDutySecretName}`;
    });
    const posted = await channel(io, 'Slack', async () => {
      const webhook = await secrets.get(owner.slackWebhookSecretName);
      if (!/^https?:\/\/\S+$/.test(webhook)) throw new Error(`secret ${owner.slackWebhookSecretName}: does not hold a Slack webhook URL (https://hooks.slack.com/services/...)`);
      const answer = await http.postJson(webhook, slackMessage(routingCheckIncident(check, 'trigger')), { name: 'Slack webhook' });
      return `posted a [TEST] message (answered ${answer.status}) to the webhook in secret ${owner.slackWebhookSecretName}`;
    });
    return paged && posted ? EXIT_OK : EXIT_ERROR;
  } finally {
    client.destroy();
  }
}

/** `driftwatch alert <subcommand>`; only `test` exists. */
export async function alertCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h') {
    io.stdout.write(ALERT_HELP);
    return EXIT_OK;
  }
  if (sub !== 'test') throw new UsageError(sub === undefined ? 'missing the subcommand: driftwatch alert test --env ENV --model ID' : `unknown subcommand ${JSON.stringify(sub)} (only "test")`);
  const args = parseAlertArgs(rest);
  if (args === 'help') {
    io.stdout.write(ALERT_HELP);
    return EXIT_OK;
  }
  const { envName, model } = modelOf(args.env, args.model);
  const check: RoutingCheck = { env: envName, modelId: model.id, ownerName: model.owner.name, now: new Date() };
  io.stdout.write(`Routing check for model ${model.id} (${envName}), owner ${model.owner.name} <${model.owner.email}>.\n`);
  return args.dryRun ? dryRun(io, check, model.owner, args.severity) : send(io, check, model.owner, args.severity);
}
