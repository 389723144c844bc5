#!/usr/bin/env bash
# Source this file: makes (once) and activates the Python virtual environment that holds the
# oracle decoders and benchmark peers listed in requirements.txt. The venv lives outside the
# checkout so that CI runs on the same machine reuse it.
_sp_req="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/requirements.txt"
SCANPASS_CACHE="${SCANPASS_CACHE:-$HOME/.cache/scanpass}"
_sp_venv="$SCANPASS_CACHE/venv"
_sp_stamp="$_sp_venv/.requirements-$(sha256sum "$_sp_req" | cut -c1-16)"
if [ ! -f "$_sp_stamp" ]; then
  python3 -m venv "$_sp_venv"
  "$_sp_venv/bin/pip" install --quiet --disable-pip-version-check -r "$_sp_req"
  touch "$_sp_stamp"
fi
# shellcheck disable=SC1091
source "$_sp_venv/bin/activate"
unset _sp_req _sp_venv _sp_stamp
