// The literal command table: names, one-line descriptions and lazy loaders. Loading a command
// module only when it runs keeps `berth --version` as fast as node itself.
import type { CommandModule } from './command.js'

type Loader = () => Promise<CommandModule<any>>

export interface Entry {
  name: string
  description: string
  load?: Loader
  /** Management commands (`container`, `image`, `network`, `system`, `volume`) hold their own table. */
  sub?: readonly Entry[]
  aliases?: readonly string[]
}

const m = (p: Promise<{ command: CommandModule<any> }>) => p.then((x) => x.command)

const attach: Loader = () => m(import('./commands/attach.js'))
const commit: Loader = () => m(import('./commands/commit.js'))
const build: Loader = () => m(import('./commands/build.js'))
const cp: Loader = () => m(import('./commands/cp.js'))
const create: Loader = () => m(import('./commands/create.js'))
const diff: Loader = () => m(import('./commands/diff.js'))
const exec: Loader = () => m(import('./commands/exec.js'))
const exportContainer: Loader = () => m(import('./commands/export.js'))
const history: Loader = () => m(import('./commands/history.js'))
const images: Loader = () => m(import('./commands/images.js'))
const importImage: Loader = () => m(import('./commands/import.js'))
const info: Loader = () => m(import('./commands/info.js'))
const events: Loader = () => m(import('./commands/events.js'))
const systemDf: Loader = () => m(import('./commands/system-df.js'))
const inspect: Loader = () => import('./commands/inspect.js').then((x) => x.inspectCommand())
const inspectContainer: Loader = () => import('./commands/inspect.js').then((x) => x.inspectCommand('container'))
const inspectImage: Loader = () => import('./commands/inspect.js').then((x) => x.inspectCommand('image'))
const inspectNetwork: Loader = () => import('./commands/inspect.js').then((x) => x.inspectCommand('network'))
const kill: Loader = () => m(import('./commands/kill.js'))
const load: Loader = () => m(import('./commands/load.js'))
const logs: Loader = () => m(import('./commands/logs.js'))
const pause: Loader = () => import('./commands/pause.js').then((x) => x.pauseCommand)
const unpause: Loader = () => import('./commands/pause.js').then((x) => x.unpauseCommand)
const port: Loader = () => m(import('./commands/port.js'))
const ps: Loader = () => m(import('./commands/ps.js'))
const pull: Loader = () => m(import('./commands/pull.js'))
const push: Loader = () => m(import('./commands/push.js'))
const login: Loader = () => m(import('./commands/login.js'))
const logout: Loader = () => m(import('./commands/logout.js'))
const rename: Loader = () => m(import('./commands/rename.js'))
const restart: Loader = () => m(import('./commands/restart.js'))
const rm: Loader = () => m(import('./commands/rm.js'))
const rmi: Loader = () => m(import('./commands/rmi.js'))
const run: Loader = () => m(import('./commands/run.js'))
const save: Loader = () => m(import('./commands/save.js'))
const start: Loader = () => m(import('./commands/start.js'))
const stop: Loader = () => m(import('./commands/stop.js'))
const tag: Loader = () => m(import('./commands/tag.js'))
const top: Loader = () => m(import('./commands/top.js'))
const version: Loader = () => m(import('./commands/version.js'))
const wait: Loader = () => m(import('./commands/wait.js'))
const imagePrune: Loader = () => m(import('./commands/image-prune.js'))
const containerPrune: Loader = () => m(import('./commands/container-prune.js'))
const completion: Loader = () => m(import('./commands/completion.js'))
const networkConnect: Loader = () => m(import('./commands/network-connect.js'))
const networkCreate: Loader = () => m(import('./commands/network-create.js'))
const networkDisconnect: Loader = () => m(import('./commands/network-disconnect.js'))
const networkLs: Loader = () => m(import('./commands/network-ls.js'))
const networkPrune: Loader = () => m(import('./commands/network-prune.js'))
const networkRm: Loader = () => m(import('./commands/network-rm.js'))
const inspectVolume: Loader = () => import('./commands/inspect.js').then((x) => x.inspectCommand('volume'))
const volumeCreate: Loader = () => m(import('./commands/volume-create.js'))
const volumeLs: Loader = () => m(import('./commands/volume-ls.js'))
const volumePrune: Loader = () => m(import('./commands/volume-prune.js'))
const volumeRm: Loader = () => m(import('./commands/volume-rm.js'))

const containerCommands: readonly Entry[] = [
  { name: 'attach', description: 'Attach local standard input, output, and error streams to a running container', load: attach },
  { name: 'commit', description: "Create a new image from a container's changes", load: commit },
  { name: 'cp', description: 'Copy files/folders between a container and the local filesystem', load: cp },
  { name: 'create', description: 'Create a new container', load: create },
  { name: 'diff', description: "Inspect changes to files or directories on a container's filesystem", load: diff },
  { name: 'exec', description: 'Execute a command in a running container', load: exec },
  { name: 'export', description: "Export a container's filesystem as a tar archive", load: exportContainer },
  { name: 'inspect', description: 'Display detailed information on one or more containers', load: inspectContainer },
  { name: 'kill', description: 'Kill one or more running containers', load: kill },
  { name: 'logs', description: 'Fetch the logs of a container', load: logs },
  { name: 'ls', description: 'List containers', load: ps, aliases: ['list', 'ps'] },
  { name: 'pause', description: 'Pause all processes within one or more containers', load: pause },
  { name: 'port', description: 'List port mappings or a specific mapping for the container', load: port },
  { name: 'prune', description: 'Remove all stopped containers', load: containerPrune },
  { name: 'rename', description: 'Rename a container', load: rename },
  { name: 'restart', description: 'Restart one or more containers', load: restart },
  { name: 'rm', description: 'Remove one or more containers', load: rm, aliases: ['remove'] },
  { name: 'run', description: 'Create and run a new container from an image', load: run },
  { name: 'start', description: 'Start one or more stopped containers', load: start },
  { name: 'stop', description: 'Stop one or more running containers', load: stop },
  { name: 'top', description: 'Display the running processes of a container', load: top },
  { name: 'unpause', description: 'Unpause all processes within one or more containers', load: unpause },
  { name: 'wait', description: 'Block until one or more containers stop, then print their exit codes', load: wait },
]

const imageCommands: readonly Entry[] = [
  { name: 'history', description: 'Show the history of an image', load: history },
  { name: 'import', description: 'Import the contents from a tarball to create a filesystem image', load: importImage },
  { name: 'inspect', description: 'Display detailed information on one or more images', load: inspectImage },
  { name: 'load', description: 'Load an image from a tar archive or STDIN', load },
  { name: 'ls', description: 'List images', load: images, aliases: ['list'] },
  { name: 'prune', description: 'Remove unused images', load: imagePrune },
  { name: 'pull', description: 'Download an image from a registry', load: pull },
  { name: 'push', description: 'Upload an image to a registry', load: push },
  { name: 'rm', description: 'Remove one or more images', load: rmi, aliases: ['remove'] },
  { name: 'save', description: 'Save one or more images to a tar archive (streamed to STDOUT by default)', load: save },
  { name: 'tag', description: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE', load: tag },
  { name: 'build', description: 'Build an image from a Dockerfile', load: build },
]

const networkCommands: readonly Entry[] = [
  { name: 'connect', description: 'Connect a container to a network', load: networkConnect },
  { name: 'create', description: 'Create a network', load: networkCreate },
  { name: 'disconnect', description: 'Disconnect a container from a network', load: networkDisconnect },
  { name: 'inspect', description: 'Display detailed information on one or more networks', load: inspectNetwork },
  { name: 'ls', description: 'List networks', load: networkLs, aliases: ['list'] },
  { name: 'prune', description: 'Remove all unused networks', load: networkPrune },
  { name: 'rm', description: 'Remove one or more networks', load: networkRm, aliases: ['remove'] },
]

const volumeCommands: readonly Entry[] = [
  { name: 'create', description: 'Create a volume', load: volumeCreate },
  { name: 'inspect', description: 'Display detailed information on one or more volumes', load: inspectVolume },
  { name: 'ls', description: 'List volumes', load: volumeLs, aliases: ['list'] },
  { name: 'prune', description: 'Remove unused local volumes', load: volumePrune },
  { name: 'rm', description: 'Remove one or more volumes', load: volumeRm, aliases: ['remove'] },
]

const systemCommands: readonly Entry[] = [
  { name: 'events', description: 'Get real time events from the server', load: events },
  { name: 'df', description: 'Show berth disk usage', load: systemDf },
  { name: 'info', description: 'Display system-wide information', load: info },
]

export const commands: readonly Entry[] = [
  { name: 'run', description: 'Create and run a new container from an image', load: run },
  { name: 'exec', description: 'Execute a command in a running container', load: exec },
  { name: 'ps', description: 'List containers', load: ps },
  { name: 'build', description: 'Build an image from a Dockerfile', load: build },
  { name: 'pull', description: 'Download an image from a registry', load: pull },
  { name: 'push', description: 'Upload an image to a registry', load: push },
  { name: 'images', description: 'List images', load: images },
  { name: 'login', description: 'Authenticate to a registry', load: login },
  { name: 'logout', description: 'Log out from a registry', load: logout },
  { name: 'version', description: 'Show the berth version information', load: version },
  { name: 'info', description: 'Display system-wide information', load: info },
  { name: 'container', description: 'Manage containers', sub: containerCommands },
  { name: 'image', description: 'Manage images', sub: imageCommands },
  { name: 'network', description: 'Manage networks', sub: networkCommands },
  { name: 'system', description: 'Manage berth', sub: systemCommands },
  { name: 'volume', description: 'Manage volumes', sub: volumeCommands },
  { name: 'events', description: systemCommands[0]!.description, load: events },
  { name: 'attach', description: containerCommands[0]!.description, load: attach },
  { name: 'completion', description: 'Generate the autocompletion script for the specified shell', load: completion },
  { name: 'commit', description: "Create a new image from a container's changes", load: commit },
  { name: 'cp', description: containerCommands[2]!.description, load: cp },
  { name: 'create', description: 'Create a new container', load: create },
  { name: 'diff', description: containerCommands[4]!.description, load: diff },
  { name: 'export', description: "Export a container's filesystem as a tar archive", load: exportContainer },
  { name: 'history', description: 'Show the history of an image', load: history },
  { name: 'import', description: imageCommands[1]!.description, load: importImage },
  { name: 'inspect', description: 'Return low-level information on berth objects', load: inspect },
  { name: 'kill', description: 'Kill one or more running containers', load: kill },
  { name: 'load', description: 'Load an image from a tar archive or STDIN', load },
  { name: 'logs', description: 'Fetch the logs of a container', load: logs },
  { name: 'pause', description: 'Pause all processes within one or more containers', load: pause },
  { name: 'port', description: containerCommands[12]!.description, load: port },
  { name: 'rename', description: 'Rename a container', load: rename },
  { name: 'restart', description: 'Restart one or more containers', load: restart },
  { name: 'rm', description: 'Remove one or more containers', load: rm },
  { name: 'rmi', description: 'Remove one or more images', load: rmi },
  { name: 'save', description: imageCommands[9]!.description, load: save },
  { name: 'start', description: 'Start one or more stopped containers', load: start },
  { name: 'stop', description: 'Stop one or more running containers', load: stop },
  { name: 'tag', description: imageCommands[10]!.description, load: tag },
  { name: 'top', description: 'Display the running processes of a container', load: top },
  { name: 'unpause', description: 'Unpause all processes within one or more containers', load: unpause },
  { name: 'wait', description: containerCommands[22]!.description, load: wait },
]

export function findEntry(table: readonly Entry[], name: string): Entry | undefined {
  return table.find((e) => e.name === name || e.aliases?.includes(name))
}
