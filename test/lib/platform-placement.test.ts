/**
 * A Platform in a consumer's own app: a plain App (no Driftwatch flags, no cdk-nag) and a Stage
 * work; inside a stack, or twice for one env, it throws and says what to do instead.
 */
import { App, Stack, Stage } from 'aws-cdk-lib';
import { removeTemporaryAssets } from '../../lib/monitor';
import { Platform } from '../../lib/platform';
import { syntheticConfig } from './helpers';

afterAll(() => removeTemporaryAssets());

const config = syntheticConfig(1, 3);

it("works in a consumer's plain App, which then deploys the Platform's stacks", () => {
  const app = new App();
  new Platform(app, 'Driftwatch', { config });
  const names = app.synth().stacks.map((s) => s.stackName).sort();
  expect(names).toEqual(['Driftwatch-bench-Data', 'Driftwatch-bench-Models-1']);
});

it("works in a consumer's Stage (the stacks are the stage's)", () => {
  const app = new App();
  const stage = new Stage(app, 'Prod');
  const platform = new Platform(stage, 'Driftwatch', { config });
  expect(Stage.of(platform.dataStack)).toBe(stage);
  expect(stage.synth().stacks.map((s) => s.stackName).sort()).toEqual(['Driftwatch-bench-Data', 'Driftwatch-bench-Models-1']);
});

it("refuses a stack as its scope instead of leaving that stack empty, and says to pass an App or a Stage", () => {
  const app = new App();
  const stack = new Stack(app, 'TeamStack');
  expect(() => new Platform(stack, 'Driftwatch', { config })).toThrow(
    /Platform TeamStack\/Driftwatch: its scope is inside the stack TeamStack, .*would leave that stack empty: pass an App or a Stage/,
  );
});

it('refuses a second Platform of the same env in one app, naming the env and the stack', () => {
  const app = new App();
  new Platform(app, 'First', { config });
  expect(() => new Platform(app, 'Second', { config })).toThrow(
    'Platform Second: the app already has the stack Driftwatch-bench-Data (First-bench-Data) for env "bench"; two Platforms of one env in one app would deploy their stacks over each other',
  );
});

it('allows two envs in one app, each with its own stacks', () => {
  const app = new App();
  new Platform(app, 'Bench', { config });
  new Platform(app, 'Other', { config: { ...config, env: 'other' } });
  expect(app.synth().stacks.map((s) => s.stackName).sort()).toEqual([
    'Driftwatch-bench-Data',
    'Driftwatch-bench-Models-1',
    'Driftwatch-other-Data',
    'Driftwatch-other-Models-1',
  ]);
});
