#!/usr/bin/env node
// The `zenoti-auth` command: runs the built CLI (dist/cli.mjs). A committed file rather than the
// dist file itself, so that a package manager can link the command before the package is built
// (pnpm warns "Failed to create bin" in a workspace where dist does not exist yet).
import '../dist/cli.mjs';
