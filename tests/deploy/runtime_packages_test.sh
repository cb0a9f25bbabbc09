#!/usr/bin/env bash
# The container image installs only the runtime packages named in
# deploy/Dockerfile. Checks that they (with their dependencies) provide every
# shared library the podmeta-server binary links.
#   runtime_packages_test.sh DOCKERFILE BINARY
set -euo pipefail
dockerfile=$1
binary=$2

# The package list of the runtime stage's apt-get install.
runtime=$(awk '/^FROM debian:bookworm-slim/{stage=1} stage && /apt-get install/{grab=1; next} grab{ if ($0 ~ /rm -rf/) exit; print }' "$dockerfile" \
  | tr -d '\\' | tr ' ' '\n' | grep -E '^[a-z0-9][a-z0-9.+-]+$' | sort -u)
[ -n "$runtime" ] || { echo "no runtime packages found in $dockerfile" >&2; exit 1; }
closure=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces \
  --no-enhances $runtime 2>/dev/null | grep -E '^[a-z0-9]' | sed 's/:amd64$//' | sort -u)

missing=0
for library in $(ldd "$binary" | awk '$3 ~ /^\// {print $3}'); do
  # With merged /usr, dpkg may know a file under /lib or under /usr/lib.
  real=$(readlink -f "$library")
  package=""
  for candidate in "$library" "$real" "${real#/usr}" "/usr$library"; do
    package=$(dpkg -S "$candidate" 2>/dev/null | head -1 | cut -d: -f1) && [ -n "$package" ] && break
  done
  [ -n "$package" ] || { echo "no package owns $library" >&2; missing=1; continue; }
  if ! grep -qx "$package" <<<"$closure"; then
    echo "$library comes from $package, which the runtime image does not install" >&2
    missing=1
  fi
done
[ $missing -eq 0 ] || exit 1
echo "every library of $(basename "$binary") is provided by the runtime image's packages: $(echo $runtime)"
