/**
 * Builds the CDK app of one environment with the cdk-nag AwsSolutions pack attached, so any
 * unacknowledged finding fails synthesis.
 */
import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { DriftwatchConfig } from '../../config/schema';
import { APP_CONTEXT } from './flags';
import { Platform } from './platform';

export interface DriftwatchAppOptions extends Omit<AppProps, 'context'> {
  /** Extra context (wins over the built-in feature flags; `-c` on the command line wins over both). */
  readonly context?: Record<string, unknown>;
  /**
   * Run cdk-nag's AwsSolutions pack during synthesis (violations fail `cdk synth`).
   * @default true
   */
  readonly nag?: boolean;
}

/** An App with Driftwatch's feature flags and (by default) the cdk-nag AwsSolutions pack. */
export function createApp(options: DriftwatchAppOptions = {}): App {
  const { nag = true, context, ...appProps } = options;
  const app = new App({ ...appProps, context: { ...APP_CONTEXT, ...context } });
  if (nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return app;
}

/** A validated config → an App holding the environment's Platform. */
export function createDriftwatchApp(config: DriftwatchConfig, options: DriftwatchAppOptions = {}): { app: App; platform: Platform } {
  const app = createApp(options);
  const platform = new Platform(app, 'Driftwatch', { config });
  return { app, platform };
}
