"""A real PDS's 429: the reference PDS (@atproto/pds, from the network's install) started
alone with its rate limits on, which the shared network runs without (its start script builds
the PDS's configuration itself, so PDS_RATE_LIMITS_ENABLED cannot reach it). createSession
allows 30 attempts per identifier in five minutes: the 31st is refused with the window's
reset in `ratelimit-reset`, and the connector says to come back then."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import time
from datetime import datetime, timedelta, timezone

import pytest

from bluesky_peer import free_port, install, node_binary
from cmtui.errors import InputError
from cmtui.sync.connectors.base import RateLimited
from cmtui.sync.connectors.bluesky.connector import BlueskyConnector

pytestmark = pytest.mark.xdist_group("bluesky")  # beside the other Bluesky servers: one worker at a time

# The PDS listens on every interface; like the network's start.mjs, a port given without a
# host gets 127.0.0.1 here, so this server is reachable on loopback only.
START = """
import net from 'node:net'
const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  const [first] = args
  if (typeof first === 'number' || (typeof first === 'string' && /^\\d+$/.test(first))) {
    if (typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1')
  } else if (first && typeof first === 'object' && first.path === undefined && !first.host) {
    args[0] = { ...first, host: '127.0.0.1' }
  }
  return listen.apply(this, args)
}
const { PDS, envToCfg, envToSecrets, readEnv } = await import('@atproto/pds')
const env = readEnv()
const pds = await PDS.create(envToCfg(env), envToSecrets(env))
await pds.start()
console.log('ready')
process.stdin.on('end', async () => { try { await pds.destroy() } finally { process.exit(0) } })
process.stdin.resume()
"""


@pytest.fixture(scope="module")
def limited_pds(tmp_path_factory):
    """http://127.0.0.1:PORT of a PDS with rate limits on (our child; stopped at the end)."""
    installed = install(quiet=True)
    folder = tmp_path_factory.mktemp("limited-pds")
    (folder / "node_modules").symlink_to(installed / "node_modules")
    (folder / "start.mjs").write_text(START)
    port = free_port()
    env = dict(os.environ, PDS_PORT=str(port), PDS_HOSTNAME="localhost", PDS_DEV_MODE="true",
               PDS_DATA_DIRECTORY=str(folder / "data"), PDS_BLOBSTORE_DISK_LOCATION=str(folder / "blobs"),
               PDS_DID_PLC_URL="http://127.0.0.1:9", PDS_JWT_SECRET=secrets.token_hex(16),
               PDS_ADMIN_PASSWORD=secrets.token_hex(16), PDS_SERVICE_HANDLE_DOMAINS=".test",
               PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX=secrets.token_hex(32), PDS_RATE_LIMITS_ENABLED="true",
               LOG_ENABLED="false", NODE_NO_WARNINGS="1")
    (folder / "data").mkdir()
    log = open(folder / "pds.log", "wb")
    process = subprocess.Popen([str(node_binary(installed)), "start.mjs"], cwd=folder, env=env, stdin=subprocess.PIPE,
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while b"ready" not in (folder / "pds.log").read_bytes():
            assert process.poll() is None and time.monotonic() < deadline, (folder / "pds.log").read_text()[-2000:]
            time.sleep(0.1)
        listening = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True).stdout
        assert listening and all(" 127.0.0.1:" in line for line in listening.splitlines()), listening
        yield f"http://127.0.0.1:{port}"
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


async def test_a_429_is_rate_limited_until_the_windows_reset(limited_pds):
    for _ in range(30):
        with pytest.raises(InputError, match="refused the handle or app password"):
            await BlueskyConnector.token_login(limited_pds, "nobody.test", "wrong-password", 20)
    before = datetime.now(timezone.utc)
    with pytest.raises(RateLimited) as caught:
        await BlueskyConnector.token_login(limited_pds, "nobody.test", "wrong-password", 20)
    until = caught.value.retry_at
    assert before - timedelta(seconds=2) < until <= before + timedelta(minutes=5, seconds=2)
    assert str(caught.value).startswith(f"{limited_pds.split('//')[1]} asks us to slow down until ")
