"""A real Mastodon-compatible peer for the sync tests: mastodon_mock on 127.0.0.1.

One server per test session (in a thread of the test process); every test starts from a
re-seeded server (`reset`) with no fault rules. Helpers act as the other users of the
instance (grace, alan, katherine) and read what the server holds.
"""

from __future__ import annotations

import httpx

ADMIN_TOKEN = "ada_token"


class Peer:
    def __init__(self, base_url: str):
        self.base_url = base_url
        self.http = httpx.Client(base_url=base_url, timeout=60)

    def reset(self) -> None:
        self.http.post("/api/v1/_mock/reset").raise_for_status()

    def fault(self, effect: dict, *, path: str | None = None, methods: list[str] | None = None,
              count: int | None = 1, path_regex: str | None = None) -> dict:
        match = {"methods": methods, "path": path, "path_regex": path_regex}
        body = {"match": {k: v for k, v in match.items() if v is not None}, "effect": effect, "count": count}
        response = self.http.post("/api/v1/_mock/faults", json=body)
        response.raise_for_status()
        return response.json()

    def clear_faults(self) -> None:
        self.http.delete("/api/v1/_mock/faults").raise_for_status()

    def _auth(self, token: str) -> dict:
        return {"Authorization": f"Bearer {token}"}

    def me(self, token: str) -> dict:
        return self.http.get("/api/v1/accounts/verify_credentials", headers=self._auth(token)).json()

    def post(self, token: str, text: str, **fields) -> dict:
        response = self.http.post("/api/v1/statuses", headers=self._auth(token), json={"status": text, **fields})
        response.raise_for_status()
        return response.json()

    def report(self, token: str, account_id: str, **fields) -> dict:
        """A report filed by the token's user, as the instance's admins then see it."""
        response = self.http.post("/api/v1/reports", headers=self._auth(token),
                                  json={"account_id": account_id, **fields})
        response.raise_for_status()
        return response.json()

    def statuses(self, token: str, **params) -> list[dict]:
        """Every status of the token's account (paged to the end), newest first."""
        me = self.me(token)
        found, max_id = [], None
        while True:
            query = {"limit": 40, **params} | ({"max_id": max_id} if max_id else {})
            page = self.http.get(f"/api/v1/accounts/{me['id']}/statuses", headers=self._auth(token),
                                 params=query).json()
            found += page
            if len(page) < 40:
                return found
            max_id = page[-1]["id"]

    def get(self, path: str, token: str = ADMIN_TOKEN, **params):
        return self.http.get(path, headers=self._auth(token), params=params).json()

    def scheduled(self, token: str) -> list[dict]:
        return self.get("/api/v1/scheduled_statuses", token)
