-- Run after the README's Neovim set-up (loaded as init.lua with -u): open FILE, which the
-- set-up's FileType autocommand attaches to `hublint lsp`, and wait for diagnostics.
--   FILE=repo/helm-charts/images/hub/Dockerfile OUT_FILE=out.json \
--     nvim --headless -u readme-init.lua -i NONE -c 'luafile nvim_check.lua'
local result = { ok = false }
local function run()
  local file = assert(os.getenv('FILE'), 'FILE unset')
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  result.filetype = vim.bo[bufnr].filetype
  local got = vim.wait(15000, function() return #vim.diagnostic.get(bufnr) > 0 end, 20)
  assert(got, 'no diagnostics in 15 s (filetype ' .. result.filetype .. ')')
  result.codes = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(result.codes, d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code))
  end
  local clients = vim.lsp.get_active_clients()
  result.clients = #clients
  result.root = clients[1] and clients[1].config.root_dir
  vim.lsp.stop_client(clients[1].id)
  result.ok = true
end
local ok, err = pcall(run)
if not ok then result.error = tostring(err) end
pcall(function()
  local f = assert(io.open(os.getenv('OUT_FILE') or 'nvim-readme.json', 'w'))
  f:write(vim.fn.json_encode(result)); f:close()
end)
vim.cmd(result.ok and 'qall!' or 'cquit 1')
