#!/usr/bin/env node
// The email-engine command. The sources are TypeScript run through tsx's loader: no build step, so a
// fresh clone runs after `npm ci` and the code that runs is the code that was reviewed.
import { register } from "tsx/esm/api";

register();
await import("../reconciler/cli/main.ts");
