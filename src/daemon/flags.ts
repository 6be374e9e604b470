// berthd's flags: dockerd's names for what the two share. Pure parsing; no defaults are looked up
// on the host here.
import { invalid } from '../lib/errors.js'
import { isLevel, type Level } from '../lib/log.js'
import { checkInsecureRegistry } from '../registry/endpoint.js'

export interface DaemonOptions {
  hosts: string[]
  dataRoot: string
  execRoot: string
  pidfile: string
  logLevel: Level
  defaultUlimits: Array<{ Name: string; Soft: number; Hard: number }>
  liveRestore: boolean
  cgroupParent: string
  bridge: string
  bip?: string
  mtu?: number
  /** undefined = the host's resolvers */
  dnsUpstreams?: string[]
  /** --insecure-registry: host[:port] or CIDR, repeatable (127.0.0.0/8 is always insecure) */
  insecureRegistries: string[]
  /** --registry-certs-dir: per-registry ca.crt / client.cert / client.key (default /etc/berth/certs.d) */
  registryCertsDir?: string
  help: boolean
  version: boolean
}

export const DEFAULTS = {
  dataRoot: '/var/lib/berth',
  execRoot: '/run/berth',
  socket: '/run/berth/berth.sock',
}

export const USAGE = `Usage:  berthd [OPTIONS]

A container engine that speaks Docker's API

Options:
  -b, --bridge string           Attach containers to a network bridge (default "berth0")
      --bip string              Specify the default bridge's IP address and prefix, e.g. 172.17.0.1/16
                                (default: the first private /16 from 172.17.0.0 on that no route uses)
      --cgroup-parent string    Parent cgroup for all containers (default "/berth")
      --data-root string        Root directory of persistent state (default "${DEFAULTS.dataRoot}")
  -D, --debug                   Enable debug mode
      --default-ulimit ulimit   Default ulimits for containers, e.g. nofile=1024:2048 (repeatable)
      --dns-upstream string     Where the embedded DNS server forwards names it does not know
                                (repeatable; "none" forwards nowhere; default: the host's resolv.conf)
      --exec-root string        Root directory for execution state files (default "${DEFAULTS.execRoot}")
  -H, --host list               Daemon socket(s) to listen on: unix:///path or tcp://127.0.0.1:port
                                (default unix://<exec-root>/berth.sock)
      --insecure-registry list  Enable insecure registry communication (host[:port] or CIDR; repeatable)
      --live-restore            Keep containers running while the daemon is down (default true)
  -l, --log-level string        Set the logging level ("debug"|"info"|"warn"|"error"|"fatal") (default "info")
      --mtu int                 Set the default bridge's MTU (default 1500)
  -p, --pidfile string          Path to use for daemon PID file (default "<exec-root>/berthd.pid")
      --registry-certs-dir string
                                Per-registry TLS files: <dir>/<host:port>/{ca.crt,client.cert,client.key}
                                (default "/etc/berth/certs.d"; Docker's is /etc/docker/certs.d)
  -v, --version                 Print version information and quit
`

const TRUE = new Set(['true', '1', 'yes'])

export function parseUlimit(spec: string) {
  const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(spec)
  if (!m) throw invalid(`invalid ulimit argument: ${spec}`)
  const soft = Number(m[2])
  const hard = m[3] === undefined ? soft : Number(m[3])
  if (soft > hard) throw invalid(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`)
  return { Name: m[1]!, Soft: soft, Hard: hard }
}

export function parseDaemonFlags(argv: readonly string[]): DaemonOptions {
  const o: DaemonOptions = {
    hosts: [],
    dataRoot: DEFAULTS.dataRoot,
    execRoot: DEFAULTS.execRoot,
    pidfile: '',
    logLevel: 'info',
    defaultUlimits: [],
    liveRestore: true,
    cgroupParent: '/berth',
    bridge: 'berth0',
    insecureRegistries: [],
    help: false,
    version: false,
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const eq = arg.indexOf('=')
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined
    const value = () => {
      if (inline !== undefined) return inline
      const v = argv[++i]
      if (v === undefined) throw invalid(`flag needs an argument: ${name}`)
      return v
    }
    switch (name) {
      case '-H':
      case '--host':
        o.hosts.push(value())
        break
      case '--data-root':
        o.dataRoot = value()
        break
      case '--exec-root':
        o.execRoot = value()
        break
      case '-p':
      case '--pidfile':
        o.pidfile = value()
        break
      case '-D':
      case '--debug':
        o.logLevel = 'debug'
        break
      case '-l':
      case '--log-level': {
        const l = value()
        if (!isLevel(l)) throw invalid(`unable to parse logging level: ${l}`)
        o.logLevel = l
        break
      }
      case '--default-ulimit':
        o.defaultUlimits.push(parseUlimit(value()))
        break
      case '--cgroup-parent': {
        const p = value()
        if (!p.startsWith('/') || p.includes('..')) throw invalid(`invalid cgroup parent: ${p} (an absolute path is required)`)
        o.cgroupParent = p.replace(/\/+$/, '')
        break
      }
      case '-b':
      case '--bridge': {
        const b = value()
        if (!/^[a-zA-Z0-9_.-]{1,15}$/.test(b)) throw invalid(`invalid bridge name: ${b}`)
        o.bridge = b
        break
      }
      case '--bip': {
        const b = value()
        if (!/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(b)) throw invalid(`invalid --bip: ${b} (an address with a prefix length, e.g. 172.17.0.1/16)`)
        o.bip = b
        break
      }
      case '--mtu': {
        const m = Number(value())
        if (!Number.isInteger(m) || m < 68 || m > 65535) throw invalid(`invalid --mtu: ${m}`)
        o.mtu = m
        break
      }
      case '--dns-upstream': {
        const v = value()
        o.dnsUpstreams = v === 'none' ? [] : [...(o.dnsUpstreams ?? []), v]
        break
      }
      case '--insecure-registry':
        o.insecureRegistries.push(checkInsecureRegistry(value()))
        break
      case '--registry-certs-dir': {
        const d = value()
        if (!d.startsWith('/')) throw invalid(`invalid --registry-certs-dir: ${d} (an absolute path is required)`)
        o.registryCertsDir = d
        break
      }
      case '--live-restore':
        o.liveRestore = inline === undefined ? true : TRUE.has(inline)
        break
      case '-h':
      case '--help':
        o.help = true
        break
      case '-v':
      case '--version':
        o.version = true
        break
      default:
        throw invalid(`unknown flag: ${name}`)
    }
  }
  if (!o.pidfile) o.pidfile = `${o.execRoot}/berthd.pid`
  if (o.hosts.length === 0) o.hosts.push(`unix://${o.execRoot === DEFAULTS.execRoot ? DEFAULTS.socket : `${o.execRoot}/berth.sock`}`)
  return o
}
