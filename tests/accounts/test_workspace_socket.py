"""/ws/trends/ without ?workspace= follows the API's rule: the only workspace, a browser's stored default,
else close 4400 (name one); a foreign one closes 4404."""

from __future__ import annotations

import pytest

from apps.accounts.models import ApiToken
from tests.factories import MembershipFactory
from tests.sockets import communicator, run_in_thread, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


def _connect(path: str, cookie: bytes | None = None):
    async def scenario():
        ws = communicator(cookie, path)
        connected, code = await ws.connect(timeout=5)
        hello = await ws.receive_json_from(timeout=5) if connected else None
        if connected:
            await ws.disconnect()
        return connected, code, hello

    return run_in_thread(scenario, timeout=60)


def _token(user) -> str:
    return ApiToken.issue(user=user)[1]


def test_token_client_in_several_workspaces_must_name_one(writer, workspace, other_workspace):
    MembershipFactory(workspace=other_workspace, user=writer)
    connected, code, _ = _connect(f"/ws/trends/?token={_token(writer)}")
    assert not connected and code == 4400
    connected, _, hello = _connect(f"/ws/trends/?token={_token(writer)}&workspace={other_workspace.slug}")
    assert connected and hello["workspace"] == other_workspace.pk


def test_token_client_in_one_workspace_needs_nothing(writer, workspace):
    connected, _, hello = _connect(f"/ws/trends/?token={_token(writer)}")
    assert connected and hello["workspace"] == workspace.pk


def test_browser_uses_the_stored_default_never_the_first_by_name(writer, workspace, other_workspace):
    MembershipFactory(workspace=other_workspace, user=writer)
    connected, code, _ = _connect("/ws/trends/", session_cookie(writer))
    assert not connected and code == 4400  # no choice yet: no guess
    writer.default_workspace = other_workspace
    writer.save(update_fields=["default_workspace"])
    connected, _, hello = _connect("/ws/trends/", session_cookie(writer))
    assert connected and hello["workspace"] == other_workspace.pk


def test_foreign_or_malformed_workspace_closes_4404(writer, other_workspace):
    for ref in (other_workspace.pk, "²", "9" * 30, "%00"):
        connected, code, _ = _connect(f"/ws/trends/?workspace={ref}", session_cookie(writer))
        assert not connected and code == 4404, ref
