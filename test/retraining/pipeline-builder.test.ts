/** The typed builder refuses what SageMaker would refuse later, naming the step. */
import { PipelineBuilder, execution, join } from '../../lambda/retraining/pipeline';

const role = 'arn:aws:iam::123456789012:role/r';
const proc = { image: 'img@sha256:' + 'a'.repeat(64), command: ['run'], roleArn: role, instanceType: 'ml.m5.large' };

test('a reference to a step that does not exist, or runs later, is refused', () => {
  const b = new PipelineBuilder();
  b.processing('A', { ...proc, inputs: [{ name: 'x', source: { Get: "Steps.B.ProcessingOutputConfig.Outputs['o'].S3Output.S3Uri" }, destination: '/in' }] });
  b.processing('B', { ...proc, outputs: [{ name: 'o', source: '/out', destination: join('/', ['s3://b', execution.id]) }] });
  expect(() => b.build()).toThrow('pipeline step A refers to step B, which does not run before it');
  const c = new PipelineBuilder();
  c.processing('A', { ...proc, inputs: [{ name: 'x', source: { Get: 'Steps.Nope.ModelArtifacts.S3ModelArtifacts' }, destination: '/in' }] });
  expect(() => c.build()).toThrow('pipeline step A refers to step Nope, which does not exist');
});

test('an undeclared parameter, a duplicate step, an unknown output or property file is refused', () => {
  const b = new PipelineBuilder();
  b.processing('A', { ...proc, instanceType: { Get: 'Parameters.Size' } });
  expect(() => b.build()).toThrow('pipeline step A uses parameter Size, which is not declared');
  const c = new PipelineBuilder();
  const a = c.processing('A', { ...proc, outputs: [{ name: 'o', source: '/out', destination: 's3://b/o' }] });
  expect(() => a.output('p')).toThrow('step A has no output "p" (it has o)');
  c.processing('A', proc);
  expect(() => c.build()).toThrow('pipeline step A is defined twice');
  expect(() => new PipelineBuilder().processing('A', { ...proc, propertyFiles: { F: { output: 'o', path: 'f.json' } } })).toThrow('step A: property file F reads output "o", which the step does not have');
  const d = new PipelineBuilder();
  d.processing('A', { ...proc, outputs: [{ name: 'o', source: '/out', destination: 's3://b/o' }] });
  d.lambda('L', { functionArn: 'arn:aws:lambda:us-east-1:1:function:f', inputs: { v: { 'Std:JsonGet': { PropertyFile: { Get: 'Steps.A.PropertyFiles.F' }, Path: 'x' } } }, outputs: { ok: 'String' } });
  expect(() => d.build()).toThrow('pipeline step L reads property file F of step A, which the step does not declare');
});
