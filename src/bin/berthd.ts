#!/usr/bin/env node
// berthd entrypoint: argv → main → exit code.
import { main } from '../daemon/main.js'

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`berthd: ${e instanceof Error ? e.message : String(e)}\n`)
    process.exit(1)
  },
)
