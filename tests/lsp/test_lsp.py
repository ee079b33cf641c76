"""`hublint lsp` driven over stdio by pytest-lsp (pygls' client): diagnostics, cross-file
updates, quick fixes, hover, completion, positions on non-ASCII lines, bad input."""

import asyncio
import json
import shutil
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from conftest import git, wait_until

DOCKERFILE = "helm-charts/images/hub/Dockerfile"
CHART = "helm-charts/basehub/Chart.yaml"
STAGING = "config/clusters/demo/staging.values.yaml"
PROD = "config/clusters/demo/prod.values.yaml"
BASEHUB_VALUES = "helm-charts/basehub/values.yaml"
REQUIREMENTS = "helm-charts/images/hub/requirements.txt"


# --- helpers ------------------------------------------------------------------------------

def units(s: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(s.encode("utf-8"))
    return len(s.encode("utf-16-le")) // 2


def position(text: str, needle: str, delta: int = 0, encoding: str = "utf-16", nth: int = 0) -> types.Position:
    """The position of `needle` (+ delta characters) in `text`."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    at += delta
    line = text.count("\n", 0, at)
    line_start = text.rfind("\n", 0, at) + 1
    return types.Position(line=line, character=units(text[line_start:at], encoding))


def index(text: str, pos: types.Position, encoding: str = "utf-16") -> int:
    lines = text.split("\n")
    start = sum(len(l) + 1 for l in lines[: pos.line])
    line = lines[pos.line] if pos.line < len(lines) else ""
    count = 0
    for i, ch in enumerate(line):
        if count >= pos.character:
            return start + i
        count += units(ch, encoding)
    return start + len(line)


def apply_edits(text: str, edits, encoding: str = "utf-16") -> str:
    spans = sorted(((index(text, e.range.start, encoding), index(text, e.range.end, encoding), e.new_text)
                    for e in edits), reverse=True)
    for s, e, new in spans:
        text = text[:s] + new + text[e:]
    return text


def open_doc(client: LanguageClient, repo: Path, rel: str, text: str | None = None) -> tuple[str, str]:
    path = repo / rel
    text = path.read_text() if text is None else text
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=text)))
    return uri, text


def change(client: LanguageClient, uri: str, version: int, edits: list[tuple[types.Range, str]]):
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangePartial(range=r, text=t) for r, t in edits]))


def replace_text(client: LanguageClient, uri: str, version: int, text: str):
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


async def actions_for(client: LanguageClient, uri: str, d: types.Diagnostic) -> list[types.CodeAction]:
    return await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=d.range,
        context=types.CodeActionContext(diagnostics=[d])))


def codes(client: LanguageClient, uri: str) -> list[str]:
    return sorted(str(d.code) for d in client.diagnostics.get(uri, []))


def diag(client: LanguageClient, uri: str, code: str):
    return next((d for d in client.diagnostics.get(uri, []) if d.code == code), None)


async def hover_text(client: LanguageClient, uri: str, pos: types.Position) -> str:
    h = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=pos))
    assert h is not None, "no hover"
    return h.contents.value


def edits_for(action: types.CodeAction, uri: str):
    changes = action.edit.document_changes or []
    return [e for dc in changes if dc.text_document.uri == uri for e in dc.edits]


# --- tests --------------------------------------------------------------------------------

async def test_diagnostics_on_open(client: LanguageClient, repo: Path):
    uri, text = open_doc(client, repo, DOCKERFILE)
    d = await wait_until(lambda: diag(client, uri, "V001"), what="V001 on the Dockerfile")
    assert d.severity == types.DiagnosticSeverity.Error
    assert d.range.start == position(text, "4.2.0")
    assert d.range.end == position(text, "4.2.0", 5)
    assert d.source == "hublint"
    related = d.related_information[0]
    assert related.location.uri == (repo / CHART).as_uri()

    uri, _ = open_doc(client, repo, STAGING)
    await wait_until(lambda: {"Y003", "S001", "S005"} <= set(codes(client, uri)), what="staging diagnostics")


async def test_chart_edit_updates_dockerfile_diagnostics(client: LanguageClient, repo: Path):
    docker_uri, _ = open_doc(client, repo, DOCKERFILE)
    chart_uri, chart = open_doc(client, repo, CHART)
    await wait_until(lambda: diag(client, docker_uri, "V001"), what="initial V001")
    # Type the Dockerfile's version into the (unsaved) Chart.yaml, one keystroke at a time.
    start = position(chart, "4.3.3")
    change(client, chart_uri, 2, [(types.Range(start=start, end=position(chart, "4.3.3", 5)), "")])
    version = 2
    for i, ch in enumerate("4.2.0"):
        version += 1
        p = types.Position(line=start.line, character=start.character + i)
        change(client, chart_uri, version, [(types.Range(start=p, end=p), ch)])
        await asyncio.sleep(0.05)
    await wait_until(lambda: docker_uri in client.diagnostics and diag(client, docker_uri, "V001") is None,
                     what="V001 to disappear once Chart.yaml says 4.2.0")
    assert (repo / CHART).read_text().count("4.3.3") == 1, "nothing was written to disk"
    # And back: the error returns as soon as the versions differ again.
    end = types.Position(line=start.line, character=start.character + 5)
    change(client, chart_uri, version + 1, [(types.Range(start=start, end=end), "4.3.4")])
    d = await wait_until(lambda: diag(client, docker_uri, "V001"), what="V001 to come back")
    assert "4.3.4" in d.message


async def test_watched_file_change_on_disk(client: LanguageClient, repo: Path):
    docker_uri, _ = open_doc(client, repo, DOCKERFILE)
    await wait_until(lambda: diag(client, docker_uri, "V001"), what="initial V001")
    chart = repo / CHART
    chart.write_text(chart.read_text().replace("4.3.3", "4.2.0"))
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=chart.as_uri(), type=types.FileChangeType.Changed)]))
    await wait_until(lambda: diag(client, docker_uri, "V001") is None, what="V001 gone after disk change")


async def test_quick_fix_removes_the_diagnostic(client: LanguageClient, repo: Path):
    uri, text = open_doc(client, repo, DOCKERFILE)
    d = await wait_until(lambda: diag(client, uri, "V001"), what="V001")
    actions = await actions_for(client, uri, d)
    titles = [a.title for a in actions]
    fix = next(a for a in actions if a.title == "Set the FROM tag to 4.3.3")
    assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
    assert fix.diagnostics[0].code == "V001"
    assert any(t.startswith("Disable V001") for t in titles), titles
    # The unsafe alternative edits another file: Chart.yaml.
    other = next(a for a in actions if "(unsafe)" in a.title)
    assert edits_for(other, (repo / CHART).as_uri())
    new_text = apply_edits(text, edits_for(fix, uri))
    assert "FROM quay.io/jupyterhub/k8s-hub:4.3.3" in new_text
    replace_text(client, uri, 2, new_text)
    await wait_until(lambda: uri in client.diagnostics and diag(client, uri, "V001") is None, what="V001 fixed")


async def test_fix_all_and_disable_on_line(client: LanguageClient, repo: Path):
    uri, text = open_doc(client, repo, STAGING)
    await wait_until(lambda: diag(client, uri, "Y003"), what="Y003")
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
        context=types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.SourceFixAll])))
    fix_all = next(a for a in actions if a.kind == "source.fixAll.hublint")
    text = apply_edits(text, edits_for(fix_all, uri))
    assert 'tag: "1.10"' in text
    replace_text(client, uri, 2, text)
    await wait_until(lambda: diag(client, uri, "Y003") is None and diag(client, uri, "S005"), what="Y003 fixed")
    # "Disable S005 on this line" inserts the suppression comment; the warning goes away.
    d = diag(client, uri, "S005")
    actions = await actions_for(client, uri, d)
    disable = next(a for a in actions if a.title == "Disable S005 on this line")
    text = apply_edits(text, edits_for(disable, uri))
    assert "start_timout: 600  # hublint: ignore[S005]" in text
    replace_text(client, uri, 3, text)
    await wait_until(lambda: diag(client, uri, "S005") is None and diag(client, uri, "S001"), what="S005 disabled")


async def test_yaml_helm_refuses_gets_a_quick_fix(client: LanguageClient, repo: Path):
    # `name: repo: tag` on one line is a YAML error for helm (yaml_parser reads a nested
    # mapping); the quick fix quotes the value, and the error gives way to the next problem.
    uri, text = open_doc(client, repo, STAGING)
    await wait_until(lambda: diag(client, uri, "Y003"), what="Y003 before the edit")
    start = position(text, "quay.io/example-org/staging-notebook")
    end = position(text, "quay.io/example-org/staging-notebook", len("quay.io/example-org/staging-notebook"))
    change(client, uri, 2, [(types.Range(start=start, end=end), "quay.io/example-org/staging-notebook: 2024")])
    text = apply_edits(text, [types.TextEdit(range=types.Range(start=start, end=end),
                                             new_text="quay.io/example-org/staging-notebook: 2024")])
    d = await wait_until(lambda: diag(client, uri, "Y001"), what="Y001 after the edit")
    assert "cannot start on the same line as its key" in d.message
    assert codes(client, uri) == ["Y001"], "nothing else is checked in a file helm cannot read"
    actions = await actions_for(client, uri, d)
    fix = next(a for a in actions if a.title.startswith("Quote as"))
    text = apply_edits(text, edits_for(fix, uri))
    assert 'name: "quay.io/example-org/staging-notebook: 2024"' in text
    replace_text(client, uri, 3, text)
    await wait_until(lambda: diag(client, uri, "Y001") is None and diag(client, uri, "Y003"), what="Y001 fixed")


async def test_hover(client: LanguageClient, repo: Path):
    uri, text = open_doc(client, repo, STAGING)
    await wait_until(lambda: uri in client.diagnostics, what="first diagnostics")
    md = await hover_text(client, uri, position(text, "tag:", 1))
    assert "jupyterhub.singleuser.image.tag" in md and "`singleuser.image.tag`" in md, md
    assert "Schema type: `string`" in md and "renders as `1.1`" in md, md
    md = await hover_text(client, uri, position(text, "start_timout", 2))
    assert "`KubeSpawner`" in md or "KubeSpawner" in md, md

    # A chartpress tag: decoded, and its commit looked up in the repository's history.
    head = git(repo, "rev-parse", "--short=9", "HEAD")
    values_uri, values = open_doc(client, repo, BASEHUB_VALUES,
                                  (repo / BASEHUB_VALUES).read_text().replace("h3e7e978", "h" + head))
    md = await hover_text(client, values_uri, position(values, "0.0.1-0.dev", 3))
    assert "base version: `0.0.1-0.dev`" in md and "commit count: 12" in md, md
    assert f"`{head}` is in this repository's git history" in md, md
    md = await hover_text(client, values_uri, position(values, "authenticator_class", 2))
    assert "JupyterHub" in md, md

    # A requirement: what the k8s-hub base image already ships.
    req_uri, req = open_doc(client, repo, REQUIREMENTS)
    md = await hover_text(client, req_uri, position(req, "oauthenticator==", 2))
    assert "oauthenticator" in md and "already ships" in md, md

    docker_uri, docker = open_doc(client, repo, DOCKERFILE)
    md = await hover_text(client, docker_uri, position(docker, "4.2.0", 1))
    assert "jupyterhub" in md and "4.2.0" in md, md


async def test_hub_scope_on_the_first_key_and_for_the_status_bar(client: LanguageClient, repo: Path):
    uri, text = open_doc(client, repo, STAGING)
    await wait_until(lambda: uri in client.diagnostics, what="first diagnostics")
    md = await hover_text(client, uri, position(text, "jupyterhub:", 1))
    assert "**hub `demo/staging`** — cluster.yaml at `config/clusters/demo/cluster.yaml:" in md, md
    assert "jupyterhub 4.3.3 (`helm-charts/basehub/Chart.yaml:8`)" in md, md
    assert "staging.values.yaml` ← this file" in md, md
    assert "Repository: 2 hubs in 1 cluster (jupyterhub 4.3.3)" in md, md
    scope = await asyncio.wait_for(client.protocol.send_request_async("hublint/scope", {"uri": uri}), 5)
    assert scope.text == "hub demo/staging · jupyterhub 4.3.3", scope
    # The basehub defaults are read by both hubs.
    values_uri, _ = open_doc(client, repo, BASEHUB_VALUES)
    scope = await asyncio.wait_for(client.protocol.send_request_async("hublint/scope", {"uri": values_uri}), 5)
    assert scope.text.startswith("2 hubs in 1 cluster"), scope


async def test_completion(client: LanguageClient, repo: Path):
    text = (repo / STAGING).read_text().replace("    cpu:\n", "    stor\n    cpu:\n")
    uri, text = open_doc(client, repo, STAGING, text)
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=position(text, "stor", 4)))
    labels = [i.label for i in (result.items if hasattr(result, "items") else result)]
    assert "storage" in labels, labels
    text2 = text.replace("      KubeSpawner:\n", "      KubeSpawner:\n        cpu_\n")
    change(client, uri, 2, [(types.Range(start=types.Position(line=0, character=0),
                                         end=types.Position(line=len(text.split("\n")), character=0)), text2)])
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=position(text2, "cpu_", 4)))
    labels = [i.label for i in (result.items if hasattr(result, "items") else result)]
    assert "cpu_limit" in labels and "cpu_guarantee" in labels, labels
    text3 = text2.replace("    config:\n", "    config:\n      GitHubOA\n")
    change(client, uri, 3, [(types.Range(start=types.Position(line=0, character=0),
                                         end=types.Position(line=len(text2.split("\n")), character=0)), text3)])
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=position(text3, "GitHubOA", 8)))
    labels = [i.label for i in (result.items if hasattr(result, "items") else result)]
    assert "GitHubOAuthenticator" in labels, labels


EMOJI_LINE = '      name: "😀👩‍👩‍👧中文", tag: 1.10}\n'


async def _emoji_positions(client: LanguageClient, repo: Path, encoding: str):
    text = (repo / STAGING).read_text().replace(
        '      name: quay.io/example-org/staging-notebook\n      tag: 1.10\n',
        "").replace("    image:\n", "    image: {\n" + EMOJI_LINE)
    uri, text = open_doc(client, repo, STAGING, text)
    d = await wait_until(lambda: diag(client, uri, "Y003"), what="Y003 on the emoji line")
    line_start = text.rfind("\n", 0, text.index("1.10")) + 1
    assert d.range.start.line == text.count("\n", 0, line_start)
    assert d.range.start == position(text, "1.10", encoding=encoding)
    assert d.range.end == position(text, "1.10", 4, encoding=encoding)
    # An incremental edit right after the emoji, in the negotiated unit: insert "x" after 😀.
    p = position(text, "😀", 1, encoding=encoding)
    change(client, uri, 2, [(types.Range(start=p, end=p), "x")])
    text = text.replace("😀", "😀x")
    await wait_until(lambda: (dd := diag(client, uri, "Y003")) and dd.range.start == position(text, "1.10", encoding=encoding),
                     what="Y003 moved by one column")
    # The server's copy is exactly ours: a fix computed by it applies cleanly.
    d = diag(client, uri, "Y003")
    actions = await actions_for(client, uri, d)
    quote = next(a for a in actions if a.title.startswith("Quote"))
    assert 'name: "😀x👩‍👩‍👧中文", tag: "1.10"}' in apply_edits(text, edits_for(quote, uri), encoding)


async def test_utf16_positions_on_an_emoji_line(client: LanguageClient, repo: Path):
    assert client.init_result.capabilities.position_encoding in (None, types.PositionEncodingKind.Utf16)
    await _emoji_positions(client, repo, "utf-16")


async def test_utf8_positions_when_offered(client_utf8: LanguageClient, repo: Path):
    assert client_utf8.init_result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
    await _emoji_positions(client_utf8, repo, "utf-8")


async def test_garbage_input_does_not_kill_the_server(client: LanguageClient, repo: Path):
    uri, text = open_doc(client, repo, STAGING)
    await wait_until(lambda: uri in client.diagnostics, what="first diagnostics")
    stdin = client._server.stdin
    body = b'{"jsonrpc": "2.0", "id": 99, "method": '      # truncated JSON
    stdin.write(b"this is not a frame\r\n\r\n")
    stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    not_a_message = b"[1, 2, 3, 4]"                            # valid JSON, not a message
    stdin.write(b"Content-Length: %d\r\n\r\n" % len(not_a_message) + not_a_message)
    stdin.write(b"Content-Length: nope\r\n\r\n")
    stdin.write(b"\xff\xfe garbage \x00 bytes\n")
    await stdin.drain()
    md = await asyncio.wait_for(hover_text(client, uri, position(text, "tag:", 1)), 5)
    assert "singleuser.image.tag" in md
    assert client._server.returncode is None


async def test_a_panicking_request_is_caught(client: LanguageClient, repo: Path):
    uri, text = open_doc(client, repo, STAGING)
    try:
        await asyncio.wait_for(client.protocol.send_request_async("hublint/panicForTest", {}), 5)
        raise AssertionError("expected an error response")
    except Exception as e:  # pygls raises the JSON-RPC error
        assert "panic" in str(e).lower() or "internal" in str(e).lower(), e
    md = await asyncio.wait_for(hover_text(client, uri, position(text, "tag:", 1)), 5)
    assert "singleuser.image.tag" in md


async def test_twenty_megabyte_document(client: LanguageClient, repo: Path):
    big_uri = (repo / "config/clusters/demo/huge.values.yaml").as_uri()
    line = "key_%07d: some value that pads the line out to about fifty bytes\n"
    big = "".join(line % i for i in range(20 * 1024 * 1024 // len(line % 0) + 1))
    assert len(big) >= 20 * 1024 * 1024
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=big_uri, language_id="yaml", version=1, text=big)))
    d = await wait_until(lambda: diag(client, big_uri, "F001"), timeout=30, what="F001 on the 20 MB file")
    assert "limit" in d.message
    # An edit at the end of the huge buffer is applied incrementally, and the server answers.
    end = types.Position(line=big.count("\n"), character=0)
    change(client, big_uri, 2, [(types.Range(start=end, end=end), "tail: 1\n")])
    uri, text = open_doc(client, repo, STAGING)
    md = await asyncio.wait_for(hover_text(client, uri, position(text, "tag:", 1)), 10)
    assert "singleuser.image.tag" in md


async def test_document_symbols(client: LanguageClient, repo: Path):
    uri, _ = open_doc(client, repo, PROD)
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    assert [s.name for s in symbols] == ["jupyterhub"]
    singleuser = symbols[0].children[0]
    profile_list = singleuser.children[0]
    assert profile_list.name == "profileList"
    assert [c.name for c in profile_list.children] == ["[0] Python", "[1] R"]


async def test_workspace_diagnostics_by_setting(client: LanguageClient, repo: Path):
    prod_uri = (repo / PROD).as_uri()
    client.set_configuration({"hublint": {"workspaceDiagnostics": True}})
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={}))
    await wait_until(lambda: diag(client, prod_uri, "I001"), what="I001 on prod.values.yaml (never opened)")
    # Rule settings from the client apply too.
    client.set_configuration({"hublint": {"workspaceDiagnostics": True, "ignore": ["I001"]}})
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={}))
    await wait_until(lambda: prod_uri in client.diagnostics and diag(client, prod_uri, "I001") is None,
                     what="I001 ignored by the setting")


async def test_workspace_diagnostic_pull(client_pull: LanguageClient, repo: Path):
    report = await asyncio.wait_for(client_pull.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(previous_result_ids=[])), 20)
    by_uri = {item.uri: sorted(str(d.code) for d in item.items) for item in report.items}
    assert "V001" in by_uri[(repo / DOCKERFILE).as_uri()]
    assert "I001" in by_uri[(repo / PROD).as_uri()]
    assert "R003" in by_uri[(repo / REQUIREMENTS).as_uri()]


async def test_hublint_yaml_config_applies(client: LanguageClient, repo: Path):
    uri, _ = open_doc(client, repo, STAGING)
    await wait_until(lambda: diag(client, uri, "S001"), what="S001")
    cfg_uri, _ = open_doc(client, repo, ".hublint.yaml", "ignore: [S001]\n")
    await wait_until(lambda: diag(client, uri, "S001") is None and diag(client, uri, "Y003"),
                     what="S001 ignored by an unsaved .hublint.yaml")


async def test_exit_ends_the_process(repo: Path):
    from conftest import config, start
    lsp = await config.start()
    try:
        await start(lsp, repo)
        await lsp.shutdown_async(None)
        lsp.exit(None)
        # The client keeps stdin open: the server must still exit, with 0 after shutdown.
        code = await asyncio.wait_for(lsp._server.wait(), 3)
        assert code == 0
    finally:
        await lsp.stop()


async def test_a_burst_of_edits_is_coalesced_and_the_last_version_wins(client: LanguageClient, repo: Path):
    published = []
    features = client.protocol.fm._features
    original = features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def record(params):
        published.append((params.uri, params.version, sorted(str(d.code) for d in params.diagnostics)))
        return original(params)

    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = record
    uri, text = open_doc(client, repo, STAGING)
    await wait_until(lambda: any(u == uri for u, _, _ in published), what="first diagnostics")
    before = len(published)
    # Type "zzz: 1\nzzz: 2\n" at the end, one character per didChange, without pausing.
    typed = "zzz: 1\nzzz: 2\n"
    line = text.count("\n")
    col = 0
    for i, ch in enumerate(typed):
        p = types.Position(line=line, character=col)
        change(client, uri, 2 + i, [(types.Range(start=p, end=p), ch)])
        if ch == "\n":
            line, col = line + 1, 0
        else:
            col += 1
    last = 1 + len(typed)
    await wait_until(lambda: published[-1][:2] == (uri, last) and "Y002" in published[-1][2],
                     what="diagnostics for the last version, with the duplicate key")
    burst = [p for p in published[before:] if p[0] == uri]
    assert len(burst) <= 4, f"{len(typed)} edits gave {len(burst)} publications: {burst}"
    assert all(v is not None for _, v, _ in burst)


async def test_workspace_folders_can_be_added(client: LanguageClient, repo: Path, tmp_path: Path):
    other = tmp_path / "other"
    shutil.copytree(repo, other)
    chart = other / CHART
    chart.write_text(chart.read_text().replace("4.3.3", "4.2.0"))  # agrees with the FROM tag
    client.workspace_did_change_workspace_folders(types.DidChangeWorkspaceFoldersParams(
        event=types.WorkspaceFoldersChangeEvent(added=[types.WorkspaceFolder(uri=other.as_uri(), name="other")],
                                                removed=[])))
    uri, _ = open_doc(client, other, DOCKERFILE)
    first_uri, _ = open_doc(client, repo, DOCKERFILE)
    await wait_until(lambda: diag(client, first_uri, "V001"), what="V001 in the first folder")
    await wait_until(lambda: uri in client.diagnostics, what="diagnostics in the added folder")
    await asyncio.sleep(0.5)
    assert diag(client, uri, "V001") is None, "the added folder's own Chart.yaml applies"


async def test_python_and_profile_overrides(client: LanguageClient, repo: Path):
    """P001 at the unindented line inside the block scalar; K001's rename fix clears it."""
    uri, text = open_doc(client, repo, STAGING)
    profiles = ("    profileList:\n      - display_name: Small\n"
                "        kubespawner_override:\n          mem_limt: 1G\n")
    python = "    extraConfig:\n      01-limits: |\n        if True:\n        c.KubeSpawner.mem_limit = '2G'\n"
    new_text = text.replace("  singleuser:\n", "  singleuser:\n" + profiles, 1).replace("  hub:\n", "  hub:\n" + python, 1)
    replace_text(client, uri, 2, new_text)
    p = await wait_until(lambda: diag(client, uri, "P001"), what="P001")
    assert p.severity == types.DiagnosticSeverity.Error
    assert p.range.start == position(new_text, "c.KubeSpawner.mem_limit")
    k = await wait_until(lambda: diag(client, uri, "K001"), what="K001")
    assert k.range.start == position(new_text, "mem_limt")
    assert k.range.end == position(new_text, "mem_limt", 8)
    actions = await actions_for(client, uri, k)
    rename = next(a for a in actions if "Rename `mem_limt` to `mem_limit`" in a.title)
    fixed = apply_edits(new_text, edits_for(rename, uri)).replace("        if True:\n", "")
    replace_text(client, uri, 3, fixed)
    await wait_until(lambda: diag(client, uri, "K001") is None and diag(client, uri, "P001") is None
                     and diag(client, uri, "S005"), what="P001 and K001 gone")
