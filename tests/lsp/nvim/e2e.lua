-- hublint lsp driven by Neovim 0.7's built-in client, headless.
--   LSP_CMD="hublint lsp --stdio" REPO=/tmp/copy-of-example OUT_FILE=out.json \
--     timeout 180 nvim --headless -u NONE -i NONE -c 'luafile e2e.lua'
-- Writes {ok, checks = {name = true|error}} to OUT_FILE; exits non-zero on any failure.
local result = { ok = false, checks = {} }
local REPO = assert(os.getenv('REPO'), 'REPO unset')
local client_id

local function code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end

local function find_diag(bufnr, code)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if code_of(d) == code then return d end
  end
  return nil
end

local function wait_for(what, timeout, pred)
  local ok = vim.wait(timeout or 10000, pred, 20)
  assert(ok, 'timed out waiting for ' .. what)
end

local function open(rel)
  vim.cmd('edit ' .. vim.fn.fnameescape(REPO .. '/' .. rel))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(bufnr, client_id)
  return bufnr
end

-- 0-based line and byte column of `needle` in a buffer.
local function locate(bufnr, needle)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    local s = line:find(needle, 1, true)
    if s then return i - 1, s - 1 end
  end
  error('not in buffer: ' .. needle)
end

-- Position params (UTF-16, as the client negotiated) for `needle` + delta bytes.
local function params_at(bufnr, needle, delta)
  local line, col = locate(bufnr, needle)
  vim.api.nvim_win_set_buf(0, bufnr)
  vim.api.nvim_win_set_cursor(0, { line + 1, col + (delta or 0) })
  return vim.lsp.util.make_position_params()
end

local function request(bufnr, method, params)
  local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, 10000)
  assert(responses, 'no response to ' .. method .. ': ' .. tostring(err))
  for _, r in pairs(responses) do
    local e = r.err or r.error
    assert(not e, method .. ' failed: ' .. vim.inspect(e))
    return r.result
  end
  error('empty response to ' .. method)
end

local function check(name, fn)
  local ok, err = pcall(fn)
  result.checks[name] = ok and true or tostring(err)
end

local function run()
  vim.o.hidden = true -- keep every opened buffer loaded (and open for the server)
  local cmd_line = assert(os.getenv('LSP_CMD'), 'LSP_CMD unset')
  client_id = vim.lsp.start_client({
    name = 'hublint',
    cmd = vim.split(cmd_line, ' ', { trimempty = true }),
    cmd_env = { HUBLINT_LSP_TEST_HOOKS = '1' },
    root_dir = REPO,
    on_exit = function(code) result.exit_code = code end,
  })
  assert(client_id, 'start_client failed')

  local docker = open('helm-charts/images/hub/Dockerfile')
  check('diagnostics_on_open', function()
    wait_for('V001 on the Dockerfile', 15000, function() return find_diag(docker, 'V001') ~= nil end)
    local d = find_diag(docker, 'V001')
    local line, col = locate(docker, '4.2.0')
    assert(d.lnum == line and d.col == col and d.end_col == col + 5, vim.inspect(d))
    assert(d.severity == vim.diagnostic.severity.ERROR, 'severity ' .. tostring(d.severity))
  end)

  local chart = open('helm-charts/basehub/Chart.yaml')
  check('cross_file_chart_edit', function()
    local line, col = locate(chart, '4.3.3')
    -- Incremental edits to the unsaved Chart.yaml buffer, as typing would send them.
    vim.api.nvim_buf_set_text(chart, line, col, line, col + 5, { '4.2.' })
    vim.api.nvim_buf_set_text(chart, line, col + 4, line, col + 4, { '0' })
    wait_for('V001 to disappear', 10000, function() return find_diag(docker, 'V001') == nil end)
    vim.api.nvim_buf_set_text(chart, line, col, line, col + 5, { '4.3.3' })
    wait_for('V001 to come back', 10000, function() return find_diag(docker, 'V001') ~= nil end)
  end)

  check('quick_fix', function()
    local d = find_diag(docker, 'V001')
    local line, col = locate(docker, '4.2.0')
    local range = { start = { line = line, character = col }, ['end'] = { line = line, character = col + 5 } }
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(docker) },
      range = range,
      context = { diagnostics = { { range = range, message = d.message, code = code_of(d), severity = d.severity, source = d.source } } },
    }
    local actions = request(docker, 'textDocument/codeAction', params)
    local fix
    for _, a in ipairs(actions) do
      if a.title == 'Set the FROM tag to 4.3.3' then fix = a end
    end
    assert(fix, 'no "Set the FROM tag" action in ' .. vim.inspect(actions))
    vim.lsp.util.apply_workspace_edit(fix.edit, 'utf-16')
    assert(vim.api.nvim_buf_get_lines(docker, line, line + 1, false)[1]:find('k8s%-hub:4%.3%.3'), 'edit not applied')
    wait_for('V001 fixed', 10000, function() return find_diag(docker, 'V001') == nil end)
  end)

  local staging = open('config/clusters/demo/staging.values.yaml')
  wait_for('staging diagnostics', 10000, function() return find_diag(staging, 'Y003') ~= nil end)

  check('hover', function()
    local h = request(staging, 'textDocument/hover', params_at(staging, 'tag:', 1))
    local text = h.contents.value
    assert(text:find('jupyterhub.singleuser.image.tag', 1, true), text)
    assert(text:find('renders as `1.1`', 1, true), text)
  end)

  check('completion', function()
    local line = select(1, locate(staging, 'KubeSpawner:'))
    vim.api.nvim_buf_set_lines(staging, line + 1, line + 1, false, { '        cpu_' })
    local r = request(staging, 'textDocument/completion', params_at(staging, 'cpu_', 4))
    local items = r.items or r
    local labels = {}
    for _, i in ipairs(items) do labels[i.label] = true end
    assert(labels['cpu_limit'] and labels['cpu_guarantee'], vim.inspect(vim.tbl_keys(labels)))
    vim.api.nvim_buf_set_lines(staging, line + 1, line + 2, false, {})
  end)

  check('utf16_emoji_line', function()
    local line = select(1, locate(staging, 'tag: 1.10'))
    local name_line = line - 1
    -- One flow mapping on a line with emoji (surrogate pairs, a ZWJ sequence) and CJK.
    vim.api.nvim_buf_set_lines(staging, name_line - 1, line + 1, false,
      { '    image: {name: "😀👩‍👩‍👧中文", tag: 1.10}' })
    wait_for('Y003 on the emoji line', 10000, function()
      local d = find_diag(staging, 'Y003')
      local l, c = locate(staging, '1.10}')
      return d and d.lnum == l and d.col == c and d.end_col == c + 4
    end)
    -- An edit inside the line after the emoji moves the diagnostic by exactly one byte.
    local l, c = locate(staging, '中文')
    vim.api.nvim_buf_set_text(staging, l, c, l, c, { 'x' })
    wait_for('Y003 to move', 10000, function()
      local d = find_diag(staging, 'Y003')
      local l2, c2 = locate(staging, '1.10}')
      return d and d.lnum == l2 and d.col == c2
    end)
  end)

  check('bad_messages_and_panic', function()
    local client = vim.lsp.get_client_by_id(client_id)
    client.notify('textDocument/didChange', { textDocument = { uri = 'file:///nowhere' }, contentChanges = 'oops' })
    client.notify('hublint/unknownNotification', { 1, 2, 3 })
    local done, got_err = false, nil
    client.request('hublint/panicForTest', {}, function(err) done, got_err = true, err end)
    wait_for('panic response', 5000, function() return done end)
    assert(got_err and tostring(got_err.message):find('panic'), vim.inspect(got_err))
    local h = request(staging, 'textDocument/hover', params_at(staging, 'cpu:', 1))
    assert(h and h.contents.value:find('jupyterhub.singleuser.cpu', 1, true), vim.inspect(h))
  end)

  check('twenty_megabytes', function()
    vim.cmd('enew')
    local big = vim.api.nvim_get_current_buf()
    vim.api.nvim_buf_set_name(big, REPO .. '/config/clusters/demo/huge.values.yaml')
    local lines = {}
    for i = 1, 400000 do
      lines[i] = string.format('key_%07d: some value that pads the line out past fifty', i)
    end
    vim.api.nvim_buf_set_lines(big, 0, -1, false, lines)
    vim.bo[big].filetype = 'yaml'
    vim.lsp.buf_attach_client(big, client_id)
    wait_for('F001 on the 20 MB buffer', 60000, function() return find_diag(big, 'F001') ~= nil end)
    local h = request(staging, 'textDocument/hover', params_at(staging, 'cpu:', 1))
    assert(h and h.contents.value:find('cpu', 1, true), 'no hover after the 20 MB buffer')
  end)

  vim.lsp.stop_client(client_id)
  result.exited = vim.wait(3000, function() return result.exit_code ~= nil end, 20)
  local all = true
  for _, v in pairs(result.checks) do
    if v ~= true then all = false end
  end
  result.ok = all and result.exited and result.exit_code == 0
end

local ok, err = pcall(run)
if not ok then result.error = tostring(err) end
pcall(function()
  local f = assert(io.open(os.getenv('OUT_FILE') or 'nvim-lsp-result.json', 'w'))
  f:write(vim.fn.json_encode(result))
  f:close()
end)
vim.cmd(result.ok and 'qall!' or 'cquit 1')
