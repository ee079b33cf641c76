// VS Code side of hublint: finds the `hublint` binary, runs `hublint lsp` through
// vscode-languageclient, and adds commands, a status bar item and live settings.
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  DocumentSelector,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';
import { ensureBundledExecutable, findServer, FoundServer } from './discovery';
import { DIAGNOSTIC_SOURCE, fetchRuleDoc, isRuleCode, ruleCodesAt, ruleCodesIn } from './rules';
import { changeAction, readSettings, serverArgs, serverSettings, Settings } from './settings';
import { judgeVersion, parseVersion, queryVersion } from './version';

const SECTION = 'hublint';
const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('hublint');
const RULE_DOC_SCHEME = 'hublint-rule';
const INSTALL_HINT = 'Install hublint (`cargo install hublint`) so it is on PATH, or set `hublint.path` to the executable.';

/** The files hublint reads. Any YAML file goes too: cluster.yaml may name values files with any name. */
export const DOCUMENT_SELECTOR: DocumentSelector = [
  { scheme: 'file', pattern: '**/chartpress.yaml' },
  { scheme: 'file', pattern: '**/Chart.yaml' },
  { scheme: 'file', pattern: '**/cluster.yaml' },
  { scheme: 'file', pattern: '**/*.values.yaml' },
  { scheme: 'file', pattern: '**/.hublint.yaml' },
  { scheme: 'file', pattern: '**/{Dockerfile,Dockerfile.*,*.Dockerfile,*.dockerfile,Containerfile}' },
  { scheme: 'file', pattern: '**/{*requirements*.txt,*requirements*.in,requirements/*.txt}' },
  { scheme: 'file', language: 'dockerfile' },
  { scheme: 'file', language: 'yaml' },
];

/** On-disk changes (git checkout, another editor) the server hears about through didChangeWatchedFiles. */
const WATCHED_GLOBS = ['**/*.{yaml,yml}', '**/{Dockerfile,Dockerfile.*,*.Dockerfile,*.dockerfile,Containerfile}', '**/*requirements*.{txt,in}'];

type Status =
  | { state: 'starting' }
  | { state: 'running'; server: FoundServer; version?: string }
  | { state: 'disabled' }
  | { state: 'stopped'; detail: string }
  | { state: 'error'; detail: string };

class RuleDocProvider implements vscode.TextDocumentContentProvider {
  private readonly docs = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  uriFor(code: string): vscode.Uri {
    return vscode.Uri.from({ scheme: RULE_DOC_SCHEME, path: `/${code}.md` });
  }

  set(code: string, markdown: string): vscode.Uri {
    const uri = this.uriFor(code);
    this.docs.set(uri.path, markdown);
    this.changed.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.path) ?? '';
  }

  dispose(): void {
    this.changed.dispose();
  }
}

class HublintExtension implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private server: FoundServer | undefined;
  /** The version `--version` reported for `server`. */
  private checkedVersion: string | undefined;
  private settings: Settings;
  private readonly output: vscode.OutputChannel;
  private readonly statusItem: vscode.StatusBarItem;
  /** What the active file is to the repository's hubs (`hublint/scope`). */
  private readonly scopeItem: vscode.StatusBarItem;
  private readonly ruleDocs = new RuleDocProvider();
  private readonly watchers: vscode.FileSystemWatcher[];
  private readonly disposables: vscode.Disposable[] = [];
  /** Start/stop/restart run one at a time, in order. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly context: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('hublint');
    this.statusItem = vscode.window.createStatusBarItem('hublint.status', vscode.StatusBarAlignment.Left, 0);
    this.statusItem.name = 'hublint';
    this.statusItem.command = 'hublint.showLog';
    this.scopeItem = vscode.window.createStatusBarItem('hublint.scope', vscode.StatusBarAlignment.Left, -1);
    this.scopeItem.name = 'hublint hubs';
    this.watchers = WATCHED_GLOBS.map((glob) => vscode.workspace.createFileSystemWatcher(glob));
    this.settings = this.readSettings(false);
    this.disposables.push(
      this.output,
      this.statusItem,
      this.scopeItem,
      this.ruleDocs,
      vscode.window.onDidChangeActiveTextEditor(() => void this.refreshScope()),
      vscode.languages.onDidChangeDiagnostics((e) => {
        const active = vscode.window.activeTextEditor?.document.uri.toString();
        if (active && e.uris.some((u) => u.toString() === active)) void this.refreshScope();
      }),
      ...this.watchers,
      vscode.workspace.registerTextDocumentContentProvider(RULE_DOC_SCHEME, this.ruleDocs),
      vscode.commands.registerCommand('hublint.restart', () => this.restartCommand()),
      vscode.commands.registerCommand('hublint.fixAll', () => this.fixAll()),
      vscode.commands.registerCommand('hublint.showRuleDoc', (code?: unknown) => this.showRuleDoc(code)),
      vscode.commands.registerCommand('hublint.showLog', () => this.output.show(true)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SECTION)) this.applySettings();
      }),
      // trusting the workspace makes its hublint.path / hublint.args count
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.applySettings()),
    );
  }

  activate(): Promise<void> {
    if (!this.settings.enable) {
      this.setStatus({ state: 'disabled' });
      return Promise.resolve();
    }
    return this.enqueue(() => this.startClient());
  }

  private log(message: string): void {
    this.output.appendLine(`[client ${new Date().toISOString()}] ${message}`);
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(step).catch((e) => this.log(`error: ${errorText(e)}`));
    return this.queue;
  }

  private readSettings(warn: boolean): Settings {
    const config = vscode.workspace.getConfiguration(SECTION);
    const { settings, problems } = readSettings((key) => config.get(key));
    for (const problem of problems) {
      this.log(`ignored setting: ${problem}`);
      if (warn) void vscode.window.showWarningMessage(`hublint: ${problem}; using the default.`);
    }
    return settings;
  }

  private minimumServerVersion(): string {
    return String(this.context.extension.packageJSON?.hublint?.minimumServerVersion ?? '0.0.0');
  }

  /** Ask the server which hubs read the active file; hide the item when none do. */
  private async refreshScope(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const client = this.client;
    if (!editor || editor.document.uri.scheme !== 'file' || !client?.isRunning()) {
      this.scopeItem.hide();
      return;
    }
    try {
      const uri = client.code2ProtocolConverter.asUri(editor.document.uri);
      const scope = await client.sendRequest<{ text: string | null; tooltip: string | null }>('hublint/scope', { uri });
      if (vscode.window.activeTextEditor !== editor || !scope?.text) {
        if (!scope?.text) this.scopeItem.hide();
        return;
      }
      this.scopeItem.text = `$(server-environment) ${scope.text}`;
      this.scopeItem.tooltip = new vscode.MarkdownString(scope.tooltip ?? '');
      this.scopeItem.show();
    } catch (err) {
      this.log(`hublint/scope failed: ${String(err)}`);
      this.scopeItem.hide();
    }
  }

  private setStatus(status: Status): void {
    const item = this.statusItem;
    let icon: string;
    let detail: string;
    let background: string | undefined;
    switch (status.state) {
      case 'starting':
        icon = '$(sync~spin)';
        detail = 'starting the language server';
        break;
      case 'running':
        icon = '$(check)';
        detail = `${sourceLabel(status.server.source)} server${status.version ? ` ${status.version}` : ''} (${status.server.command})`;
        break;
      case 'disabled':
        icon = '$(circle-slash)';
        detail = 'turned off by the hublint.enable setting';
        break;
      case 'stopped':
        icon = '$(debug-stop)';
        detail = status.detail;
        background = 'statusBarItem.warningBackground';
        break;
      case 'error':
        icon = '$(error)';
        detail = status.detail;
        background = 'statusBarItem.errorBackground';
        break;
    }
    item.text = `${icon} hublint`;
    item.tooltip = `hublint ${status.state}: ${detail}. Click for the server log.`;
    item.backgroundColor = background ? new vscode.ThemeColor(background) : undefined;
    // the accessible label carries the state in words (screen readers, and the e2e test)
    item.accessibilityInformation = { label: `hublint ${status.state}: ${detail}`, role: 'button' };
    item.show();
  }

  private async notifyError(message: string, withSettings: boolean): Promise<void> {
    const openSettings = 'Open Settings';
    const showLog = 'Show Log';
    const choice = await vscode.window.showErrorMessage(message, ...(withSettings ? [openSettings] : []), showLog);
    if (choice === openSettings) {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'hublint.path');
    } else if (choice === showLog) {
      this.output.show(true);
    }
  }

  /** Locates and checks the server binary; on failure says why (status + notification) and returns undefined. */
  private async locateServer(): Promise<FoundServer | undefined> {
    const workspaceFolder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (ensureBundledExecutable(this.context.extensionPath)) {
      this.log('restored the executable bit on the bundled server binary');
    }
    const result = findServer({
      configuredPath: this.settings.path,
      extensionPath: this.context.extensionPath,
      workspaceFolder,
    });
    if (result.kind === 'badSetting') {
      const detail = `hublint.path is "${result.configuredPath}", but ${result.resolvedPath}: ${result.reason}`;
      this.log(detail);
      this.setStatus({ state: 'error', detail: 'server not found' });
      void this.notifyError(`hublint: ${detail}. Fix or clear the setting.`, true);
      return undefined;
    }
    if (result.kind === 'notFound') {
      this.log(`no hublint binary: looked in ${result.searched.join(', ')}`);
      this.setStatus({ state: 'error', detail: 'server not found' });
      void this.notifyError(`hublint: no \`hublint\` executable found. ${INSTALL_HINT}`, true);
      return undefined;
    }

    const server = result.server;
    const minimum = this.minimumServerVersion();
    let reported: string;
    try {
      reported = await queryVersion(server.command);
    } catch (e) {
      this.log(errorText(e));
      this.setStatus({ state: 'error', detail: 'the server binary does not run' });
      void this.notifyError(
        `hublint: ${server.command} (${sourceLabel(server.source)}) does not run: ${errorText(e)}. ${INSTALL_HINT}`,
        true,
      );
      return undefined;
    }
    const verdict = judgeVersion(reported, minimum);
    if (verdict.kind === 'tooOld') {
      this.log(`${server.command} is ${verdict.version.text}, minimum ${verdict.minimum.text}`);
      this.setStatus({ state: 'error', detail: `server ${verdict.version.text} is too old` });
      void this.notifyError(tooOldMessage(server, verdict.version.text, verdict.minimum.text), true);
      return undefined;
    }
    this.checkedVersion = verdict.kind === 'ok' ? verdict.version.text : undefined;
    if (verdict.kind === 'unknown') {
      this.log(`\`${server.command} --version\` printed no version ("${reported}"); starting it anyway`);
    } else {
      this.log(`using ${server.command} (${sourceLabel(server.source)}), version ${verdict.version.text}`);
    }
    return server;
  }

  private async startClient(): Promise<void> {
    if (this.client) return;
    this.setStatus({ state: 'starting' });
    const server = await this.locateServer();
    if (!server) return;
    this.server = server;

    const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const executable = {
      command: server.command,
      args: serverArgs(this.settings),
      transport: TransportKind.stdio,
      options: cwd ? { cwd } : {},
    };
    const serverOptions: ServerOptions = { run: executable, debug: executable };
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      diagnosticCollectionName: DIAGNOSTIC_SOURCE,
      outputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: { [SECTION]: serverSettings(this.settings) },
      synchronize: { fileEvents: this.watchers },
    };
    const client = new LanguageClient('hublint', 'hublint', serverOptions, clientOptions);
    this.client = client;
    client.onDidChangeState((e) => {
      if (this.client !== client) return;
      if (e.newState === State.Running) {
        this.setStatus({ state: 'running', server, version: serverVersion(client) ?? this.checkedVersion });
      }
      else if (e.newState === State.Starting) this.setStatus({ state: 'starting' });
      else this.setStatus({ state: 'stopped', detail: 'the server exited' });
    });
    this.log(`starting ${server.command} ${serverArgs(this.settings).join(' ')} --stdio`);
    try {
      await client.start();
    } catch (e) {
      this.log(`the server failed to start: ${errorText(e)}`);
      this.client = undefined;
      this.setStatus({ state: 'error', detail: 'the server failed to start' });
      void this.notifyError(`hublint: the language server failed to start: ${errorText(e)}`, true);
      await disposeQuietly(client);
      return;
    }
    // --version and serverInfo can disagree (a wrapper script): the server's own word wins
    const reported = serverVersion(client);
    if (reported !== undefined) {
      const verdict = judgeVersion(reported, this.minimumServerVersion());
      if (verdict.kind === 'tooOld') {
        this.setStatus({ state: 'error', detail: `server ${verdict.version.text} is too old` });
        void this.notifyError(tooOldMessage(server, verdict.version.text, verdict.minimum.text), true);
        this.client = undefined;
        await disposeQuietly(client);
        return;
      }
    }
    this.setStatus({ state: 'running', server, version: reported ?? this.checkedVersion });
  }

  private async stopClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      this.log('stopping the server');
      await disposeQuietly(client);
    }
  }

  private restartCommand(): Promise<void> {
    this.settings = this.readSettings(true);
    if (!this.settings.enable) {
      void vscode.window.showInformationMessage('hublint is disabled (hublint.enable is false).');
      return Promise.resolve();
    }
    return this.enqueue(async () => {
      await this.stopClient();
      await this.startClient();
    });
  }

  private applySettings(): void {
    const before = this.settings;
    const after = this.readSettings(true);
    this.settings = after;
    const action = changeAction(before, after);
    this.log(`settings changed: ${action}`);
    switch (action) {
      case 'stop':
        void this.enqueue(async () => {
          await this.stopClient();
          this.setStatus({ state: 'disabled' });
        });
        break;
      case 'start':
        void this.enqueue(() => this.startClient());
        break;
      case 'restart':
        void this.enqueue(async () => {
          await this.stopClient();
          await this.startClient();
        });
        break;
      case 'notify':
      case 'none':
        // trace.server itself is applied by the language client ($/setTrace); the server also
        // gets the whole section
        void this.enqueue(async () => {
          const client = this.client;
          if (client?.isRunning()) {
            await client.sendNotification(DidChangeConfigurationNotification.type, {
              settings: { [SECTION]: serverSettings(after) },
            });
          }
        });
        break;
    }
  }

  private async fixAll(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage('hublint: open a file to fix.');
      return;
    }
    if (!this.client?.isRunning()) {
      void vscode.window.showWarningMessage('hublint: the language server is not running.');
      return;
    }
    const document = editor.document;
    const whole = new vscode.Range(0, 0, document.lineCount, 0);
    const actions =
      (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
        'vscode.executeCodeActionProvider',
        document.uri,
        whole,
        FIX_ALL_KIND.value,
        1,
      )) ?? [];
    const fix = actions.find(
      (a): a is vscode.CodeAction => 'kind' in a && a.kind !== undefined && FIX_ALL_KIND.contains(a.kind),
    );
    if (!fix || (!fix.edit && !fix.command)) {
      void vscode.window.showInformationMessage('hublint: nothing to fix automatically in this file.');
      return;
    }
    if (fix.edit && !(await vscode.workspace.applyEdit(fix.edit))) {
      void vscode.window.showErrorMessage('hublint: the fixes could not be applied (the file changed meanwhile?).');
      return;
    }
    if (fix.command) {
      await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
    }
  }

  private async showRuleDoc(requested?: unknown): Promise<void> {
    let code = typeof requested === 'string' && isRuleCode(requested) ? requested : undefined;
    if (!code) {
      const editor = vscode.window.activeTextEditor;
      const diagnostics = editor ? vscode.languages.getDiagnostics(editor.document.uri) : [];
      const atCursor = editor ? ruleCodesAt(diagnostics, editor.selection.active) : [];
      const candidates = atCursor.length > 0 ? atCursor : ruleCodesIn(diagnostics);
      if (candidates.length === 1 && atCursor.length === 1) {
        code = candidates[0];
      } else if (candidates.length > 0) {
        code = await vscode.window.showQuickPick(candidates, { placeHolder: 'hublint rule to explain' });
      } else {
        const typed = await vscode.window.showInputBox({
          prompt: 'No hublint problem under the cursor. Rule code to explain:',
          placeHolder: 'V001',
          validateInput: (v) => (isRuleCode(v.trim().toUpperCase()) ? undefined : 'A rule code looks like V001'),
        });
        code = typed?.trim().toUpperCase();
      }
    }
    if (!code) return;

    const server = this.server ?? (await this.locateServer());
    if (!server) return;
    let markdown: string;
    try {
      markdown = await fetchRuleDoc(server.command, code);
    } catch (e) {
      void vscode.window.showErrorMessage(`hublint: no documentation for ${code}: ${errorText(e)}`);
      return;
    }
    const uri = this.ruleDocs.set(code, markdown);
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch (e) {
      // without the built-in Markdown extension, show the source
      this.log(`markdown preview unavailable (${errorText(e)}); showing the text`);
      const document = await vscode.workspace.openTextDocument(uri);
      await vscode.languages.setTextDocumentLanguage(document, 'markdown');
      await vscode.window.showTextDocument(document, { preview: true });
    }
  }

  async dispose(): Promise<void> {
    await this.stopClient();
    for (const d of this.disposables) d.dispose();
  }
}

function serverVersion(client: LanguageClient): string | undefined {
  const v = client.initializeResult?.serverInfo?.version;
  return v && parseVersion(v) ? v : undefined;
}

function sourceLabel(source: FoundServer['source']): string {
  return source === 'setting' ? 'hublint.path' : source === 'bundled' ? 'bundled' : 'PATH';
}

function tooOldMessage(server: FoundServer, version: string, minimum: string): string {
  return (
    `hublint: the server at ${server.command} (${sourceLabel(server.source)}) is version ${version}, ` +
    `but this extension needs ${minimum} or newer. Update hublint (\`cargo install hublint\`) ` +
    'or point `hublint.path` at a newer binary.'
  );
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function disposeQuietly(client: LanguageClient): Promise<void> {
  try {
    await client.dispose(2000);
  } catch {
    // already stopped or never started
  }
}

let extension: HublintExtension | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extension = new HublintExtension(context);
  context.subscriptions.push({ dispose: () => void extension?.dispose() });
  await extension.activate();
}

export async function deactivate(): Promise<void> {
  const current = extension;
  extension = undefined;
  await current?.dispose();
}
