// Bundles the two entrypoints (start-up time is a feature: see the CLI build below).
import { build } from 'esbuild'

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  external: ['better-sqlite3', 'koffi', 'node-unix-socket', 'tar-stream'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
}

await Promise.all([
  // The CLI is one CommonJS file: CJS loads faster than ES modules, and esbuild keeps each
  // module's initialisation (and its require() of tar-stream, node:http…) lazy until a command
  // needs it, so `berth --version` parses one file and runs almost nothing.
  build({
    ...common,
    format: 'cjs',
    entryPoints: ['src/bin/berth.ts'],
    outfile: 'dist/cli/berth.cjs',
    banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__importMetaUrl' },
  }),
  build({ ...common, entryPoints: ['src/bin/berthd.ts'], outfile: 'dist/berthd.mjs' }),
])
