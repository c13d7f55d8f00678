#!/bin/sh
# tests/deps.sh PACKAGE...: what make demo and make check need, installed
# where it is missing (make deps; both targets run it first):
#
#   - the Debian packages named, and Debian's npm when there is no npm
#     command (a nodejs that bundles npm conflicts with that package);
#   - web/node_modules, the pinned npm packages of the browser page and its
#     test (npm ci in web/), when it is missing or older than
#     web/package-lock.json.
#
# Packages are installed with apt-get when run as root; otherwise the
# script prints the command to run as root and stops.  With everything
# present it asks dpkg once and compares two timestamps.
set -eu
cd "$(dirname "$0")/.."

installed=$(dpkg-query -W -f='${Package} ${Status}\n' "$@" 2> /dev/null |
	awk '$2 " " $3 " " $4 == "install ok installed" { print $1 }') || :
missing=
for p in "$@"; do
	echo "$installed" | grep -qx "$p" || missing="$missing $p"
done
command -v npm > /dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "sketchrnn needs these Debian packages; run as root:"
		echo "  apt-get update && apt-get install -y$missing"
		echo "then make again."
		exit 1
	fi
	echo "installing:$missing"
	apt-get update -q
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing
fi

lock=web/package-lock.json
stamp=web/node_modules/.package-lock.json # written by npm ci
if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ]; then
	echo "npm ci in web/ (@magenta/sketch and playwright-core, pinned)"
	(cd web && npm ci --no-audit --no-fund)
fi
