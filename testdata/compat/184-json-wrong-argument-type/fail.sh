#!/bin/sh
echo out
exit 3
