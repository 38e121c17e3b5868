#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian machine (PostgreSQL, Chromium, and zopa with its web,
# ray and test extras in ./.venv, as the README's install does), then runs ruff, mypy and the test suite. Safe to
# re-run: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  fi
fi

bash scripts/install.sh web,ray,test
python="${ZOPA_VENV:-.venv}/bin/python"
"$python" -m ruff check src tests bench
"$python" -m mypy src/zopa
# -p no:benchmark: pytest-benchmark, when installed, warns under xdist, and warnings are errors here
"$python" -m pytest -q -n 2 -p no:benchmark "$@"
