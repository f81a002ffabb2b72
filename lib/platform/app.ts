/**
 * Builds the CDK app of one environment with the four cdk-nag packs attached (AwsSolutions, NIST
 * 800-53 rev 5, HIPAA Security, PCI DSS 3.2.1), so any unacknowledged finding fails synthesis.
 */
import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { driftwatchNagPacks } from '../common/nag';
import type { DriftwatchConfig } from '../../config/schema';
import { APP_CONTEXT } from './flags';
import { Platform } from './platform';

export interface DriftwatchAppOptions extends Omit<AppProps, 'context'> {
  /** Extra context (wins over the built-in feature flags; `-c` on the command line wins over both). */
  readonly context?: Record<string, unknown>;
  /**
   * Run the four cdk-nag packs during synthesis (violations fail `cdk synth`).
   * @default true
   */
  readonly nag?: boolean;
}

/** An App with Driftwatch's feature flags and (by default) the four cdk-nag packs. */
export function createApp(options: DriftwatchAppOptions = {}): App {
  const { nag = true, context, ...appProps } = options;
  const app = new App({ ...appProps, context: { ...APP_CONTEXT, ...context } });
  // AwsSolutions, NIST 800-53 rev 5, HIPAA Security and PCI DSS 3.2.1 (lib/common/nag.ts).
  if (nag) Validations.of(app).addPlugins(...driftwatchNagPacks(app));
  return app;
}

/** A validated config → an App holding the environment's Platform. */
export function createDriftwatchApp(config: DriftwatchConfig, options: DriftwatchAppOptions = {}): { app: App; platform: Platform } {
  const app = createApp(options);
  const codeVersion = app.node.tryGetContext('codeVersion') as string | undefined;
  const platform = new Platform(app, 'Driftwatch', { config, ...(codeVersion ? { codeVersion: String(codeVersion) } : {}) });
  return { app, platform };
}
