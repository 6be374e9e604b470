// POST /auth: the daemon checks a login against a registry (the CLI stores it afterwards).
import type { Transport } from './transport.js'

export interface AuthBody {
  username: string
  password: string
  serveraddress: string
}

export interface AuthResponse {
  Status: string
  IdentityToken?: string
}

export class Registry {
  constructor(private readonly t: Transport) {}

  login(body: AuthBody): Promise<AuthResponse> {
    return this.t.json({ method: 'POST', path: '/auth', body })
  }
}
