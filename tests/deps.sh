#!/bin/sh
# tests/deps.sh PACKAGE...: install the Debian packages that are missing,
# through apt-get when run as root; otherwise print the apt-get line and stop.
missing=
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
	echo "installing:$missing"
	apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing
else
	echo "sketchrnn needs these Debian packages; run as root:"
	echo "  apt-get update && apt-get install -y$missing"
	exit 1
fi
