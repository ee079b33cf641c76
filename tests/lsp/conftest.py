"""End-to-end fixtures: a copy of the bundled example repository (tests edit it) made a
git repository, and a pytest-lsp client connected to `hublint lsp` over stdio."""

import asyncio
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = REPO_ROOT / "examples" / "demo-deployment"
SERVER = shlex.split(os.environ.get("HUBLINT_LSP", str(REPO_ROOT / "target/debug/hublint") + " lsp --stdio"))
SERVER_ENV = {**os.environ, "HUBLINT_LSP_TEST_HOOKS": "1"}


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, env=env,
                          capture_output=True, text=True).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    dest = tmp_path / "repo"
    shutil.copytree(EXAMPLE, dest)
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "example")
    return dest


def capabilities(encodings=None, pull=False) -> types.ClientCapabilities:
    return types.ClientCapabilities(
        general=types.GeneralClientCapabilities(position_encodings=encodings) if encodings else None,
        workspace=types.WorkspaceClientCapabilities(
            configuration=True,
            workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
            diagnostics=types.DiagnosticWorkspaceClientCapabilities(refresh_support=True) if pull else None,
        ),
        text_document=types.TextDocumentClientCapabilities(
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(related_information=True),
            diagnostic=types.DiagnosticClientCapabilities(related_document_support=False) if pull else None,
        ),
    )


async def start(client: LanguageClient, repo: Path, **caps) -> types.InitializeResult:
    client.set_configuration({})
    return await client.initialize_session(types.InitializeParams(
        capabilities=capabilities(**caps),
        root_uri=repo.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=repo.as_uri(), name="repo")],
    ))


config = ClientServerConfig(server_command=SERVER, server_env=SERVER_ENV)


@pytest_lsp.fixture(config=config)
async def client(lsp_client: LanguageClient, repo: Path):
    lsp_client.init_result = await start(lsp_client, repo)
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=config)
async def client_utf8(lsp_client: LanguageClient, repo: Path):
    lsp_client.init_result = await start(lsp_client, repo, encodings=[types.PositionEncodingKind.Utf8,
                                                                      types.PositionEncodingKind.Utf16])
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=config)
async def client_pull(lsp_client: LanguageClient, repo: Path):
    lsp_client.init_result = await start(lsp_client, repo, pull=True)
    yield
    await lsp_client.shutdown_session()


async def wait_until(pred, timeout=10.0, what="condition"):
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        value = pred()
        if value:
            return value
        if loop.time() > end:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.01)
