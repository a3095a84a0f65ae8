#!/usr/bin/env node
// The sightline-stats-server bin.
import { main } from './cli/run.js';

void main(process.argv.slice(2), process.env);
