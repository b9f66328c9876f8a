#!/usr/bin/env bash
# Builds smog for this machine (self-contained, ReadyToRun composite: fast start-up) and puts
# `smog` on PATH. Needs only the .NET SDK and NuGet access (runtime and crossgen packages).
#   tools/install.sh                 # into ~/.local/share/smog, command in /usr/local/bin (root) or ~/.local/bin
#   SMOG_HOME=DIR SMOG_BIN=DIR tools/install.sh
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
home=${SMOG_HOME:-$HOME/.local/share/smog}
if [[ -n ${SMOG_BIN:-} ]]; then bin=$SMOG_BIN
elif [[ -w /usr/local/bin ]]; then bin=/usr/local/bin
else bin=$HOME/.local/bin
fi
case $(uname -m) in
    x86_64) rid=linux-x64 ;;
    aarch64 | arm64) rid=linux-arm64 ;;
    *) echo "install.sh: no .NET runtime pack for $(uname -m)" >&2; exit 2 ;;
esac

mkdir -p "$(dirname "$home")" "$bin"
# Publish beside the target, then swap whole directories: a failed build leaves the old install.
staging=$(mktemp -d "$(dirname "$home")/.smog-publish.XXXXXX")
trap 'rm -rf "$staging"' EXIT
dotnet publish "$repo/src/Smog.Cli" -c Release -r "$rid" -o "$staging" --nologo -v quiet
chmod 755 "$staging"
rm -rf "$home.old"
[[ -e $home ]] && mv "$home" "$home.old"
mv "$staging" "$home"
trap - EXIT
rm -rf "$home.old"
ln -sf "$home/smog" "$bin/smog"
echo "installed $("$home/smog" --version) in $home; command: $bin/smog"
case ":$PATH:" in *":$bin:"*) ;; *) echo "note: $bin is not on PATH; add it, e.g. export PATH=\"$bin:\$PATH\"" ;; esac
