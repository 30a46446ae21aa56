#!/usr/bin/env bash
# Installs the real-editor test tools on a Debian 12 machine (run as root; npm registry + Debian apt only):
#   apt: chromium (the browser playwright-core drives), neovim (the second LSP client), ripgrep, and the
#        toolchain code-server's native modules compile with (libkrb5-dev for kerberos, g++/make/python3);
#        docker-registry + apache2-utils (htpasswd) + openssl for test/integration/registryCheck (a real registry
#        on loopback: the test starts its own instance on a random port with a generated config);
#   npm: `npm ci` here in e2e/ -> code-server 4.100.3 (VS Code 1.100.3, Node 20) + playwright-core.
# Idempotent: apt is skipped when every package is installed, `npm ci` when node_modules already matches
# package-lock.json (a stamp file records the lockfile hash).
#
# Everything temporary goes to <repo>/.tmp (git-ignored), never /tmp. npm's own cache stays where npm keeps it.
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(dirname "$E2E_DIR")"
export TMPDIR="$REPO_ROOT/.tmp"
mkdir -p "$TMPDIR"

log() { printf '[e2e-setup] %s\n' "$*"; }

# --- apt --------------------------------------------------------------------------------------------
# --no-install-recommends keeps chromium's recommends (udev, upower, mesa, printing) off the machine; the
# one recommend that matters for readable screenshots, fonts-liberation, is listed explicitly.
APT_PACKAGES=(chromium fonts-liberation neovim ripgrep libkrb5-dev g++ make python3 pkg-config docker-registry apache2-utils openssl)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # .ci/run has just updated the lists; anyone else gets a fresh update here.
  [[ "${REGISTRY_GUARD_APT_UPDATED:-}" == 1 ]] || apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
else
  log "apt packages already installed"
fi

# --- npm ci in e2e/ -------------------------------------------------------------------------------------
STAMP="$E2E_DIR/node_modules/.registry-guard-setup"
want="$(sha256sum "$E2E_DIR/package-lock.json" | cut -d' ' -f1) node-$(node -v)"
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$want" && -f "$E2E_DIR/node_modules/code-server/out/node/entry.js" \
      && -d "$E2E_DIR/node_modules/code-server/lib/vscode/node_modules" ]]; then
  log "e2e/node_modules is up to date with package-lock.json"
  exit 0
fi

# code-server's postinstall runs `npm install` in lib/vscode, whose @vscode/ripgrep postinstall downloads rg
# from api.github.com (unreachable here). It first looks for the release asset in
# $TMPDIR/vscode-ripgrep-cache-<its version>/, so put Debian's rg (the same upstream 13.0.0) there.
# The versions below are those in code-server 4.100.3's lib/vscode/npm-shrinkwrap.json and
# @vscode/ripgrep 1.15.11's lib/postinstall.js; a different code-server needs them re-read.
CODE_SERVER_VERSION="$(node -p 'require(process.argv[1]).packages["node_modules/code-server"].version' "$E2E_DIR/package-lock.json")"
if [[ "$CODE_SERVER_VERSION" != "4.100.3" ]]; then
  echo "e2e/setup.sh knows the ripgrep seed for code-server 4.100.3 only, not $CODE_SERVER_VERSION" >&2
  exit 1
fi
case "$(uname -m)" in
  x86_64) RG_TRIPLE=x86_64-unknown-linux-musl ;;
  aarch64) RG_TRIPLE=aarch64-unknown-linux-musl ;;
  *) echo "e2e/setup.sh: no ripgrep seed for $(uname -m)" >&2; exit 1 ;;
esac
RG_CACHE="$TMPDIR/vscode-ripgrep-cache-1.15.11"
mkdir -p "$RG_CACHE"
tar czf "$RG_CACHE/ripgrep-v13.0.0-10-$RG_TRIPLE.tar.gz" -C "$(dirname "$(command -v rg)")" rg

# Native modules (argon2, kerberos, node-pty, spdlog...) compile against the running Node's headers; without
# a nodedir node-gyp would download them from nodejs.org, which is unreachable.
if [[ -z "${npm_config_nodedir:-}" ]]; then
  node_prefix="$(dirname "$(dirname "$(command -v node)")")"
  if [[ -f "$node_prefix/include/node/node.h" ]]; then export npm_config_nodedir="$node_prefix"; fi
fi
# unsafe_perm: code-server's postinstall refuses to run as root without it (npm 11 only warns that the key
#   is unknown, but still passes it to the script).
# yes: node-pty's postinstall runs `npx node-gyp`, which must not stop to ask (some ~/.npmrc set yes=false).
export npm_config_unsafe_perm=true npm_config_yes=true
log "npm ci in e2e/ (code-server $CODE_SERVER_VERSION)"
(cd "$E2E_DIR" && npm ci --no-audit --no-fund --loglevel=error </dev/null)
echo "$want" >"$STAMP"
log "done"
