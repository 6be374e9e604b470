// berth's version, shown by `berth version` and `berthd --version`. Bumped with releases.
export const VERSION = '0.1.0'
