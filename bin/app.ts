/**
 * The Driftwatch CDK app: `npx cdk synth -c env=dev` synthesizes one environment from config/<env>.ts.
 * The config is validated first; an invalid config or unknown environment stops here with every
 * problem listed, before any construct is created. No AWS credentials or Docker are needed.
 */
import { ConfigValidationError } from '../config/validate';
import { UnknownEnvironmentError, loadEnvironment } from '../config/environments';
import { createApp } from '../lib/platform/app';
import { Platform } from '../lib/platform/platform';

const app = createApp();
const requested = app.node.tryGetContext('env') ?? process.env.DRIFTWATCH_ENV;

let config;
try {
  config = loadEnvironment(typeof requested === 'string' ? requested : undefined);
} catch (error) {
  if (error instanceof UnknownEnvironmentError || error instanceof ConfigValidationError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

new Platform(app, 'Driftwatch', { config });
app.synth();
