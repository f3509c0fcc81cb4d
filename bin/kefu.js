#!/usr/bin/env node
// The `kefu` command: Node >= 22.18 runs the TypeScript sources directly.
import('../app/cli.ts');
