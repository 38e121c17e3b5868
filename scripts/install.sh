#!/usr/bin/env bash
# Installs zopa into a virtual environment, ./.venv (or $ZOPA_VENV), so that it works on a stock machine whose
# system Python refuses `pip install` (PEP 668, "externally-managed-environment"). Safe to re-run: an existing
# environment is reused and brought up to date.
#
#   bash scripts/install.sh            # zopa and what the main job needs
#   bash scripts/install.sh web        # + the web dashboard and HTTP API (zopa serve)
#   bash scripts/install.sh ray        # + extraction and Monte Carlo on a Ray cluster (--engine ray)
#   bash scripts/install.sh web,ray,test   # + the test tools (what `bash .ci/run` installs)
#
# PYTHON picks the interpreter (default python3, 3.11 or newer). On Debian/Ubuntu, a Python without its venv
# module gets it from apt (python3.X-venv), as root or through sudo.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${ZOPA_VENV:-.venv}"
python="${PYTHON:-python3}"
extras="${1:-}"

fail() { echo "install.sh: $*" >&2; exit 1; }

command -v "$python" >/dev/null 2>&1 || fail "$python not found: install Python 3.11 or newer (Debian: apt-get install python3 python3-venv)"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || fail "zopa needs Python 3.11 or newer; $python is $("$python" -V 2>&1) (set PYTHON=python3.11 or newer)"

if [ ! -x "$venv/bin/python" ]; then
  if ! "$python" -m venv "$venv" >/dev/null 2>&1; then
    rm -rf "$venv"
    version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    command -v apt-get >/dev/null 2>&1 || fail "$python cannot make a virtual environment (its venv module is missing)"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "install.sh: $python has no venv module; installing python${version}-venv with apt-get" >&2
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "python${version}-venv" >/dev/null
    "$python" -m venv "$venv"
  fi
fi

"$venv/bin/python" -m pip install -q --disable-pip-version-check -e ".${extras:+[$extras]}"
echo "zopa is installed in $venv: run $venv/bin/zopa, or 'source $venv/bin/activate' to type zopa alone"
