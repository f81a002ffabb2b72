/** The SageMaker manifest file of Train's history channel: exactly the files the pull hashed. */
import { channelManifest } from '../../lambda/retraining/pull/channel-manifest';

const file = (uri: string) => ({ uri });

test('the prefix is the history URI and the keys are relative to it, sorted', () => {
  expect(channelManifest('s3://team/fraud/training/', [file('s3://team/fraud/training/2025/b.csv'), file('s3://team/fraud/training/2025/a.csv')])).toEqual([
    { prefix: 's3://team/fraud/training/' },
    '2025/a.csv',
    '2025/b.csv',
  ]);
});

test('a history URI without a trailing slash keeps its last segment in the keys, as an S3Prefix channel matches it', () => {
  expect(channelManifest('s3://team/fraud/train', [file('s3://team/fraud/training/a.csv'), file('s3://team/fraud/train.csv')])).toEqual([
    { prefix: 's3://team/fraud/' },
    'train.csv',
    'training/a.csv',
  ]);
});

test('a file outside the prefix is refused with both named', () => {
  expect(() => channelManifest('s3://team/fraud/training/', [file('s3://other/x.csv')])).toThrow('the data pull listed s3://other/x.csv, which is not under s3://team/fraud/training/');
});
