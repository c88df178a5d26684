# Sourced by the scripts here: make `uv` available on a machine that has only Python.
if ! python3 -m uv --version >/dev/null 2>&1; then
  echo "wardstat: installing uv (the package manager) with pip…" >&2
  python3 -m pip install --quiet --disable-pip-version-check uv \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages uv
fi
uv() { python3 -m uv "$@"; }
