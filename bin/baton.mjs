#!/usr/bin/env node
// The `baton` command: TypeScript sources run through tsx, resolved from this installation.
import { register } from "tsx/esm/api";

register();
await import("../server/cli/main.ts");
