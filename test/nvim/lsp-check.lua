-- Headless Neovim (Debian 12: 0.7.2) as a second, independent LSP client of Registry Guard's server.
-- Started by test/nvim/run.ts, which passes:
--   LSP_SERVER  dist/server.js (run as `node LSP_SERVER --stdio`)   ROOT_DIR  the workspace (policies + manifests)
--   YAML_FILE   the manifest to open                               EDIT_LINE, EDIT_COL, EDIT_END_COL, EDIT_TEXT  (0-based)
--   LSP_TIMEOUT_MS  how long to wait for each step (default 20000)
-- It records what the client sees; the wrapper decides pass or fail. It prints ONE JSON object on stdout and
-- exits 0 when every step completed (diagnostics arrived, the edit was made, the diagnostics cleared), 1 otherwise.
-- Neovim 0.7 has no vim.lsp.start: start_client + buf_attach_client; -u NONE means no filetype detection.
local function env(name)
  local value = os.getenv(name)
  assert(value, name .. ' is not set')
  return value
end
local timeout_ms = tonumber(os.getenv('LSP_TIMEOUT_MS') or '20000')
local started = vim.loop.hrtime()
local function elapsed_ms()
  return math.floor((vim.loop.hrtime() - started) / 1e6)
end
local v = vim.version()
local result = { nvim = string.format('%d.%d.%d', v.major, v.minor, v.patch) }

local function lsp_code(d)
  if d.code ~= nil then return d.code end
  return d.user_data and d.user_data.lsp and d.user_data.lsp.code
end

local function snapshot(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(out, {
      lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      severity = d.severity, source = d.source, code = lsp_code(d), message = d.message,
    })
  end
  return out
end

local function finish(code)
  io.stdout:write(vim.fn.json_encode(result) .. '\n')
  io.stdout:flush()
  for _, client in ipairs(vim.lsp.get_active_clients()) do client.stop() end
  vim.wait(3000, function() return #vim.lsp.get_active_clients() == 0 end, 20)
  -- quit through Neovim rather than os.exit(), which skips its cleanup of $TMPDIR/nvimXXXXXX
  if code == 0 then vim.cmd('qall!') else vim.cmd('cquit ' .. code) end
end

local ok, err = pcall(function()
  local root = env('ROOT_DIR')
  local client_id = vim.lsp.start_client({
    name = 'registry-guard',
    cmd = { 'node', env('LSP_SERVER'), '--stdio' },
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ':t') } },
    on_init = function() result.initialized_ms = elapsed_ms() end,
  })
  assert(client_id, 'vim.lsp.start_client failed')

  vim.cmd('edit ' .. vim.fn.fnameescape(env('YAML_FILE')))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = 'yaml'
  assert(vim.lsp.buf_attach_client(bufnr, client_id), 'buf_attach_client failed')

  -- 1. the server publishes diagnostics for the opened manifest
  vim.wait(timeout_ms, function() return #vim.diagnostic.get(bufnr) > 0 end, 20)
  result.diagnostics_ms = elapsed_ms()
  result.diagnostics = snapshot(bufnr)
  assert(#result.diagnostics > 0, 'no diagnostics within ' .. timeout_ms .. ' ms')

  -- 2. type the new image over the old one (an incremental didChange, as a user editing would send)
  local line = tonumber(env('EDIT_LINE'))
  vim.api.nvim_buf_set_text(bufnr, line, tonumber(env('EDIT_COL')), line, tonumber(env('EDIT_END_COL')), { env('EDIT_TEXT') })
  result.line_after_edit = vim.api.nvim_buf_get_lines(bufnr, line, line + 1, false)[1]

  -- 3. the server clears them
  vim.wait(timeout_ms, function() return #vim.diagnostic.get(bufnr) == 0 end, 20)
  result.cleared_ms = elapsed_ms()
  result.diagnostics_after_edit = snapshot(bufnr)
  assert(#result.diagnostics_after_edit == 0, 'diagnostics still present ' .. timeout_ms .. ' ms after the edit')
end)

result.ok = ok
if not ok then result.error = tostring(err) end
finish(ok and 0 or 1)
