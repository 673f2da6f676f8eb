"""Webhook mode for real: `baton run` in a subprocess serves PTB's webhook on 127.0.0.1, registers it
with the simulated Bot API (setWebhook with the secret), answers updates posted with the secret
and refuses, with 403 and no effect, those posted without it."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from bot.core.config import ConfigError, parse_config
from bot.sandbox import BotApiSandbox
from bot.sandbox.live import TOKEN
from storage.db import make_engine, reading
from storage.uow import Tables
from tests.factories import GROUP_ID, team_config

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s3cret_Token-for-tests"
PUBLIC_URL = "https://baton.example.com/tg/hook"

CONFIG = """
[bot]
token = "{token}"
base_url = "{base_url}"
base_file_url = "{base_file_url}"
mode = "webhook"
webhook_url = "{public_url}"
listen = "127.0.0.1"
port = {port}
[team]
name = "客服一组"
chat_id = {group}
[[accounts]]
key = "jd"
platform = "jd"
[database]
url = "{url}"
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def baton(config: Path, *args: str, secret: str | None = SECRET, heartbeat: Path | None = None, **popen) -> subprocess.Popen:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), "BATON_LOG": os.environ.get("BATON_LOG", "WARNING")}
    if secret is not None:
        env["BATON_WEBHOOK_SECRET"] = secret
    if heartbeat is not None:
        env["BATON_HEARTBEAT"] = str(heartbeat)
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "--config", str(config), *args],
        cwd=config.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def write_config(tmp_path: Path, sandbox: BotApiSandbox, database_url: str, port: int) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        CONFIG.format(
            token=TOKEN,
            base_url=sandbox.base_url,
            base_file_url=sandbox.base_file_url,
            public_url=PUBLIC_URL,
            port=port,
            group=GROUP_ID,
            url=database_url,
        ),
        encoding="utf-8",
    )
    return path


async def until_listening(port: int, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        if process.poll() is not None:
            raise AssertionError(f"baton run exited with {process.returncode}: {process.stderr.read()}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.1)


@pytest.fixture
def sandbox():
    with BotApiSandbox(token=TOKEN) as sandbox:
        sandbox.group(GROUP_ID, "客服一组")
        yield sandbox


async def test_updates_with_the_secret_are_answered_and_others_refused(tmp_path, sandbox, database_url):
    port = free_port()
    config = write_config(tmp_path, sandbox, database_url, port)
    beat = tmp_path / "heartbeat"
    process = baton(config, "run", heartbeat=beat)
    try:
        await until_listening(port, process)
        (registered,) = await sandbox.wait_for(lambda sb: [c for c in sb.calls if c.method == "setWebhook"], timeout=30)
        assert registered.params["url"] == PUBLIC_URL
        assert registered.params["secret_token"] == SECRET
        assert registered.params["allowed_updates"] == ["message", "callback_query", "my_chat_member", "chat_member"]
        assert not [c for c in sandbox.calls if c.method == "getUpdates"], "webhook mode never polls"

        wang = sandbox.user(101, "王芳", username="wangfang")
        chat = sandbox.private_chat(wang)
        hook = f"http://127.0.0.1:{port}/tg/hook"  # the path of webhook_url, as a proxy passing it through would use
        forged = {"update_id": 900_001, "message": sandbox.send_message(chat, wang, "/on jd")}
        genuine = {"update_id": 900_002, "message": sandbox.send_message(chat, wang, "/help")}
        async with httpx.AsyncClient() as client:
            wrong = await client.post(hook, json=forged, headers={"X-Telegram-Bot-Api-Secret-Token": "not-the-secret"})
            missing = await client.post(hook, json=forged)
            right = await client.post(hook, json=genuine, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
        assert (wrong.status_code, missing.status_code, right.status_code) == (403, 403, 200)

        def replies(sb):
            return [c for c in sb.calls if c.method == "sendMessage" and c.params["chat_id"] == chat["id"]]

        (reply,) = await sandbox.wait_for(replies, timeout=30)
        assert reply.params["text"].startswith("<b>Baton 指令</b>")
        await asyncio.sleep(0.5)  # room for a wrongly accepted /on jd to be answered too
        assert len(replies(sandbox)) == 1
        engine = make_engine(database_url)
        try:
            with reading(engine) as session:
                tables = Tables(session)
                assert tables.holds.open() == [], "the forged /on jd changed nothing"
                assert tables.updates.seen(900_002)
                assert not tables.updates.seen(900_001)
        finally:
            engine.dispose()

        health = subprocess.run(
            [sys.executable, "-m", "bot.cli", "--config", str(config), "health"],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "BATON_HEARTBEAT": str(beat)},
        )
        assert (health.returncode, health.stdout.strip()) == (0, "ok"), health.stderr
    finally:
        process.send_signal(signal.SIGINT)
        try:
            _, stderr = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert process.returncode == 0, stderr


def test_webhook_mode_refuses_to_start_without_a_secret(tmp_path, sandbox):
    database = tmp_path / "never.db"
    config = write_config(tmp_path, sandbox, f"sqlite:///{database}", free_port())
    process = baton(config, "run", secret=None)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2
    assert "BATON_WEBHOOK_SECRET" in stderr
    assert not database.exists(), "it refused before touching the database"
    assert not [c for c in sandbox.calls if c.method == "setWebhook"]


def test_the_webhook_settings_are_read_and_checked():
    config = team_config(bot={"mode": "webhook", "webhook_url": PUBLIC_URL, "listen": "0.0.0.0", "port": 8080, "webhook_secret": "abc"})
    assert (config.bot.webhook_url, config.bot.listen, config.bot.port, config.bot.path, config.bot.webhook_secret) == (
        PUBLIC_URL,
        "0.0.0.0",
        8080,
        "/tg/hook",
        "abc",
    )
    assert parse_config({**raw_team(), "bot": {"webhook_secret": "abc"}}, {"BATON_WEBHOOK_SECRET": "xyz"}).bot.webhook_secret == "xyz"
    assert team_config(bot={"webhook_url": PUBLIC_URL, "path": "/in"}).bot.path == "/in"
    for bot, key in [
        ({"webhook_url": "baton.example.com/hook"}, "bot.webhook_url"),
        ({"port": 0}, "bot.port"),
        ({"port": "8443"}, "bot.port"),
        ({"webhook_secret": "has spaces"}, "BATON_WEBHOOK_SECRET"),
        ({"webhook_secret": "x" * 257}, "BATON_WEBHOOK_SECRET"),
    ]:
        with pytest.raises(ConfigError) as refused:
            team_config(bot=bot)
        assert refused.value.key == key


def raw_team() -> dict:
    return {"team": {"chat_id": GROUP_ID}, "accounts": [{"key": "jd", "platform": "jd"}]}
