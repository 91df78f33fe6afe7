#!/bin/sh
echo "hello $1 from $(id -un)"
echo "to stderr" >&2
exit "${2:-0}"
