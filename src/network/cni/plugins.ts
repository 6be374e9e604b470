// Where CNI plugin binaries are: CNI_PATH is a colon-separated list of directories searched in
// order (CNI spec 1.0). Reads the filesystem, writes nothing.
import { access, constants } from 'node:fs/promises'
import { join } from 'node:path'
import { notFound } from '../../lib/errors.js'
import { pluginTypes, type Conflist } from './conflist.js'

export const DEFAULT_CNI_PATH = '/usr/lib/cni'

/** The executable for a plugin type, or a not-found error naming it. */
export async function findPlugin(type: string, cniPath = DEFAULT_CNI_PATH): Promise<string> {
  if (type.includes('/') || type === '' || type === '.' || type === '..') throw notFound(`plugin type="${type}" not found`)
  for (const dir of cniPath.split(':')) {
    if (dir === '') continue
    const file = join(dir, type)
    try {
      await access(file, constants.X_OK)
      return file
    } catch {
      // try the next directory
    }
  }
  throw notFound(`plugin type="${type}" not found`)
}

/** Checks, before a network is created, that every plugin the conflist names is installed. */
export async function checkPlugins(conflist: Conflist, cniPath = DEFAULT_CNI_PATH): Promise<void> {
  for (const type of pluginTypes(conflist)) await findPlugin(type, cniPath)
}
