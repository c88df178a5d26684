# Sourced by the scripts here: install Debian packages that are missing (root, or sudo).
# ensure_debian_packages PKG… — returns non-zero when some could not be installed.
ensure_debian_packages() {
  local missing=() pkg sudo_cmd=""
  command -v dpkg-query >/dev/null 2>&1 || return 1  # not Debian: nothing we can do here
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  echo "wardstat: installing Debian packages: ${missing[*]}" >&2
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
