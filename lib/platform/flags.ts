/**
 * Feature flags the app is built with: CDK's currently recommended set (what `cdk init` writes to
 * cdk.json). Set on the App itself so the CLI, the tests and the benchmark synthesize the same
 * templates; values given on the command line (`-c`) still win.
 */
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';

export const APP_CONTEXT: Readonly<Record<string, unknown>> = {
  ...CURRENTLY_RECOMMENDED_FLAGS,
};
