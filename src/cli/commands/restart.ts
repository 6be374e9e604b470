// `berth restart`: stop (with the same flags as stop), then start again; prints each ref.
import { stopLike } from './stop.js'

export const command = stopLike('Restart one or more containers', 'restart')
