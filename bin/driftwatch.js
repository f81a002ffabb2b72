#!/usr/bin/env node
// Thin launcher: registers tsx so the CLI runs straight from the TypeScript sources.
require('tsx/cjs');
require('./driftwatch.ts');
