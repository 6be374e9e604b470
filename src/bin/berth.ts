// The berth CLI entrypoint: argv → main → exit code.
import { main } from '../cli/main.js'

// A reader that went away (`berth cp c:/f - | head`) ends the command quietly, as a Go program
// killed by SIGPIPE would, instead of an unhandled 'error' with a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(141)
  throw e
})

main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() })
  .then((code) => process.exit(code))
  .catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
    process.exit(1)
  })
