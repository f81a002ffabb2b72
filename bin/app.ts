/**
 * The Driftwatch CDK app: `npx cdk synth -c env=dev` synthesizes one environment from config/<env>.ts.
 * The config is validated first; an invalid config or unknown environment stops here with every
 * problem listed, before any construct is created.
 */
import { ConfigValidationError } from '../config/validate';
import { UnknownEnvironmentError, loadEnvironment } from '../config/environments';
import { createDriftwatchApp } from '../lib/platform/app';

function envFromContext(): string | undefined {
  // The CDK CLI passes `-c key=value` through the CDK_CONTEXT_JSON environment variable.
  const raw = process.env.CDK_CONTEXT_JSON;
  if (!raw) return process.env.DRIFTWATCH_ENV;
  const context = JSON.parse(raw) as Record<string, unknown>;
  const env = context.env;
  return typeof env === 'string' ? env : process.env.DRIFTWATCH_ENV;
}

function main(): void {
  let config;
  try {
    config = loadEnvironment(envFromContext());
  } catch (error) {
    if (error instanceof UnknownEnvironmentError || error instanceof ConfigValidationError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const { app } = createDriftwatchApp(config);
  app.synth();
}

main();
