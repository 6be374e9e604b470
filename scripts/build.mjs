// Bundles the two entrypoints so the CLI starts by reading one file (start-up time is a feature).
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
  // The CLI is split into chunks: a command's code (and what it imports, tar-stream say) loads
  // only when that command runs.
  build({
    ...common,
    entryPoints: { berth: 'src/bin/berth.ts' },
    outdir: 'dist/cli',
    splitting: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
  }),
  build({ ...common, entryPoints: ['src/bin/berthd.ts'], outfile: 'dist/berthd.mjs' }),
])
