// Human-readable durations and sizes, as the docker CLI prints them (go-units HumanDuration and
// HumanSizeWithPrecision, which format with Go's %g: no trailing zeros, e+NN exponents).

/** go-units HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000)
  if (seconds < 1) return 'Less than a second'
  if (seconds === 1) return '1 second'
  if (seconds < 60) return `${seconds} seconds`
  const minutes = Math.trunc(ms / 60_000)
  if (minutes === 1) return 'About a minute'
  if (minutes < 60) return `${minutes} minutes`
  const hours = Math.trunc(ms / 3_600_000 + 0.5)
  if (hours === 1) return 'About an hour'
  if (hours < 48) return `${hours} hours`
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`
  return `${Math.trunc(ms / 3_600_000 / 24 / 365)} years`
}

/** Go's strconv %.<prec>g. */
export function formatG(x: number, prec: number): string {
  if (x === 0) return '0'
  let s = x.toPrecision(prec)
  let exp: number
  const e = s.indexOf('e')
  if (e >= 0) exp = Number(s.slice(e + 1))
  else exp = Math.floor(Math.log10(Math.abs(Number(s))))
  if (exp < -4 || exp >= prec) {
    // exponent form: mantissa without trailing zeros, exponent with at least two digits
    const [mant, ex] = x.toExponential(prec - 1).split('e')
    const m = mant!.includes('.') ? mant!.replace(/0+$/, '').replace(/\.$/, '') : mant!
    const n = Number(ex)
    return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`
  }
  s = x.toFixed(Math.max(0, prec - 1 - exp))
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s
}

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB']

/** go-units HumanSizeWithPrecision (decimal units, base 1000). */
export function humanSize(size: number, precision = 3): string {
  let i = 0
  while (size >= 1000 && i < DECIMAL_UNITS.length - 1) {
    size /= 1000
    i++
  }
  return `${formatG(size, precision)}${DECIMAL_UNITS[i]}`
}

/** go-units HumanSize: precision 4. */
export const humanSizeDefault = (size: number) => humanSize(size, 4)
