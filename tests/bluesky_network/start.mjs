// The AT Protocol reference network for cmtui's Bluesky tests (tests/bluesky_peer.py runs it).
// @atproto/dev-env's TestNetwork: a PLC directory, a PDS, the AppView (+ its dataplane), bsync
// and ozone, in this one Node process, on ports it picks (its getPort locks them across
// processes). PostgreSQL and Redis are started by the caller: DB_POSTGRES_URL and REDIS_HOST.
// When ready it prints ONE line of JSON (the URLs, the DIDs, a moderator account) and stays up
// until its standard input closes or it gets SIGTERM / SIGINT.
import { randomBytes } from 'node:crypto'
import dns from 'node:dns'
import net from 'node:net'

// dev-env's servers listen on every interface; these listen on loopback only (a port given
// without a host gets 127.0.0.1), and `localhost`, which they call each other by, resolves
// to it first.
dns.setDefaultResultOrder('ipv4first')
const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  const [first] = args
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    if (typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1')
  } else if (first && typeof first === 'object' && first.path === undefined && !first.host) {
    args[0] = { ...first, host: '127.0.0.1' }
  }
  return listen.apply(this, args)
}
const { TestNetwork } = await import('@atproto/dev-env') // after the patch: imports run first

const schema = process.env.DB_POSTGRES_SCHEMA || 'cmtui'
const log = (...args) => console.error('[bluesky-network]', ...args)

const network = await TestNetwork.create({
  dbPostgresSchema: schema,
  pds: { hostname: 'localhost' },
  bsky: { dbPostgresSchema: `appview_${schema}` },
})

// A moderator the tests sign in as to read ozone's reports (through the PDS, as Ozone's web UI
// does), so the reports a client sends can be checked where they land.
const password = randomBytes(12).toString('hex')
const handle = 'moderator.test'
const created = await fetch(`${network.pds.url}/xrpc/com.atproto.server.createAccount`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ handle, email: 'moderator@cmtui.invalid', password }),
})
if (!created.ok) throw new Error(`moderator account: ${created.status} ${await created.text()}`)
const moderator = await created.json()
await network.ozone.addModeratorDid(moderator.did)
await network.processAll()

console.log(JSON.stringify({
  plc: network.plc.url,
  pds: network.pds.url,
  pds_did: network.pds.ctx.cfg.service.did,
  appview: network.bsky.url,
  appview_did: network.bsky.ctx.cfg.serverDid,
  ozone: network.ozone.url,
  ozone_did: network.ozone.ctx.cfg.service.did,
  moderator: { did: moderator.did, handle, password },
}))

let closing = false
const stop = async (why) => {
  if (closing) return
  closing = true
  log(`stopping (${why})`)
  setTimeout(() => process.exit(0), 5000).unref() // a close stuck on a dead database ends anyway
  try {
    await network.close()
  } catch (err) {
    log('close:', err?.message ?? err)
  }
  process.exit(0)
}
process.stdin.on('end', () => stop('stdin closed'))
process.stdin.on('error', () => stop('stdin error'))
process.stdin.resume()
process.on('SIGTERM', () => stop('SIGTERM'))
process.on('SIGINT', () => stop('SIGINT'))
