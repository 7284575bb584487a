# Sourced by the bench scripts: `apt_need wrk nginx` installs, from Debian, each package whose
# command (of the same name, on PATH or in /usr/sbin) is missing.
apt_need() {
  local missing=() name
  for name in "$@"; do
    command -v "$name" >/dev/null 2>&1 || [ -x "/usr/sbin/$name" ] || missing+=("$name")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  local sudo=
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}
