#!/usr/bin/env node
// `npx schwab-recorder` straight after `npm ci`: package.json's "bin" must name a file that is in the clone, and
// dist/ only exists after `npm run build`. The TypeScript source runs through tsx (a dependency), so this runs the
// same code as `npm run cli`, never a build older than the source; the build runs where the source was left out.
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const source = new URL('../src/cli/main.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import(new URL('../dist/src/cli/main.js', import.meta.url).href);
}
