// The daemon's log: one line per event on stderr, level-filtered. Docker's levels.
export type Level = 'debug' | 'info' | 'warn' | 'error' | 'fatal'
const ORDER: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3, fatal: 4 }

let threshold: Level = 'info'
export const setLevel = (l: Level) => {
  threshold = l
}
export const isLevel = (s: string): s is Level => s in ORDER

function write(level: Level, msg: string, fields?: Record<string, unknown>) {
  if (ORDER[level] < ORDER[threshold]) return
  const extra = fields ? ' ' + Object.entries(fields).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ') : ''
  process.stderr.write(`time="${new Date().toISOString()}" level=${level} msg=${JSON.stringify(msg)}${extra}\n`)
}

export const log = {
  debug: (m: string, f?: Record<string, unknown>) => write('debug', m, f),
  info: (m: string, f?: Record<string, unknown>) => write('info', m, f),
  warn: (m: string, f?: Record<string, unknown>) => write('warn', m, f),
  error: (m: string, f?: Record<string, unknown>) => write('error', m, f),
}
