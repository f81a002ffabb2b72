#!/usr/bin/env bash
# Installs what the tests need and is missing (`npm test` runs this first); quick when all is there.
#   - .venv/ (project-local Python virtual environment) from test/support/requirements.txt: moto_server,
#     cfn-lint, numpy, scipy at pinned versions; reinstalled when that file changes (a hash in .venv/).
#   - Debian's chromium at /usr/bin/chromium (apt-get, as root), for the HTML report checks.
#   - .venv-peers/ from test/support/requirements-peers.txt: Evidently, NannyML, river (the peers that
#     `npm run eval` and the cross-checks in test/eval run), reinstalled when that file changes (a hash in
#     .venv-peers/). A fresh install downloads about 1 GB and takes a few minutes.
#   - .venv-mlflow/ from test/support/requirements-mlflow.txt: MLflow (the tracking server and Python
#     client test/retraining/mlflow.test.ts runs), reinstalled when that file changes (a hash in
#     .venv-mlflow/). A fresh install fills about 850 MB and took 6 minutes here.
# The jest global setup (test/support/prerequisites.ts) puts .venv/bin first on PATH for the tests and
# names anything still missing. Set DRIFTWATCH_PYTHON to create the venv with another python3.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.venv"
REQUIREMENTS="$ROOT/test/support/requirements.txt"
STAMP="$VENV/.requirements.sha256"
PYTHON="${DRIFTWATCH_PYTHON:-python3}"

say() { echo "setup.sh: $*" >&2; }

sha256() {
  if command -v sha256sum >/dev/null; then sha256sum "$1" | cut -d' ' -f1; else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

# --- Python tools in .venv ------------------------------------------------------------------------
if [ ! -x "$VENV/bin/python3" ] || ! "$VENV/bin/python3" -c '' 2>/dev/null; then
  if ! command -v "$PYTHON" >/dev/null; then
    say "needs $PYTHON (3.11 or later) to create .venv: apt-get install python3 python3-venv"
    exit 1
  fi
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    say "$PYTHON is $("$PYTHON" --version 2>&1); the pinned numpy and scipy need Python 3.11 or later (set DRIFTWATCH_PYTHON to one)"
    exit 1
  fi
  if ! "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null; then
    say "$PYTHON has no venv/ensurepip module, so it cannot create .venv: apt-get install python3-venv (Debian/Ubuntu)"
    exit 1
  fi
  say "creating .venv with $("$PYTHON" --version 2>&1)"
  "$PYTHON" -m venv --clear "$VENV"
fi

want="$(sha256 "$REQUIREMENTS")"
have="$(cat "$STAMP" 2>/dev/null || true)"
if [ "$want" != "$have" ] || [ ! -x "$VENV/bin/moto_server" ] || [ ! -x "$VENV/bin/cfn-lint" ]; then
  say "installing test/support/requirements.txt into .venv (the first time takes a minute or two)"
  rm -f "$STAMP"
  "$VENV/bin/python3" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
  echo "$want" >"$STAMP"
fi

# --- Side environments: .venv-peers and .venv-mlflow ----------------------------------------------
# side_venv NAME REQUIREMENTS WHAT [EXECUTABLE]: creates ROOT/NAME when missing and installs REQUIREMENTS
# into it when that file changed (a hash in NAME/) or EXECUTABLE (in NAME/bin) is missing.
side_venv() {
  local venv="$ROOT/$1" requirements="$ROOT/$2" what="$3" executable="${4:-python3}"
  local stamp="$venv/.requirements.sha256"
  if [ ! -x "$venv/bin/python3" ] || ! "$venv/bin/python3" -c '' 2>/dev/null; then
    say "creating $1 with $("$PYTHON" --version 2>&1)"
    "$PYTHON" -m venv --clear "$venv"
  fi
  local want have
  want="$(sha256 "$requirements")"
  have="$(cat "$stamp" 2>/dev/null || true)"
  if [ "$want" != "$have" ] || [ ! -x "$venv/bin/$executable" ]; then
    say "installing $2 into $1 ($what; the first time takes a few minutes)"
    rm -f "$stamp"
    "$venv/bin/python3" -m pip install --quiet --disable-pip-version-check -r "$requirements"
    echo "$want" >"$stamp"
  fi
}
# The peers, apart from .venv: their dependencies (s3fs/aiobotocore's botocore pin) conflict with moto's.
side_venv .venv-peers test/support/requirements-peers.txt 'Evidently, NannyML, river'
# MLflow, apart from .venv-peers: mlflow pulls pandas 3 and another pyarrow than Evidently's pins.
side_venv .venv-mlflow test/support/requirements-mlflow.txt 'MLflow' mlflow

# --- Chromium -------------------------------------------------------------------------------------
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian's chromium (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
  else
    # Not fatal here: the HTML report tests say the same when they start.
    say "Chromium is missing at /usr/bin/chromium; install it with: sudo apt-get install chromium"
  fi
fi
