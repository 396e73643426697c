# Put the project's Node (the version in .node-version, an LTS line) first on
# PATH, installing it into .tools/ from the npm registry if it is not there yet:
#
#   source scripts/use-node.sh
#
# The registry's node-<os>-<arch> packages carry the official binary and the
# headers native modules (better-sqlite3) compile against, so this needs no
# other download host than the npm registry. npm itself is whichever npm is on
# PATH; it runs on the Node put first here. Builds of native modules use these
# headers (npm_config_nodedir), whatever a machine-wide npmrc says.
_parley_root=$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)
_parley_version=$(tr -d ' \n\r' < "$_parley_root/.node-version")
case "$(uname -s)" in Linux) _parley_os=linux ;; Darwin) _parley_os=darwin ;; *) _parley_os=unsupported ;; esac
case "$(uname -m)" in x86_64 | amd64) _parley_arch=x64 ;; aarch64 | arm64) _parley_arch=arm64 ;; *) _parley_arch=unsupported ;; esac
_parley_node="$_parley_root/.tools/node-v$_parley_version-$_parley_os-$_parley_arch"
if [ "$_parley_os" = unsupported ] || [ "$_parley_arch" = unsupported ]; then
  echo "use-node.sh: no Node package for $(uname -s) $(uname -m); install Node $_parley_version yourself (docs/desktop.md)" >&2
elif [ -x "$_parley_node/bin/node" ] || (
  _parley_tmp=$(mktemp -d) &&
    echo "use-node.sh: installing Node $_parley_version into .tools/ from the npm registry" >&2 &&
    (cd "$_parley_tmp" && npm pack "node-$_parley_os-$_parley_arch@$_parley_version" --silent >/dev/null) &&
    mkdir -p "$_parley_node.partial" &&
    tar -xzf "$_parley_tmp"/*.tgz -C "$_parley_node.partial" --strip-components=1 &&
    rm -rf "$_parley_tmp" && mv "$_parley_node.partial" "$_parley_node"
); then
  export PATH="$_parley_node/bin:$PATH"
  export npm_config_nodedir="$_parley_node"
  hash -r 2>/dev/null || true
else
  rm -rf "$_parley_node.partial"
  echo "use-node.sh: could not install Node $_parley_version from the npm registry" >&2
fi
unset _parley_root _parley_version _parley_os _parley_arch _parley_node
