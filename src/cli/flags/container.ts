// The flags of `run` and `create` (run adds a few of its own). One table, so help, completion
// and parsing agree. Values are validated here when docker validates them at parse time
// (exit 125 with usage); the rest is checked while building the request body.
import { canonicalDnsServer, dnsSearchDomain, extraHost } from './host-opts.js'
import { checkLink, parseNetworkOpt } from './network-opts.js'
import type { FlagSpec } from './parser.js'
import { checkAttach, checkInt, nanoCpus, parseRestartPolicy, parseUlimit, ramInBytes, swapInBytes } from './units.js'
import { parseMount } from './volume.js'

const size = (s: string) => void ramInBytes(s)

export const createFlags: readonly FlagSpec[] = [
  { long: 'add-host', kind: 'list', type: 'list', help: 'Add a custom host-to-IP mapping (host:ip)', check: (s) => void extraHost(s) },
  { long: 'attach', short: 'a', kind: 'list', type: 'list', help: 'Attach to STDIN, STDOUT or STDERR', check: checkAttach },
  { long: 'cap-add', kind: 'list', type: 'list', help: 'Add Linux capabilities' },
  { long: 'cap-drop', kind: 'list', type: 'list', help: 'Drop Linux capabilities' },
  { long: 'cgroupns', kind: 'value', type: 'string', help: "Cgroup namespace to use (host|private)" },
  { long: 'cpu-shares', short: 'c', kind: 'value', type: 'int', help: 'CPU shares (relative weight)', check: checkInt },
  { long: 'cpus', kind: 'value', type: 'decimal', help: 'Number of CPUs', check: (s) => void nanoCpus(s) },
  { long: 'cidfile', kind: 'value', type: 'string', help: 'Write the container ID to the file' },
  { long: 'device', kind: 'list', type: 'list', help: 'Add a host device to the container' },
  { long: 'dns', kind: 'list', type: 'list', help: 'Set custom DNS servers', check: (s) => void canonicalDnsServer(s) },
  { long: 'dns-option', kind: 'list', type: 'list', help: 'Set DNS options', aliases: ['dns-opt'] },
  { long: 'dns-search', kind: 'list', type: 'list', help: 'Set custom DNS search domains', check: (s) => void dnsSearchDomain(s) },
  { long: 'domainname', kind: 'value', type: 'string', help: 'Container NIS domain name' },
  { long: 'entrypoint', kind: 'value', type: 'string', help: 'Overwrite the default ENTRYPOINT of the image' },
  { long: 'env', short: 'e', kind: 'list', type: 'list', help: 'Set environment variables' },
  { long: 'env-file', kind: 'list', type: 'list', help: 'Read in a file of environment variables' },
  { long: 'expose', kind: 'list', type: 'list', help: 'Expose a port or a range of ports' },
  { long: 'group-add', kind: 'list', type: 'list', help: 'Add additional groups to join' },
  { long: 'hostname', short: 'h', kind: 'value', type: 'string', help: 'Container host name' },
  { long: 'init', kind: 'bool', help: 'Run an init inside the container that forwards signals and reaps processes' },
  { long: 'interactive', short: 'i', kind: 'bool', help: 'Keep STDIN open even if not attached' },
  { long: 'ip', kind: 'value', type: 'string', help: 'IPv4 address (e.g., 172.30.100.104)' },
  { long: 'ip6', kind: 'value', type: 'string', help: 'IPv6 address (e.g., 2001:db8::33)' },
  { long: 'ipc', kind: 'value', type: 'string', help: 'IPC mode to use' },
  { long: 'label', short: 'l', kind: 'list', type: 'list', help: 'Set meta data on a container' },
  { long: 'label-file', kind: 'list', type: 'list', help: 'Read in a line delimited file of labels' },
  { long: 'link', kind: 'list', type: 'list', help: 'Add link to another container', check: checkLink },
  { long: 'link-local-ip', kind: 'list', type: 'list', help: 'Container IPv4/IPv6 link-local addresses' },
  { long: 'log-driver', kind: 'value', type: 'string', help: 'Logging driver for the container' },
  { long: 'log-opt', kind: 'list', type: 'list', help: 'Log driver options' },
  { long: 'mac-address', kind: 'value', type: 'string', help: 'Container MAC address (e.g., 92:d0:c6:0a:29:33)' },
  { long: 'memory', short: 'm', kind: 'value', type: 'bytes', help: 'Memory limit', check: size },
  { long: 'memory-reservation', kind: 'value', type: 'bytes', help: 'Memory soft limit', check: size },
  { long: 'memory-swap', kind: 'value', type: 'bytes', help: "Swap limit equal to memory plus swap: '-1' to enable unlimited swap", check: (s) => void swapInBytes(s) },
  { long: 'mount', kind: 'list', type: 'mount', help: 'Attach a filesystem mount to the container', check: (s) => void parseMount(s, ramInBytes) },
  { long: 'name', kind: 'value', type: 'string', help: 'Assign a name to the container' },
  { long: 'network', kind: 'list', type: 'network', help: 'Connect a container to a network', aliases: ['net'], check: (s) => void parseNetworkOpt(s) },
  { long: 'network-alias', kind: 'list', type: 'list', help: 'Add network-scoped alias for the container', aliases: ['net-alias'] },
  { long: 'oom-kill-disable', kind: 'bool', help: 'Disable OOM Killer' },
  { long: 'oom-score-adj', kind: 'value', type: 'int', help: "Tune host's OOM preferences (-1000 to 1000)", check: checkInt },
  { long: 'pid', kind: 'value', type: 'string', help: 'PID namespace to use' },
  { long: 'pids-limit', kind: 'value', type: 'int', help: 'Tune container pids limit (set -1 for unlimited)', check: checkInt },
  { long: 'platform', kind: 'value', type: 'string', help: 'Set platform if server is multi-platform capable' },
  { long: 'privileged', kind: 'bool', help: 'Give extended privileges to this container' },
  { long: 'publish', short: 'p', kind: 'list', type: 'list', help: "Publish a container's port(s) to the host" },
  { long: 'publish-all', short: 'P', kind: 'bool', help: 'Publish all exposed ports to random ports' },
  { long: 'pull', kind: 'value', type: 'string', help: 'Pull image before running ("always", "missing", "never")', defaultText: '"missing"' },
  { long: 'quiet', short: 'q', kind: 'bool', help: 'Suppress the pull output' },
  { long: 'read-only', kind: 'bool', help: "Mount the container's root filesystem as read only" },
  { long: 'restart', kind: 'value', type: 'string', help: 'Restart policy to apply when a container exits', defaultText: '"no"', check: (s) => void parseRestartPolicy(s) },
  { long: 'rm', kind: 'bool', help: 'Automatically remove the container and its associated anonymous volumes when it exits' },
  { long: 'runtime', kind: 'value', type: 'string', help: 'Runtime to use for this container' },
  { long: 'security-opt', kind: 'list', type: 'list', help: 'Security Options' },
  { long: 'shm-size', kind: 'value', type: 'bytes', help: 'Size of /dev/shm', check: size },
  { long: 'stop-signal', kind: 'value', type: 'string', help: 'Signal to stop the container' },
  { long: 'stop-timeout', kind: 'value', type: 'int', help: 'Timeout (in seconds) to stop a container', check: checkInt },
  { long: 'storage-opt', kind: 'list', type: 'list', help: 'Storage driver options for the container' },
  { long: 'sysctl', kind: 'list', type: 'map', help: 'Sysctl options' },
  { long: 'tmpfs', kind: 'list', type: 'list', help: 'Mount a tmpfs directory' },
  { long: 'tty', short: 't', kind: 'bool', help: 'Allocate a pseudo-TTY' },
  { long: 'ulimit', kind: 'list', type: 'ulimit', help: 'Ulimit options', check: (s) => void parseUlimit(s) },
  { long: 'user', short: 'u', kind: 'value', type: 'string', help: 'Username or UID (format: <name|uid>[:<group|gid>])' },
  { long: 'userns', kind: 'value', type: 'string', help: 'User namespace to use' },
  { long: 'uts', kind: 'value', type: 'string', help: 'UTS namespace to use' },
  { long: 'volume', short: 'v', kind: 'list', type: 'list', help: 'Bind mount a volume' },
  { long: 'volumes-from', kind: 'list', type: 'list', help: 'Mount volumes from the specified container(s)' },
  { long: 'workdir', short: 'w', kind: 'value', type: 'string', help: 'Working directory inside the container' },
]

export const runOnlyFlags: readonly FlagSpec[] = [
  { long: 'detach', short: 'd', kind: 'bool', help: 'Run container in background and print container ID' },
  { long: 'detach-keys', kind: 'value', type: 'string', help: 'Override the key sequence for detaching a container' },
  { long: 'sig-proxy', kind: 'bool', help: 'Proxy received signals to the process', defaultText: 'true' },
]

export const runFlags: readonly FlagSpec[] = [...createFlags, ...runOnlyFlags].sort((a, b) => a.long.localeCompare(b.long))
