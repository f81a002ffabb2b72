#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib/core';
import { TeamStack } from '../lib/team-stack';

const app = new cdk.App();
new TeamStack(app, 'TeamStack');
